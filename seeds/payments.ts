import { MIN } from './core';
import { application, bill, packagePriceCents, placement, type AppFact, type BillFact, type PlacementFact } from './careers';
import { schedule, type Schedule } from './learning';
import { download, material, mentorSession, registrations, webinar, type DownloadFact, type RegistrationFact, type SessionFact } from './services';
import type { World } from './world';

/**
 * One payment per paying row, never shared: of the row's payment type, paid by the user who gets
 * the access (the student for an enrollment, the company for a candidate fee), for the row's price,
 * and in a state that agrees with the row (access granted: completed; cancelled or refunded rows:
 * refunded; unpaid bills: pending or failed). Pending-verification users never pay: no row of theirs
 * exists.
 */

export type PaymentStatus = 'pending' | 'completed' | 'failed' | 'refunded' | 'cancelled';

export interface PaymentFact {
  id: string;
  user: number;
  type: 'course_purchase' | 'webinar_purchase' | 'material_purchase' | 'mentor_session' | 'placement_package' | 'company_candidate_fee';
  cents: number;
  status: PaymentStatus;
  created: number;
  paidAt: number | null;
  refundedAt: number | null;
  description: string;
  failure: string | null;
}

const checkout = (w: World, scope: string, i: number) => (2 + (w.h(scope, i) % 7)) * MIN;

export function enrollmentPayment(w: World, s: Schedule): PaymentFact | null {
  if (s.price.cents === 0) return null;
  const paidAt = s.enrolledAt - MIN;
  return {
    id: w.id('payments:enrollments', s.e),
    user: w.t.userOfStudent(s.student),
    type: 'course_purchase',
    cents: s.price.cents,
    status: s.refunded ? 'refunded' : 'completed',
    created: paidAt - checkout(w, 'checkout_enrollment', s.e),
    paidAt,
    refundedAt: s.refunded ? s.droppedAt : null,
    description: `Course purchase #${s.course + 1}`,
    failure: null,
  };
}

export function registrationPayment(w: World, x: number, reg: RegistrationFact): PaymentFact | null {
  const price = webinar(w, x).price;
  if (price.cents === 0) return null;
  const paidAt = reg.registered - MIN;
  const refunded = reg.status === 'cancelled';
  return {
    id: w.id('payments:webinar_registrations', reg.i),
    user: reg.user,
    type: 'webinar_purchase',
    cents: price.cents,
    status: refunded ? 'refunded' : 'completed',
    created: paidAt - checkout(w, 'checkout_webinar', reg.i),
    paidAt,
    refundedAt: refunded ? reg.cancelled : null,
    description: `Webinar #${x + 1}`,
    failure: null,
  };
}

export function downloadPayment(w: World, d: DownloadFact): PaymentFact | null {
  const price = material(w, d.material).price;
  if (price.cents === 0) return null;
  const paidAt = d.at - MIN;
  return { id: w.id('payments:material_downloads', d.i), user: d.user, type: 'material_purchase', cents: price.cents, status: 'completed', created: paidAt - checkout(w, 'checkout_material', d.i), paidAt, refundedAt: null, description: `Material #${d.material + 1}`, failure: null };
}

/** The booking's payment, carried by the row that holds the booking now (a replacement after a reschedule). */
export function sessionPayment(w: World, s: SessionFact): PaymentFact | null {
  if (s.status === 'rescheduled') return null;
  const original = s.replaces === null ? s : mentorSession(w, s.i)!;
  const paidAt = original.booked - MIN;
  const refunded = s.status === 'cancelled';
  return {
    id: w.id('payments:mentor_sessions', s.i),
    user: w.t.userOfStudent(s.student),
    type: 'mentor_session',
    cents: s.priceCents,
    status: refunded ? 'refunded' : 'completed',
    created: paidAt - checkout(w, 'checkout_session', s.i),
    paidAt,
    refundedAt: refunded ? Math.max(s.cancelledAt!, paidAt) : null,
    description: s.status === 'no_show' ? `Mentor session #${s.i + 1} (no-show fee, half the rate)` : `Mentor session #${s.i + 1}`,
    failure: null,
  };
}

export function placementPayment(w: World, p: PlacementFact): PaymentFact {
  const paidAt = p.start - 5 * MIN;
  const refunded = p.status === 'cancelled';
  return { id: w.id('payments:student_placements', p.i), user: w.t.userOfStudent(p.student), type: 'placement_package', cents: packagePriceCents(p.pkg), status: refunded ? 'refunded' : 'completed', created: paidAt - checkout(w, 'checkout_placement', p.i), paidAt, refundedAt: refunded ? p.cancelledAt : null, description: `Placement package #${p.pkg + 1}`, failure: null };
}

export const CANDIDATE_FEE_CENTS = 9900;

export function billPayment(w: World, app: AppFact, b: BillFact): PaymentFact {
  return {
    id: w.id('payments:company_candidate_billing', app.a),
    user: w.t.userOfCompany(w.t.companyOfJob(app.job)),
    type: 'company_candidate_fee',
    cents: CANDIDATE_FEE_CENTS,
    status: b.status,
    created: b.billed,
    paidAt: b.paidAt,
    refundedAt: null,
    description: `Candidate fee, application #${app.a + 1}`,
    failure: b.status === 'failed' ? 'card_declined' : null,
  };
}

/** Every payment, from the rows that carry one (so amounts, payers and states match by construction). */
export function* paymentFacts(w: World): Generator<PaymentFact> {
  const s = w.t.shape;
  for (let e = 0; e < s.enrollments; e++) {
    const sc = schedule(w, e);
    const p = sc && enrollmentPayment(w, sc);
    if (p) yield p;
  }
  for (let x = 0; x < s.webinars; x++) {
    for (const reg of registrations(w, x)) {
      const p = registrationPayment(w, x, reg);
      if (p) yield p;
    }
  }
  for (let i = 0; i < s.material_downloads; i++) {
    const d = download(w, i);
    const p = d && downloadPayment(w, d);
    if (p) yield p;
  }
  for (let i = 0; i < s.mentor_sessions; i++) {
    const m = mentorSession(w, i);
    if (!m) continue;
    const p = sessionPayment(w, m.replacement ?? m);
    if (p) yield p;
  }
  for (let i = 0; i < s.student_placements; i++) {
    const pl = placement(w, i);
    if (pl) yield placementPayment(w, pl);
  }
  for (let a = 0; a < s.applications; a++) {
    const app = application(w, a);
    const b = app && bill(w, app);
    if (app && b) yield billPayment(w, app, b);
  }
}

