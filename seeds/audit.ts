import { existsSync, readFileSync } from 'node:fs';
import type { Client } from 'pg';
import type { Db, Document } from 'mongodb';
import type { StoreName } from '../src/errors';
import { APPLICATION_STATUSES, APPLICATION_TRANSITIONS, INITIAL_APPLICATION_STATUS, candidateStage } from './domain';
import { ascii } from './files/common';
import type { Connections } from './index';

/**
 * The seeded stores' consistency audit: the platform's own rules, checked against what is live, the
 * way the QA team checks them (SQL for PostgreSQL, queries for MongoDB, both together for the links
 * between them, a sample of S3 objects). It never asks the generator what it meant to write: each
 * rule reads the stores and counts the rows that break it. `seed --check` runs it after loading;
 * `seed --check-only` on stores as they are.
 *
 * The rules need the as-of day the data claims (past facts before it, scheduled ones after).
 */

export interface AuditFinding {
  rule: string;
  store: 'postgres' | 'mongo' | 's3' | 'cross';
  what: string;
  violations: number;
  /** Up to three offending ids (or descriptions). */
  examples: string[];
  ms: number;
}

export interface AuditResult {
  asOf: string;
  /** Every rule that ran, with its count (0 = clean). */
  findings: AuditFinding[];
  violations: number;
  /** Rules that could not run here, and why (a store not selected, a tool missing). */
  skipped: string[];
  ms: number;
}

export interface AuditOptions {
  asOf: number;
  stores: StoreName[];
  onProgress?: (rule: string, done: number, total: number) => void;
}

interface Rule {
  id: string;
  store: AuditFinding['store'];
  what: string;
  needs: StoreName[];
  run(x: AuditContext): Promise<{ n: number; examples: string[] }>;
}

interface AuditContext {
  pg: () => Promise<Client>;
  mongo: () => Promise<Db>;
  c: Connections;
  asOf: Date;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL rules
// ---------------------------------------------------------------------------------------------

/** Each SQL selects the offending rows' ids (one text column); $1 is the as-of instant. */
function sql(id: string, what: string, query: string): Rule {
  return {
    id,
    store: 'postgres',
    what,
    needs: ['postgres'],
    async run(x) {
      const r = await (await x.pg()).query<{ n: number; ex: string[] }>(`WITH v AS (${query}) SELECT (SELECT count(*) FROM v)::int AS n, ARRAY(SELECT v::text FROM v LIMIT 3) AS ex`, query.includes('$1') ? [x.asOf] : []);
      return { n: r.rows[0].n, examples: r.rows[0].ex };
    },
  };
}

const PROFILE_TABLES = [
  ['students', 'student'],
  ['companies', 'company'],
  ['admins', 'admin'],
  ['instructors', 'instructor'],
  ['mentors', 'mentor'],
] as const;

/** Columns that name a future moment by design; every other timestamp is history, before as-of. */
const FUTURE_OK = new Set(['webinars.starts_at', 'webinars.ends_at', 'mentor_sessions.starts_at', 'mentor_sessions.ends_at', 'interview_slots.starts_at', 'interview_slots.ends_at', 'student_placements.ends_at', 'enrollments.expires_at', 'jobs.closes_at', 'company_candidate_billing.due_at']);

const TRANSITIONS_SQL = `(VALUES ${[
  `(NULL::text, '${INITIAL_APPLICATION_STATUS}')`,
  ...Object.entries(APPLICATION_TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => `('${from}', '${to}')`)),
].join(', ')}) AS tr(f, t)`;
const STAGES_SQL = `(VALUES ${APPLICATION_STATUSES.map((s) => `('${s}', '${candidateStage(s)}')`).join(', ')}) AS st(status, stage)`;

/** Per student, the events each badge metric counts (student_id, metric, at, course_id). */
const BADGE_EVENTS = `
  SELECT e.student_id, 'enrollments' AS metric, e.enrolled_at AS at FROM enrollments e
  UNION ALL SELECT e.student_id, 'courses_completed', e.completed_at FROM enrollments e WHERE e.completed_at IS NOT NULL
  UNION ALL SELECT e.student_id, 'fast_completions', e.completed_at FROM enrollments e WHERE e.completed_at - e.enrolled_at <= interval '21 days'
  UNION ALL SELECT a.student_id, 'quizzes_passed', a.submitted_at FROM quiz_attempts a WHERE a.passed
  UNION ALL SELECT e.student_id, 'lessons_completed', lp.completed_at FROM lesson_progress lp JOIN enrollments e ON e.id = lp.enrollment_id WHERE lp.completed_at IS NOT NULL
  UNION ALL SELECT r.student_id, 'reviews_written', r.created_at FROM course_reviews r
  UNION ALL SELECT a.student_id, 'applications_submitted', a.applied_at FROM applications a
  UNION ALL SELECT p.student_id, 'portfolio_projects', p.created_at FROM student_portfolios p
  UNION ALL SELECT a.student_id, 'interviews_completed', h.changed_at FROM application_status_history h JOIN applications a ON a.id = h.application_id WHERE h.to_status = 'interview_completed'
  UNION ALL SELECT a.student_id, 'hires', h.changed_at FROM application_status_history h JOIN applications a ON a.id = h.application_id WHERE h.to_status = 'hired'`;

/**
 * A paying table: the payment it must link, who pays, what it costs, and which states agree with
 * which payment states (`state`: a SQL condition on r and pay that must hold).
 */
const PAYING: ReadonlyArray<{ table: string; type: string; payer: string; price: string; join: string; needsPayment: string; state: string }> = [
  // Dropping within the refund window refunds the purchase; any other state keeps it paid.
  { table: 'enrollments', type: 'course_purchase', payer: 's.user_id', price: 'c.price', join: 'JOIN students s ON s.id = r.student_id JOIN courses c ON c.id = r.course_id', needsPayment: 'c.price > 0', state: `pay.status = 'completed' OR (pay.status = 'refunded' AND r.status = 'dropped')` },
  // A cancelled registration, session or placement is refunded; the others are paid.
  { table: 'webinar_registrations', type: 'webinar_purchase', payer: 'r.user_id', price: 'w.price', join: 'JOIN webinars w ON w.id = r.webinar_id', needsPayment: 'w.price > 0', state: `(r.status = 'cancelled') = (pay.status = 'refunded') AND pay.status IN ('completed', 'refunded')` },
  { table: 'material_downloads', type: 'material_purchase', payer: 'r.user_id', price: 'm.price', join: 'JOIN materials m ON m.id = r.material_id', needsPayment: 'm.price > 0', state: `pay.status = 'completed'` },
  { table: 'mentor_sessions', type: 'mentor_session', payer: 's.user_id', price: 'r.price', join: 'JOIN students s ON s.id = r.student_id', needsPayment: `r.status <> 'rescheduled'`, state: `(r.status = 'cancelled') = (pay.status = 'refunded') AND pay.status IN ('completed', 'refunded')` },
  { table: 'student_placements', type: 'placement_package', payer: 's.user_id', price: 'pk.price', join: 'JOIN students s ON s.id = r.student_id JOIN placement_packages pk ON pk.id = r.package_id', needsPayment: 'true', state: `(r.status = 'cancelled') = (pay.status = 'refunded') AND pay.status IN ('completed', 'refunded')` },
  // A bill is in the state of its payment.
  { table: 'company_candidate_billing', type: 'company_candidate_fee', payer: 'co.user_id', price: 'r.amount', join: 'JOIN companies co ON co.id = r.company_id', needsPayment: 'true', state: `pay.status::text = r.status::text AND (r.status = 'completed') = (pay.paid_at IS NOT NULL)` },
];

function pgRules(): Rule[] {
  const rules: Rule[] = [];
  const add = (id: string, what: string, query: string) => rules.push(sql(id, what, query));

  // Accounts and profiles
  add('profile-user-type', 'a profile row only for a user of that user_type', PROFILE_TABLES.map(([t, type]) => `SELECT p.id FROM ${t} p JOIN users u ON u.id = p.user_id WHERE u.user_type <> '${type}'`).join(' UNION ALL '));
  add('profile-after-account', 'profiles are created with or after their account', PROFILE_TABLES.map(([t]) => `SELECT p.id FROM ${t} p JOIN users u ON u.id = p.user_id WHERE p.created_at < u.created_at`).join(' UNION ALL '));
  add('emails-lower-case', 'e-mails are stored lower-case', `SELECT id FROM users WHERE email <> lower(email)`);
  add('pending-users-inactive', 'users still pending verification have not verified, logged in, paid or acted', `
    SELECT u.id FROM users u WHERE u.status = 'pending_verification' AND (u.email_verified_at IS NOT NULL OR u.last_login_at IS NOT NULL
      OR EXISTS (SELECT 1 FROM payments p WHERE p.user_id = u.id)
      OR EXISTS (SELECT 1 FROM enrollments e JOIN students s ON s.id = e.student_id WHERE s.user_id = u.id)
      OR EXISTS (SELECT 1 FROM applications a JOIN students s ON s.id = a.student_id WHERE s.user_id = u.id)
      OR EXISTS (SELECT 1 FROM webinar_registrations r WHERE r.user_id = u.id)
      OR EXISTS (SELECT 1 FROM material_downloads d WHERE d.user_id = u.id))`);
  add('stopped-users-quiet', 'suspended and inactive users did nothing after their account stopped (users.updated_at)', `
    SELECT u.id FROM users u WHERE u.status IN ('suspended', 'inactive') AND (u.last_login_at > u.updated_at
      OR EXISTS (SELECT 1 FROM payments p WHERE p.user_id = u.id AND p.created_at > u.updated_at)
      OR EXISTS (SELECT 1 FROM enrollments e JOIN students s ON s.id = e.student_id WHERE s.user_id = u.id AND e.enrolled_at > u.updated_at)
      OR EXISTS (SELECT 1 FROM lesson_progress lp JOIN enrollments e ON e.id = lp.enrollment_id JOIN students s ON s.id = e.student_id WHERE s.user_id = u.id AND lp.started_at > u.updated_at)
      OR EXISTS (SELECT 1 FROM audit_logs l WHERE l.user_id = u.id AND l.action = 'user.login' AND l.created_at > u.updated_at))`);
  add('graduates-old-enough', 'a graduation year at least 16 years after birth; students at least 16', `SELECT id FROM students WHERE graduation_year - extract(year FROM date_of_birth) < 16 OR date_of_birth > ($1::timestamptz - interval '16 years')::date`);
  add('experience-fits-age', 'years of experience fit the age', `SELECT id FROM students WHERE years_of_experience > extract(year FROM age($1::timestamptz, date_of_birth)) - 16`);

  // Order of events
  add('course-after-instructor', 'a course is created after its instructor joined, published after it was created', `SELECT c.id FROM courses c JOIN instructors i ON i.id = c.instructor_id WHERE c.created_at < i.created_at OR c.published_at < c.created_at`);
  add('enrollment-in-published-course', 'enrollments only in published courses, after publication, by a student who had joined', `
    SELECT e.id FROM enrollments e JOIN courses c ON c.id = e.course_id JOIN students s ON s.id = e.student_id
     WHERE NOT c.is_published OR e.enrolled_at < c.published_at OR e.enrolled_at < s.created_at`);
  add('job-after-company', 'a job is created after its company joined, published after it was created', `SELECT j.id FROM jobs j JOIN companies co ON co.id = j.company_id WHERE j.created_at < co.created_at OR j.published_at < j.created_at`);
  add('application-in-open-job', 'applications only to published jobs, while open, before the job was filled, by a student who had joined', `
    SELECT a.id FROM applications a JOIN jobs j ON j.id = a.job_id JOIN students s ON s.id = a.student_id
     WHERE j.status = 'draft' OR a.applied_at < j.published_at OR a.applied_at > j.closes_at OR a.applied_at > j.filled_at OR a.applied_at < s.created_at`);
  add('history-actor-existed', 'status changes are made by accounts that existed at the time', `SELECT h.id FROM application_status_history h JOIN users u ON u.id = h.changed_by WHERE u.created_at > h.changed_at`);
  add('history-path', "an application's history is its path from the initial status through allowed steps, in time order, ending in its status", `
    WITH h AS (SELECT h.*, row_number() OVER w AS k, lag(h.to_status::text) OVER w AS prev, lag(h.changed_at) OVER w AS prev_at, count(*) OVER (PARTITION BY h.application_id) AS n
                 FROM application_status_history h WINDOW w AS (PARTITION BY h.application_id ORDER BY h.changed_at, h.id))
    SELECT a.id FROM applications a LEFT JOIN (SELECT DISTINCT application_id FROM h) x ON x.application_id = a.id WHERE x.application_id IS NULL
    UNION ALL SELECT h.application_id FROM h WHERE h.from_status::text IS DISTINCT FROM h.prev OR h.changed_at <= h.prev_at
       OR NOT EXISTS (SELECT 1 FROM ${TRANSITIONS_SQL} WHERE tr.f IS NOT DISTINCT FROM h.from_status::text AND tr.t = h.to_status::text)
    UNION ALL SELECT h.application_id FROM h JOIN applications a ON a.id = h.application_id WHERE h.k = h.n AND h.to_status <> a.status`);
  add('stage-matches-status', 'the company-side stage matches the status', `SELECT a.id FROM applications a JOIN ${STAGES_SQL} ON st.status = a.status::text WHERE a.stage::text <> st.stage`);
  add('application-columns', 'applied/forwarded/withdrawn times agree with the history', `
    WITH h AS (SELECT application_id, min(changed_at) AS first, max(changed_at) FILTER (WHERE to_status = 'forwarded_to_company') AS fwd FROM application_status_history GROUP BY application_id)
    SELECT a.id FROM applications a LEFT JOIN h ON h.application_id = a.id
     WHERE a.applied_at IS DISTINCT FROM h.first OR a.forwarded_at IS DISTINCT FROM h.fwd OR (a.status = 'withdrawn') <> (a.withdrawn_at IS NOT NULL)`);
  add('no-future-history', 'history happens before as-of (every timestamp except the ones that name a scheduled moment)', 'DYNAMIC');
  add('child-after-parent', 'dependent rows come after what they depend on', `
    SELECT lp.id FROM lesson_progress lp JOIN enrollments e ON e.id = lp.enrollment_id WHERE lp.started_at < e.enrolled_at OR lp.completed_at < lp.started_at
    UNION ALL SELECT q.id FROM quiz_attempts q JOIN enrollments e ON e.id = q.enrollment_id WHERE q.started_at < e.enrolled_at OR q.submitted_at < q.started_at
    UNION ALL SELECT r.id FROM course_reviews r LEFT JOIN enrollments e ON e.student_id = r.student_id AND e.course_id = r.course_id WHERE e.id IS NULL OR r.created_at < e.enrolled_at
    UNION ALL SELECT e.id FROM enrollments e WHERE e.completed_at < e.enrolled_at OR e.last_accessed_at < e.enrolled_at OR e.certificate_issued_at < e.completed_at
    UNION ALL SELECT d.id FROM material_downloads d JOIN materials m ON m.id = d.material_id JOIN users u ON u.id = d.user_id WHERE d.downloaded_at < m.created_at OR d.downloaded_at < u.created_at OR NOT m.is_published
    UNION ALL SELECT r.id FROM webinar_registrations r JOIN webinars w ON w.id = r.webinar_id JOIN users u ON u.id = r.user_id WHERE r.registered_at < w.created_at OR r.registered_at > w.starts_at OR r.registered_at < u.created_at OR r.cancelled_at < r.registered_at OR r.attended_at < w.starts_at
    UNION ALL SELECT s.id FROM mentor_sessions s JOIN mentors m ON m.id = s.mentor_id JOIN students st ON st.id = s.student_id WHERE s.created_at < m.created_at OR s.created_at < st.created_at OR s.created_at > s.starts_at OR s.cancelled_at < s.created_at
    UNION ALL SELECT r.id FROM mentor_reviews r JOIN mentor_sessions s ON s.id = r.session_id WHERE r.created_at < s.ends_at OR s.status <> 'completed'
    UNION ALL SELECT i.id FROM interview_slots i JOIN applications a ON a.id = i.application_id WHERE i.created_at < a.applied_at OR i.starts_at < i.created_at
    UNION ALL SELECT b.id FROM company_candidate_billing b JOIN applications a ON a.id = b.application_id WHERE a.forwarded_at IS NULL OR b.billed_at < a.forwarded_at OR b.paid_at < b.billed_at
    UNION ALL SELECT p.id FROM student_placements p JOIN students s ON s.id = p.student_id WHERE p.starts_at < s.created_at
    UNION ALL SELECT r.id FROM referral_contacts r JOIN student_placements p ON p.id = r.student_placement_id WHERE r.contacted_at < p.starts_at OR r.converted_at < r.contacted_at OR r.student_id <> p.student_id
    UNION ALL SELECT r.id FROM admin_match_recommendations r JOIN jobs j ON j.id = r.job_id JOIN students s ON s.id = r.student_id WHERE r.created_at < j.published_at OR r.created_at < s.created_at OR r.reviewed_at < r.created_at
    UNION ALL SELECT x.id FROM student_embeddings x JOIN students s ON s.id = x.student_id WHERE x.embedded_at < s.created_at
    UNION ALL SELECT x.id FROM job_embeddings x JOIN jobs j ON j.id = x.job_id WHERE x.embedded_at < j.created_at
    UNION ALL SELECT n.id FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.created_at < u.created_at OR n.read_at < n.sent_at OR (n.read_at IS NOT NULL AND n.sent_at IS NULL)
    UNION ALL SELECT l.id FROM audit_logs l JOIN users u ON u.id = l.user_id WHERE l.created_at < u.created_at
    UNION ALL SELECT b.id FROM student_badges b JOIN students s ON s.id = b.student_id WHERE b.awarded_at < s.created_at
    UNION ALL SELECT m.id FROM materials m JOIN courses c ON c.id = m.course_id WHERE m.created_at < c.created_at
    UNION ALL SELECT x.id FROM payments x WHERE x.paid_at < x.created_at OR x.refunded_at < x.paid_at
    UNION ALL SELECT p.id FROM student_portfolios p WHERE p.completed_on < p.started_on OR p.completed_on > p.created_at::date`);
  add('payment-before-access', 'a purchase is paid before the access it buys', `
    SELECT e.id FROM enrollments e JOIN payments p ON p.id = e.payment_id WHERE p.paid_at > e.enrolled_at
    UNION ALL SELECT r.id FROM webinar_registrations r JOIN payments p ON p.id = r.payment_id WHERE p.paid_at > r.registered_at
    UNION ALL SELECT d.id FROM material_downloads d JOIN payments p ON p.id = d.payment_id WHERE p.paid_at > d.downloaded_at
    UNION ALL SELECT s.id FROM mentor_sessions s JOIN payments p ON p.id = s.payment_id WHERE p.paid_at > s.starts_at
    UNION ALL SELECT x.id FROM student_placements x JOIN payments p ON p.id = x.payment_id WHERE p.paid_at > x.starts_at`);
  add('scheduled-after-as-of', 'scheduled things start after as-of; completed, live and no-show ones have happened', `
    SELECT id FROM webinars WHERE (status = 'scheduled' AND starts_at <= $1) OR (status = 'completed' AND ends_at > $1) OR (status = 'live' AND NOT (starts_at <= $1 AND ends_at > $1))
    UNION ALL SELECT id FROM mentor_sessions WHERE (status = 'scheduled' AND starts_at <= $1) OR (status IN ('completed', 'no_show') AND ends_at > $1)
    UNION ALL SELECT id FROM interview_slots WHERE (status = 'scheduled' AND starts_at <= $1) OR (status = 'completed' AND ends_at > $1)
    UNION ALL SELECT r.id FROM webinar_registrations r JOIN webinars w ON w.id = r.webinar_id WHERE (r.status IN ('attended', 'no_show') AND w.starts_at > $1) OR (r.status = 'registered' AND w.status = 'completed')`);
  add('enrollment-expiry', 'an expired enrollment expired before as-of; an ongoing one has not expired', `SELECT id FROM enrollments WHERE (status = 'expired' AND (expires_at IS NULL OR expires_at > $1)) OR (status = 'in_progress' AND expires_at <= $1)`);
  add('interview-completed-after-slot', 'interview_completed is recorded after the interview slot ended', `
    SELECT h.id FROM application_status_history h JOIN interview_slots i ON i.application_id = h.application_id WHERE h.to_status = 'interview_completed' AND (h.changed_at < i.ends_at OR i.status <> 'completed')`);
  add('registration-cancelled-at', 'cancelled_at is set exactly when a registration is cancelled; attended_at when attended', `SELECT id FROM webinar_registrations WHERE (status = 'cancelled') <> (cancelled_at IS NOT NULL) OR (status = 'attended') <> (attended_at IS NOT NULL)`);
  add('filled-at-iff-filled', 'jobs.filled_at is set exactly when the job is filled', `SELECT id FROM jobs WHERE (status = 'filled') <> (filled_at IS NOT NULL)`);

  // Counters and averages derived from the facts
  add('course-enrollment-count', 'courses.enrollment_count is the number of its enrollments', `SELECT c.id FROM courses c WHERE c.enrollment_count <> (SELECT count(*) FROM enrollments e WHERE e.course_id = c.id)`);
  add('course-rating', 'courses.rating_count and rating_avg summarise its reviews', `
    SELECT c.id FROM courses c LEFT JOIN (SELECT course_id, count(*) AS n, round(avg(rating), 2) AS a FROM course_reviews GROUP BY course_id) r ON r.course_id = c.id
     WHERE c.rating_count <> coalesce(r.n, 0) OR c.rating_avg <> coalesce(r.a, 0)`);
  add('instructor-rating', "instructors' ratings summarise the reviews of their courses", `
    SELECT i.id FROM instructors i LEFT JOIN (SELECT c.instructor_id, count(*) AS n, round(avg(r.rating), 2) AS a FROM course_reviews r JOIN courses c ON c.id = r.course_id GROUP BY c.instructor_id) x ON x.instructor_id = i.id
     WHERE i.rating_count <> coalesce(x.n, 0) OR i.rating_avg <> coalesce(x.a, 0)`);
  add('mentor-rating', "mentors' ratings summarise the reviews of their sessions", `
    SELECT m.id FROM mentors m LEFT JOIN (SELECT s.mentor_id, count(*) AS n, round(avg(r.rating), 2) AS a FROM mentor_reviews r JOIN mentor_sessions s ON s.id = r.session_id GROUP BY s.mentor_id) x ON x.mentor_id = m.id
     WHERE m.rating_count <> coalesce(x.n, 0) OR m.rating_avg <> coalesce(x.a, 0)`);
  add('material-download-count', 'materials.download_count is the number of its downloads', `SELECT m.id FROM materials m WHERE m.download_count <> (SELECT count(*) FROM material_downloads d WHERE d.material_id = m.id)`);
  add('course-duration', 'courses.duration_minutes is the sum of its lessons', `SELECT c.id FROM courses c WHERE c.duration_minutes <> (SELECT coalesce(sum(l.duration_minutes), 0) FROM lessons l JOIN modules m ON m.id = l.module_id WHERE m.course_id = c.id)`);
  add('enrollment-progress', 'progress is the share of lessons completed; completed means every lesson, at the last completion', `
    WITH lessons AS (SELECT m.course_id, count(*) AS n FROM lessons l JOIN modules m ON m.id = l.module_id GROUP BY m.course_id),
         done AS (SELECT enrollment_id, count(completed_at) AS n, max(completed_at) AS last FROM lesson_progress GROUP BY enrollment_id)
    SELECT e.id FROM enrollments e JOIN lessons ON lessons.course_id = e.course_id LEFT JOIN done ON done.enrollment_id = e.id
     WHERE e.progress_percent <> round(100.0 * coalesce(done.n, 0) / lessons.n) OR (e.status = 'completed') <> (coalesce(done.n, 0) = lessons.n) OR (e.status = 'completed' AND e.completed_at <> done.last)`);

  // Rules of the domain
  add('badge-criteria', "a badge is awarded when the student's own facts meet its criteria, and to everyone who meets them", `
    WITH ev AS (SELECT student_id, metric, at, row_number() OVER (PARTITION BY student_id, metric ORDER BY at) AS k FROM (${BADGE_EVENTS}) e WHERE at <= $1),
         b AS (SELECT id, criteria::jsonb->>'metric' AS metric, (criteria::jsonb->>'atLeast')::int AS n FROM badges),
         due AS (SELECT ev.student_id, b.id AS badge_id, ev.at FROM ev JOIN b ON b.metric = ev.metric AND b.n = ev.k)
    SELECT sb.id FROM student_badges sb JOIN b ON b.id = sb.badge_id LEFT JOIN due ON due.student_id = sb.student_id AND due.badge_id = sb.badge_id
     WHERE b.n IS NULL OR due.at IS NULL OR due.at > sb.awarded_at
    UNION ALL
    SELECT due.student_id FROM due LEFT JOIN student_badges sb ON sb.student_id = due.student_id AND sb.badge_id = due.badge_id WHERE sb.id IS NULL`);
  add('quiz-passed-score', "passed means the score reached the quiz's passing score", `SELECT a.id FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id WHERE a.passed <> (a.score_percent >= q.passing_score)`);
  add('quiz-time-limit', "attempts end within the quiz's time limit", `SELECT a.id FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id WHERE a.submitted_at - a.started_at > make_interval(mins => q.time_limit_minutes)`);
  add('quiz-attempts-sequence', 'attempts are numbered 1..n in time order, at most max_attempts, and none follows a pass', `
    SELECT id FROM (SELECT a.id, a.attempt_number, q.max_attempts, row_number() OVER w AS k, bool_or(a.passed) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS passed_before
                      FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id WINDOW w AS (PARTITION BY a.quiz_id, a.student_id ORDER BY a.started_at, a.attempt_number)) x
     WHERE attempt_number > max_attempts OR attempt_number <> k OR passed_before`);
  add('quiz-answers', 'a submitted attempt answers every question of its quiz, typed like the options, and its score follows from them', `
    WITH ans AS (SELECT a.id AS attempt, qq.id AS question, qq.question_type::text AS type, qq.options, qq.correct_answer, qq.points, a.answers -> qq.id::text AS answer
                   FROM quiz_attempts a JOIN quiz_questions qq ON qq.quiz_id = a.quiz_id WHERE a.submitted_at IS NOT NULL),
         graded AS (SELECT attempt, answer IS NOT NULL AS present,
                           CASE WHEN type IN ('multiple_choice', 'true_false') THEN jsonb_typeof(answer) = 'string' AND EXISTS (SELECT 1 FROM jsonb_array_elements(options) o WHERE o->'key' = answer)
                                WHEN type = 'multiple_select' THEN jsonb_typeof(answer) = 'array' AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(answer) x WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(options) o WHERE o->'key' = x))
                                ELSE jsonb_typeof(answer) = 'string' END AS typed,
                           CASE WHEN type = 'short_answer' THEN correct_answer @> jsonb_build_array(answer)
                                WHEN type = 'multiple_select' THEN (SELECT array_agg(x ORDER BY x) FROM jsonb_array_elements_text(answer) x) = (SELECT array_agg(x ORDER BY x) FROM jsonb_array_elements_text(correct_answer) x)
                                ELSE answer = correct_answer END AS is_right, points FROM ans)
    SELECT a.id FROM quiz_attempts a JOIN (SELECT attempt, bool_and(present AND typed) AS ok, round(100 * sum(CASE WHEN is_right THEN points ELSE 0 END) / sum(points)) AS score FROM graded GROUP BY attempt) g ON g.attempt = a.id
     WHERE NOT g.ok OR a.score_percent <> g.score
    UNION ALL SELECT a.id FROM quiz_attempts a WHERE a.submitted_at IS NOT NULL AND (SELECT count(*) FROM jsonb_object_keys(a.answers)) <> (SELECT count(*) FROM quiz_questions qq WHERE qq.quiz_id = a.quiz_id)`);
  add('quiz-on-reached-lesson', 'a quiz is attempted in an enrollment whose student reached its lesson', `
    SELECT a.id FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id WHERE NOT EXISTS (SELECT 1 FROM lesson_progress lp WHERE lp.enrollment_id = a.enrollment_id AND lp.lesson_id = q.lesson_id AND lp.started_at <= a.started_at)`);
  add('prerequisites-completed', 'a course with a mandatory prerequisite is taken after completing the prerequisite', `
    SELECT e.id FROM enrollments e JOIN course_prerequisites cp ON cp.course_id = e.course_id AND cp.is_mandatory
     WHERE NOT EXISTS (SELECT 1 FROM enrollments p WHERE p.student_id = e.student_id AND p.course_id = cp.prerequisite_course_id AND p.status = 'completed' AND p.completed_at <= e.enrolled_at)`);
  add('rescheduled-sessions', 'a rescheduled session continues with the same mentor and student, later, carrying the one payment', `
    SELECT s.id FROM mentor_sessions s JOIN mentor_sessions o ON o.id = s.rescheduled_from_id
     WHERE o.status <> 'rescheduled' OR o.mentor_id <> s.mentor_id OR o.student_id <> s.student_id OR s.starts_at <= o.starts_at OR o.payment_id IS NOT NULL
    UNION ALL SELECT o.id FROM mentor_sessions o WHERE o.status = 'rescheduled' AND (SELECT count(*) FROM mentor_sessions s WHERE s.rescheduled_from_id = o.id) <> 1`);
  add('no-show-fee', 'a no-show is not charged the full rate', `SELECT s.id FROM mentor_sessions s JOIN mentors m ON m.id = s.mentor_id WHERE s.status = 'no_show' AND s.price >= m.hourly_rate`);
  add('mentor-availability', 'mentors who take no bookings have no sessions ahead', `SELECT s.id FROM mentor_sessions s JOIN mentors m ON m.id = s.mentor_id WHERE NOT m.is_available AND s.status = 'scheduled' AND s.starts_at > $1`);
  add('no-double-booking', 'neither a mentor nor a student is in two sessions at once', ['mentor_id', 'student_id'].map((k) => `
    SELECT a.id FROM mentor_sessions a JOIN mentor_sessions b ON a.${k} = b.${k} AND a.id < b.id AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
     WHERE a.status NOT IN ('cancelled', 'rescheduled') AND b.status NOT IN ('cancelled', 'rescheduled')`).join(' UNION ALL '));
  add('hires-fill-jobs', 'a job whose hires reach its openings is filled, at the last of those hires; a filled job has them', `
    WITH hires AS (SELECT a.job_id, h.changed_at, row_number() OVER (PARTITION BY a.job_id ORDER BY h.changed_at) AS k FROM application_status_history h JOIN applications a ON a.id = h.application_id WHERE h.to_status = 'hired')
    SELECT j.id FROM jobs j LEFT JOIN hires x ON x.job_id = j.id AND x.k = j.openings
     WHERE (x.job_id IS NOT NULL) <> (j.status = 'filled') OR (j.status = 'filled' AND j.filled_at <> x.changed_at)`);
  add('placement-job-applied', 'a placement names a job the student was hired for, at that time', `
    SELECT p.id FROM student_placements p WHERE (p.placed_job_id IS NOT NULL OR p.status = 'completed') AND NOT EXISTS (
      SELECT 1 FROM applications a JOIN application_status_history h ON h.application_id = a.id AND h.to_status = 'hired'
       WHERE a.student_id = p.student_id AND a.job_id = p.placed_job_id AND h.changed_at = p.placed_at)`);
  add('recommendation-shares-skill', "a match recommendation's student shares the skills its reason names with the job", `
    SELECT r.id FROM admin_match_recommendations r
     WHERE r.reason NOT LIKE 'Shares %' OR EXISTS (
       SELECT 1 FROM unnest(string_to_array(substr(r.reason, 8), ', ')) AS named(name)
        WHERE NOT EXISTS (SELECT 1 FROM student_skills ss JOIN job_skills js ON js.skill_id = ss.skill_id JOIN skills k ON k.id = ss.skill_id WHERE ss.student_id = r.student_id AND js.job_id = r.job_id AND k.name = named.name))`);
  add('distinct-job-embeddings', 'no two jobs have the same embedding', `SELECT min(job_id::text) FROM job_embeddings GROUP BY embedding::text HAVING count(*) > 1`);
  for (const p of PAYING) {
    add(`payment-${p.table}`, `each ${p.table} row that grants paid access links one ${p.type} payment, by the user who gets the access, for the row's price, in a state that agrees with the row`, `
      SELECT r.id FROM ${p.table} r ${p.join} LEFT JOIN payments pay ON pay.id = r.payment_id
       WHERE (${p.needsPayment}) <> (pay.id IS NOT NULL)
          OR (pay.id IS NOT NULL AND (pay.payment_type::text <> '${p.type}' OR pay.user_id <> ${p.payer} OR pay.amount <> ${p.price} OR NOT (${p.state})))`);
  }
  add('payments-linked-once', 'every payment belongs to exactly one paying row', `
    WITH links AS (${PAYING.map((p) => `SELECT payment_id FROM ${p.table} WHERE payment_id IS NOT NULL`).join(' UNION ALL ')})
    SELECT p.id FROM payments p LEFT JOIN (SELECT payment_id, count(*) AS n FROM links GROUP BY payment_id) l ON l.payment_id = p.id WHERE coalesce(l.n, 0) <> 1`);
  add('gateway-payment-unique', 'gateway payment ids are unique per gateway', `SELECT min(id::text) FROM payments WHERE gateway_payment_id IS NOT NULL GROUP BY gateway, gateway_payment_id HAVING count(*) > 1`);
  add('no-lorem', 'texts are not lorem ipsum', 'DYNAMIC_LOREM');
  return rules;
}

/** The rules whose SQL depends on the live schema (every history timestamp, every text column). */
async function expand(rule: Rule, client: Client): Promise<Rule> {
  if (rule.id === 'no-future-history') {
    const cols = await client.query<{ t: string; c: string }>(
      `SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'public' AND data_type LIKE 'timestamp%' AND table_name NOT LIKE 'recruit_db%' AND table_name NOT LIKE 'knex_%' ORDER BY 1, 2`,
    );
    const parts = cols.rows.filter((x) => !FUTURE_OK.has(`${x.t}.${x.c}`)).map((x) => `SELECT '${x.t}.${x.c} ' || id::text FROM "${x.t}" WHERE "${x.c}" > $1`);
    return sql(rule.id, rule.what, parts.join(' UNION ALL '));
  }
  if (rule.id === 'no-lorem') {
    const cols = await client.query<{ t: string; c: string }>(
      `SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'public' AND data_type = 'text' AND table_name NOT LIKE 'recruit_db%' AND table_name NOT LIKE 'knex_%' AND column_name NOT LIKE '%s3_key' AND column_name NOT IN ('password_hash', 'email') ORDER BY 1, 2`,
    );
    const parts = cols.rows.map((x) => `SELECT '${x.t}.${x.c} ' || id::text FROM "${x.t}" WHERE "${x.c}" ~* '\\m(lorem|ipsum|dolor sit|consectetur|adipisci)\\M'`);
    return sql(rule.id, rule.what, parts.join(' UNION ALL '));
  }
  return rule;
}

// ---------------------------------------------------------------------------------------------
// Rules checked in code (phone numbers, places and time zones)
// ---------------------------------------------------------------------------------------------

/**
 * Zone -> country codes, from the system's tz database: zone.tab names each country's own zones
 * (Europe/Copenhagen for DK), zone1970.tab the zones that countries share since 1970.
 */
function zoneCountries(): Map<string, Set<string>> | null {
  const files = ['/usr/share/zoneinfo/zone.tab', '/usr/share/zoneinfo/zone1970.tab'].filter((f) => existsSync(f));
  if (!files.length) return null;
  const out = new Map<string, Set<string>>();
  for (const file of files) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const [codes, , zone] = line.split('\t');
      const set = out.get(zone) ?? new Set<string>();
      for (const c of codes.split(',')) set.add(c);
      out.set(zone, set);
    }
  }
  return out;
}

function codeRules(): Rule[] {
  return [
    {
      id: 'phones-valid',
      store: 'postgres',
      what: "phone numbers are valid numbers of the person's country",
      needs: ['postgres'],
      async run(x) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const lib = require('libphonenumber-js/max') as { parsePhoneNumberFromString: (n: string) => { country?: string; isValid(): boolean } | undefined };
        const bad: string[] = [];
        let n = 0;
        const r = await (await x.pg()).query<{ id: string; phone: string; place: string | null }>(
          `SELECT u.id, u.phone, coalesce(s.location, c.headquarters) AS place FROM users u LEFT JOIN students s ON s.user_id = u.id LEFT JOIN companies c ON c.user_id = u.id WHERE u.phone IS NOT NULL`,
        );
        for (const row of r.rows) {
          const p = lib.parsePhoneNumberFromString(row.phone);
          const country = row.place?.split(', ').pop();
          if (!p || !p.isValid() || (country && p.country !== country)) {
            n++;
            if (bad.length < 3) bad.push(`${row.id} ${row.phone}`);
          }
        }
        return { n, examples: bad };
      },
    },
    {
      id: 'place-and-zone',
      store: 'postgres',
      what: "a person's time zone is one of their country's zones",
      needs: ['postgres'],
      async run(x) {
        const zones = zoneCountries();
        if (!zones) throw new Skip('no tz database (zone1970.tab) on this machine');
        const r = await (await x.pg()).query<{ id: string; tz: string; place: string }>(
          `SELECT u.id, u.timezone AS tz, coalesce(s.location, c.headquarters) AS place FROM users u LEFT JOIN students s ON s.user_id = u.id LEFT JOIN companies c ON c.user_id = u.id WHERE coalesce(s.location, c.headquarters) IS NOT NULL`,
        );
        const bad: string[] = [];
        let n = 0;
        for (const row of r.rows) {
          const country = row.place.split(', ').pop()!;
          if (!zones.get(row.tz)?.has(country)) {
            n++;
            if (bad.length < 3) bad.push(`${row.id} ${row.tz} ${row.place}`);
          }
        }
        return { n, examples: bad };
      },
    },
  ];
}

class Skip extends Error {}

// ---------------------------------------------------------------------------------------------
// MongoDB rules, and the links between MongoDB and PostgreSQL
// ---------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const TTL_DAYS = { user_sessions: ['lastActivityAt', 90], search_logs: ['searchedAt', 180], notification_queue: ['createdAt', 7], event_log: ['occurredAt', 30] } as const;

const idOf = (d: Document) => String(d._id);

/**
 * A check on one collection's documents, run on each batch of a single pass over the collection
 * (FerretDB decodes whole documents for every query, so one read per collection is what it costs).
 * Several checks may share a rule id: their counts add up.
 */
interface DocCheck {
  rule: string;
  what: string;
  collection: string;
  /** Also needs PostgreSQL (a link check). */
  pg?: boolean;
  check(docs: Document[], x: AuditContext, state: PassState): Promise<string[]> | string[];
  /** After the pass: findings that need the whole collection (duplicates). */
  finish?(state: PassState): string[];
}

/** What earlier passes learned (sessions by id, searches by day) and per-pass scratch space. */
interface PassState {
  sessions: Map<string, string>;
  searches: Map<number, number>;
  views: Map<number, number>;
  seen: Map<string, Set<string>>;
  dupes: Map<string, string[]>;
}

/** Passes run in this order: sessions first (other collections link to them), analytics after searches. */
const PASS_ORDER = ['user_sessions', 'search_logs', 'learning_progress', 'xapi_statements', 'flashcard_progress', 'resume_analysis', 'notification_queue', 'event_log', 'course_engagement', 'analytics_aggregates'];

const get = (d: Document, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (Array.isArray(v) ? v.map((x) => (x as Document)?.[k]) : (v as Document | undefined)?.[k]), d);

function docChecks(): DocCheck[] {
  const checks: DocCheck[] = [];
  const add = (c: DocCheck) => checks.push(c);

  // History before as-of, in every collection.
  const past: Record<string, string[]> = {
    learning_progress: ['occurredAt'],
    xapi_statements: ['timestamp', 'stored'],
    flashcard_progress: ['createdAt', 'updatedAt', 'lastReviewedAt', 'reviewHistory.reviewedAt'],
    analytics_aggregates: ['computedAt', 'periodEnd'],
    user_sessions: ['startedAt', 'lastActivityAt', 'endedAt'],
    resume_analysis: ['createdAt', 'analyzedAt'],
    search_logs: ['searchedAt', 'clickedResults.clickedAt'],
    notification_queue: ['createdAt', 'deliveredAt', 'readAt'],
    event_log: ['occurredAt', 'processedAt'],
    course_engagement: ['bucketDate', 'updatedAt'],
  };
  for (const [collection, fields] of Object.entries(past)) {
    add({ rule: 'mongo-no-future-history', what: 'documents record history before as-of', collection, check: (docs, x) => docs.filter((d) => fields.some((f) => [get(d, f)].flat().some((v) => v instanceof Date && v > x.asOf))).map((d) => `${collection} ${idOf(d)}`) });
  }

  // TTL windows and the meaning of expireAt.
  for (const [collection, [field, days]] of Object.entries(TTL_DAYS)) {
    add({
      rule: 'ttl-not-expired',
      what: 'TTL collections hold only documents still inside their window at as-of',
      collection,
      check: (docs, x) => docs.filter((d) => (d.expireAt instanceof Date ? d.expireAt <= x.asOf : (d[field] as Date).getTime() + days * DAY_MS <= x.asOf.getTime())).map((d) => `${collection} ${idOf(d)}`),
    });
  }
  const same = (a: unknown, b: number) => a instanceof Date && a.getTime() === b;
  const meaning = 'a per-document expireAt follows what the document means (sessions: last activity + 90 d; searches: + 180 d; finished notifications: + 7 d, queued ones none; processed events: + 30 d, others none)';
  add({ rule: 'ttl-expire-at-meaning', what: meaning, collection: 'user_sessions', check: (docs) => docs.filter((d) => d.expireAt !== undefined && !same(d.expireAt, d.lastActivityAt.getTime() + 90 * DAY_MS)).map(idOf) });
  add({ rule: 'ttl-expire-at-meaning', what: meaning, collection: 'search_logs', check: (docs) => docs.filter((d) => d.expireAt !== undefined && !same(d.expireAt, d.searchedAt.getTime() + 180 * DAY_MS)).map(idOf) });
  add({
    rule: 'ttl-expire-at-meaning',
    what: meaning,
    collection: 'notification_queue',
    check: (docs) =>
      docs
        .filter((d) => {
          // Finished entries expire 7 days after they finished (read, delivered; failed and cancelled
          // ones keep no finish time, so at least 7 days after creation); queued ones never. Once the
          // second release's shape is in use (an entry has expireAt), every finished one needs it.
          const open = d.status === 'queued' || d.status === 'sending';
          if (d.expireAt === undefined) return false;
          if (open) return true;
          const terminal = d.status === 'read' ? d.readAt : d.status === 'delivered' ? d.deliveredAt : null;
          return terminal ? !same(d.expireAt, terminal.getTime() + 7 * DAY_MS) : d.expireAt.getTime() < d.createdAt.getTime() + 7 * DAY_MS;
        })
        .map(idOf),
  });
  add({ rule: 'ttl-expire-at-meaning', what: meaning, collection: 'event_log', check: (docs) => docs.filter((d) => (d.status === 'processed' ? d.expireAt !== undefined && !same(d.expireAt, d.processedAt.getTime() + 30 * DAY_MS) : d.expireAt !== undefined)).map(idOf) });

  // Within-document sums; xAPI conformance as stored.
  add({
    rule: 'engagement-totals',
    what: "an engagement heatmap's totals are the sums of its cells",
    collection: 'course_engagement',
    check: (docs) =>
      docs
        .filter((d) => {
          const seg = (d.segments as Document[]).reduce((a, x) => a + x.views, 0);
          const hours = (d.hourly as number[]).reduce((a, v) => a + v, 0);
          return d.totals.views !== seg || d.totals.views !== hours || d.totals.uniqueViewers > d.totals.views || d.totals.completions > d.totals.uniqueViewers;
        })
        .map(idOf),
  });
  add({
    rule: 'xapi-conformant-as-stored',
    what: 'xAPI statements as stored: one actor identifier, authority set, version 1.0.3, ids matching; LRS-shaped documents keep the statement apart from the lookup fields',
    collection: 'xapi_statements',
    check: (docs) =>
      docs
        .filter((d) => {
          const s = d.statement ?? d;
          const ifis = ['mbox', 'mbox_sha1sum', 'openid', 'account'].filter((k) => s.actor?.[k] !== undefined).length;
          if (ifis !== 1 || !s.authority || s.version !== '1.0.3') return true;
          if (!d.statement) return false;
          return String(d._id) !== s.id || typeof s.timestamp !== 'string' || typeof s.stored !== 'string' || new Date(s.timestamp).getTime() !== d.timestamp.getTime() || 'userId' in s;
        })
        .map(idOf),
  });

  // Each event and statement once.
  const dedupe = (collection: string, key: (d: Document) => string): DocCheck => ({
    rule: 'no-duplicate-events',
    what: 'an event is logged once (event type, aggregate and time), a statement once (actor, verb, object and time)',
    collection,
    check: (docs, _x, st) => {
      const seen = st.seen.get(collection) ?? new Set<string>();
      st.seen.set(collection, seen);
      const out: string[] = [];
      for (const d of docs) {
        const k = key(d);
        if (seen.has(k)) out.push(`${collection} ${idOf(d)}`);
        else seen.add(k);
      }
      return out;
    },
  });
  add(dedupe('event_log', (d) => `${d.eventType}|${d.aggregateId}|${d.occurredAt.getTime()}`));
  add(dedupe('xapi_statements', (d) => {
    const s = d.statement ?? d;
    return `${s.actor?.mbox}|${s.verb?.id}|${s.object?.id}|${d.timestamp.getTime()}`;
  }));

  // What later passes need.
  add({ rule: 'session-same-user', what: "a session a document names, when still stored, is the same user's", collection: 'user_sessions', check: (docs, _x, st) => (docs.forEach((d) => st.sessions.set(d.sessionId, d.userId)), []) });
  for (const collection of ['learning_progress', 'search_logs']) {
    add({ rule: 'session-same-user', what: "a session a document names, when still stored, is the same user's", collection, check: (docs, _x, st) => docs.filter((d) => d.userId && st.sessions.has(d.sessionId) && st.sessions.get(d.sessionId) !== d.userId).map((d) => `${collection} ${idOf(d)}`) });
  }
  add({
    rule: 'analytics-match-sql',
    what: 'daily analytics equal the same counts taken from the stores',
    collection: 'search_logs',
    check: (docs, _x, st) => {
      const bump = (m: Map<number, number>, at: Date) => {
        const day = Math.floor(at.getTime() / DAY_MS) * DAY_MS;
        m.set(day, (m.get(day) ?? 0) + 1);
      };
      for (const d of docs) {
        bump(st.searches, d.searchedAt);
        for (const c of d.clickedResults ?? []) if (c.resultType === 'job') bump(st.views, c.clickedAt);
      }
      return [];
    },
  });

  // Links into PostgreSQL, a batch at a time.
  const pgRows = async (x: AuditContext, q: string, ids: unknown[]) => new Map((await (await x.pg()).query(q, [ids])).rows.map((r) => [r.id as string, r]));
  add({
    rule: 'learning-progress-links',
    what: 'learning events belong to the enrollment, user, course and lesson they name, happen after enrolment, and quiz events only on quiz lessons',
    collection: 'learning_progress',
    pg: true,
    async check(docs, x) {
      const e = await pgRows(x, `SELECT e.id, s.user_id, e.course_id, e.enrolled_at FROM enrollments e JOIN students s ON s.id = e.student_id WHERE e.id = ANY($1)`, docs.map((d) => d.enrollmentId));
      const l = await pgRows(x, `SELECT l.id, m.course_id, l.content_type::text AS type FROM lessons l JOIN modules m ON m.id = l.module_id WHERE l.id = ANY($1)`, docs.map((d) => d.lessonId));
      return docs
        .filter((d) => {
          const en = e.get(d.enrollmentId);
          const le = l.get(d.lessonId);
          const quizEvent = String(d.activityType).startsWith('quiz_');
          return !en || !le || en.user_id !== d.userId || en.course_id !== d.courseId || le.course_id !== d.courseId || d.occurredAt < en.enrolled_at || quizEvent !== (le.type === 'quiz') || d.contentType !== le.type;
        })
        .map(idOf);
    },
  });
  add({
    rule: 'lesson-events-match-progress',
    what: 'a lesson_complete event is the completion lesson_progress records',
    collection: 'learning_progress',
    pg: true,
    async check(docs, x) {
      const done = docs.filter((d) => d.activityType === 'lesson_complete');
      if (!done.length) return [];
      const r = (await (await x.pg()).query(`SELECT enrollment_id::text || lesson_id::text AS id, completed_at FROM lesson_progress WHERE enrollment_id = ANY($1)`, [done.map((d) => d.enrollmentId)])).rows;
      const m = new Map(r.map((row) => [row.id, row.completed_at as Date | null]));
      return done.filter((d) => m.get(d.enrollmentId + d.lessonId)?.getTime() !== d.occurredAt.getTime()).map(idOf);
    },
  });
  add({
    rule: 'sessions-of-real-users',
    what: 'sessions belong to verified users of that type; a suspended or inactive user has none after stopping; no session starts after last_login_at',
    collection: 'user_sessions',
    pg: true,
    async check(docs, x) {
      const u = await pgRows(x, `SELECT id, user_type::text AS type, status::text AS status, updated_at, last_login_at FROM users WHERE id = ANY($1)`, docs.map((d) => d.userId));
      return docs
        .filter((d) => {
          const user = u.get(d.userId);
          if (!user || user.type !== d.userType || user.status === 'pending_verification' || d.startedAt > user.last_login_at) return true;
          return (user.status === 'suspended' || user.status === 'inactive') && (d.status === 'active' || d.lastActivityAt > user.updated_at);
        })
        .map(idOf);
    },
  });
  add({
    rule: 'notification-read-state',
    what: 'in-app delivery and PostgreSQL agree on whether and when a notification was read',
    collection: 'notification_queue',
    pg: true,
    async check(docs, x) {
      const n = await pgRows(x, `SELECT id, user_id, notification_type::text AS type, read_at FROM notifications WHERE id = ANY($1)`, docs.map((d) => d.notificationId));
      return docs
        .filter((d) => {
          const row = n.get(d.notificationId);
          if (!row || row.user_id !== d.userId || row.type !== d.type) return true;
          if (d.channel !== 'in_app') return d.status === 'read';
          if (d.status === 'read') return !row.read_at || row.read_at.getTime() !== d.readAt?.getTime();
          return row.read_at !== null;
        })
        .map(idOf);
    },
  });
  add({
    rule: 'xapi-links',
    what: "statements name their user's e-mail, their enrollment (registration) and lesson; scores are the quiz attempts' scores",
    collection: 'xapi_statements',
    pg: true,
    async check(docs, x) {
      const st = (d: Document) => d.statement ?? d;
      const u = await pgRows(x, `SELECT id, email FROM users WHERE id = ANY($1)`, docs.map((d) => d.userId));
      const e = await pgRows(x, `SELECT e.id, s.user_id, e.course_id FROM enrollments e JOIN students s ON s.id = e.student_id WHERE e.id = ANY($1)`, docs.map((d) => st(d).context?.registration));
      const scored = docs.filter((d) => st(d).result?.score);
      const attempts = scored.length
        ? (await (await x.pg()).query(`SELECT a.enrollment_id::text AS e, q.lesson_id::text AS l, a.submitted_at, a.score_percent, a.passed FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id WHERE a.enrollment_id = ANY($1)`, [scored.map((d) => st(d).context.registration)])).rows
        : [];
      const byKey = new Map(attempts.map((a) => [`${a.e}${a.l}${(a.submitted_at as Date).getTime()}`, a]));
      return docs
        .filter((d) => {
          const s = st(d);
          const user = u.get(d.userId);
          const en = e.get(s.context?.registration);
          if (!user || `mailto:${user.email}` !== s.actor.mbox || !en || en.user_id !== d.userId || en.course_id !== d.courseId || !String(s.object.id).endsWith(d.lessonId)) return true;
          if (!s.result?.score) return false;
          const a = byKey.get(`${s.context.registration}${d.lessonId}${d.timestamp.getTime()}`);
          return !a || Number(a.score_percent) !== s.result.score.raw || a.passed !== s.result.success;
        })
        .map(idOf);
    },
  });
  add({
    rule: 'flashcard-progress-links',
    what: "flashcard progress is on a card of the course's deck, by an enrolled student, after enrolment",
    collection: 'flashcard_progress',
    pg: true,
    async check(docs, x) {
      const f = await pgRows(x, `SELECT f.id, d.course_id, d.id AS deck_id FROM flashcards f JOIN flashcard_decks d ON d.id = f.deck_id WHERE f.id = ANY($1)`, docs.map((d) => d.flashcardId));
      const e = (await (await x.pg()).query(`SELECT s.user_id::text || e.course_id::text AS k, e.enrolled_at FROM enrollments e JOIN students s ON s.id = e.student_id WHERE s.user_id = ANY($1)`, [docs.map((d) => d.userId)])).rows;
      const enrolled = new Map(e.map((r) => [r.k, r.enrolled_at as Date]));
      return docs
        .filter((d) => {
          const card = f.get(d.flashcardId);
          const at = enrolled.get(d.userId + d.courseId);
          return !card || card.course_id !== d.courseId || card.deck_id !== d.deckId || !at || d.createdAt < at;
        })
        .map(idOf);
    },
  });
  add({
    rule: 'resume-analysis-links',
    what: "a resume analysis is of the student's uploaded resume, after the upload, and reads their name, e-mail and graduation year",
    collection: 'resume_analysis',
    pg: true,
    async check(docs, x) {
      const s = await pgRows(x, `SELECT s.id, s.user_id, s.resume_s3_key, s.resume_uploaded_at, s.graduation_year, u.first_name || ' ' || u.last_name AS name, u.email FROM students s JOIN users u ON u.id = s.user_id WHERE s.id = ANY($1)`, docs.map((d) => d.studentId));
      return docs
        .filter((d) => {
          const row = s.get(d.studentId);
          if (!row || row.user_id !== d.userId || row.resume_s3_key !== d.resumeS3Key || d.createdAt < row.resume_uploaded_at) return true;
          return d.parsed !== undefined && (d.parsed.fullName !== row.name || d.parsed.email !== row.email || d.parsed.education?.[0]?.graduationYear !== row.graduation_year);
        })
        .map(idOf);
    },
  });
  add({
    rule: 'queue-and-events-links',
    what: 'events name rows that exist (aggregate, user); clicked search results name published jobs',
    collection: 'event_log',
    pg: true,
    async check(docs, x) {
      const out: string[] = [];
      for (const type of ['user', 'enrollment', 'application', 'payment']) {
        const of = docs.filter((d) => d.aggregateType === type);
        if (!of.length) continue;
        const found = await pgRows(x, `SELECT id FROM ${type}s WHERE id = ANY($1)`, of.map((d) => d.aggregateId));
        for (const d of of) if (!found.has(d.aggregateId)) out.push(idOf(d));
      }
      const users = await pgRows(x, `SELECT id FROM users WHERE id = ANY($1)`, docs.map((d) => d.userId));
      for (const d of docs) if (d.userId && !users.has(d.userId)) out.push(idOf(d));
      return out;
    },
  });
  add({
    rule: 'queue-and-events-links',
    what: 'events name rows that exist (aggregate, user); clicked search results name published jobs',
    collection: 'search_logs',
    pg: true,
    async check(docs, x) {
      const clicked = docs.filter((d) => d.clickedResults?.length);
      if (!clicked.length) return [];
      const jobs = await pgRows(x, `SELECT id, published_at FROM jobs WHERE id = ANY($1)`, clicked.map((d) => d.clickedResults[0].resultId));
      return clicked.filter((d) => !jobs.has(d.clickedResults[0].resultId) || !(jobs.get(d.clickedResults[0].resultId)!.published_at < d.searchedAt)).map(idOf);
    },
  });
  add({
    rule: 'analytics-match-sql',
    what: 'daily analytics equal the same counts taken from the stores',
    collection: 'analytics_aggregates',
    pg: true,
    async check(docs, x, st) {
      const daily = docs.filter((d) => d.period === 'day' && d.dimensionsKey === '');
      if (!daily.length) return [];
      const days = [...new Set(daily.map((d) => d.periodStart.getTime()))].sort((a, b) => a - b);
      const lo = new Date(days[0]);
      const hi = new Date(days[days.length - 1] + DAY_MS);
      const pg = await x.pg();
      const bucket = (col: string) => `date_trunc('day', ${col} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`;
      const byDay = async (q: string) => new Map((await pg.query(q, [lo, hi])).rows.map((r) => [new Date(r.day).getTime(), { v: Number(r.v), n: Number(r.n) }]));
      const counts: Record<string, Map<number, { v: number; n: number }>> = {
        new_users: await byDay(`SELECT ${bucket('created_at')} AS day, count(*) AS v, count(*) AS n FROM users WHERE created_at >= $1 AND created_at < $2 GROUP BY 1`),
        course_enrollments: await byDay(`SELECT ${bucket('enrolled_at')} AS day, count(*) AS v, count(*) AS n FROM enrollments WHERE enrolled_at >= $1 AND enrolled_at < $2 GROUP BY 1`),
        course_completions: await byDay(`SELECT ${bucket('completed_at')} AS day, count(*) AS v, count(*) AS n FROM enrollments WHERE completed_at >= $1 AND completed_at < $2 GROUP BY 1`),
        lesson_views: await byDay(`SELECT ${bucket('started_at')} AS day, count(*) AS v, count(*) AS n FROM lesson_progress WHERE started_at >= $1 AND started_at < $2 GROUP BY 1`),
        active_users: await byDay(`SELECT ${bucket('lp.started_at')} AS day, count(DISTINCT e.student_id) AS v, count(DISTINCT e.student_id) AS n FROM lesson_progress lp JOIN enrollments e ON e.id = lp.enrollment_id WHERE lp.started_at >= $1 AND lp.started_at < $2 GROUP BY 1`),
        quiz_attempts: await byDay(`SELECT ${bucket('started_at')} AS day, count(*) AS v, count(*) AS n FROM quiz_attempts WHERE started_at >= $1 AND started_at < $2 GROUP BY 1`),
        quiz_pass_rate: await byDay(`SELECT ${bucket('submitted_at')} AS day, round(count(*) FILTER (WHERE passed)::numeric / count(*), 3) AS v, count(*) AS n FROM quiz_attempts WHERE submitted_at >= $1 AND submitted_at < $2 GROUP BY 1`),
        job_applications: await byDay(`SELECT ${bucket('applied_at')} AS day, count(*) AS v, count(*) AS n FROM applications WHERE applied_at >= $1 AND applied_at < $2 GROUP BY 1`),
        revenue: await byDay(`SELECT ${bucket('paid_at')} AS day, sum(round(amount * 100)) AS v, count(*) AS n FROM payments WHERE status = 'completed' AND paid_at >= $1 AND paid_at < $2 GROUP BY 1`),
        search_queries: new Map([...st.searches].map(([day, v]) => [day, { v, n: v }])),
        job_views: new Map([...st.views].map(([day, v]) => [day, { v, n: v }])),
      };
      return daily
        .filter((d) => {
          const expected = counts[d.metric]?.get(d.periodStart.getTime()) ?? { v: 0, n: 0 };
          return !counts[d.metric] || Math.abs(expected.v - d.value) > 1e-9 || (d.count !== undefined && d.count !== expected.n);
        })
        .map((d) => `${d.metric} ${d.periodStart.toISOString().slice(0, 10)}: stored ${d.value}/${d.count}, counted ${counts[d.metric]?.get(d.periodStart.getTime())?.v ?? 0}`);
    },
  });
  return checks;
}

/** One pass over each collection, every check of that collection on each batch. */
async function mongoPasses(x: AuditContext, withPg: boolean, onProgress?: (rule: string) => void): Promise<AuditFinding[]> {
  const db = await x.mongo();
  const checks = docChecks().filter((c) => withPg || !c.pg);
  const state: PassState = { sessions: new Map(), searches: new Map(), views: new Map(), seen: new Map(), dupes: new Map() };
  const found = new Map<string, AuditFinding>();
  for (const c of checks) if (!found.has(c.rule)) found.set(c.rule, { rule: c.rule, store: c.pg ? 'cross' : 'mongo', what: c.what, violations: 0, examples: [], ms: 0 });
  for (const collection of PASS_ORDER) {
    const mine = checks.filter((c) => c.collection === collection);
    if (!mine.length) continue;
    onProgress?.(`mongo: ${collection}`);
    let batch: Document[] = [];
    const flush = async () => {
      for (const c of mine) {
        const t0 = Date.now();
        const bad = await c.check(batch, x, state);
        const f = found.get(c.rule)!;
        f.violations += bad.length;
        for (const b of bad) if (f.examples.length < 3) f.examples.push(b);
        f.ms += Date.now() - t0;
      }
      batch = [];
    };
    const t0 = Date.now();
    for await (const d of db.collection(collection).find({}).batchSize(2000)) {
      batch.push(d);
      if (batch.length >= 2000) await flush();
    }
    await flush();
    // Reading is shared by the collection's checks: charge it to them evenly.
    const share = Math.round((Date.now() - t0) / new Set(mine.map((c) => c.rule)).size);
    for (const rule of new Set(mine.map((c) => c.rule))) found.get(rule)!.ms += share;
  }
  return [...found.values()];
}

// ---------------------------------------------------------------------------------------------
// S3: a sample of files, read back
// ---------------------------------------------------------------------------------------------

const SAMPLE = 40;

function imageSize(b: Buffer): [number, number] | null {
  if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return [b.readUInt32BE(16), b.readUInt32BE(20)];
  if (b[0] === 0xff && b[1] === 0xd8) {
    for (let p = 2; p + 9 < b.length; ) {
      const m = b[p + 1];
      if (m === 0xc0 || m === 0xc2) return [b.readUInt16BE(p + 7), b.readUInt16BE(p + 5)];
      p += 2 + b.readUInt16BE(p + 2);
    }
  }
  return null;
}

function s3Rules(): Rule[] {
  const fetch = async (x: AuditContext, key: string): Promise<Buffer> => {
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const client = await x.c.s3Client();
    const obj = await client.send(new GetObjectCommand({ Bucket: x.c.config.s3!.bucket, Key: key }));
    return Buffer.from(await obj.Body!.transformToByteArray());
  };
  return [
    {
      id: 'documents-carry-names',
      store: 's3',
      what: "certificates name their student and course, resumes their owner (a sample)",
      needs: ['postgres', 's3'],
      async run(x) {
        const pg = await x.pg();
        const rows = (
          await pg.query<{ key: string; name: string; course: string | null }>(
            `(SELECT e.certificate_s3_key AS key, u.first_name || ' ' || u.last_name AS name, c.title AS course FROM enrollments e JOIN students s ON s.id = e.student_id JOIN users u ON u.id = s.user_id JOIN courses c ON c.id = e.course_id WHERE e.certificate_s3_key IS NOT NULL ORDER BY e.id LIMIT ${SAMPLE / 2})
             UNION ALL (SELECT s.resume_s3_key, u.first_name || ' ' || u.last_name, NULL FROM students s JOIN users u ON u.id = s.user_id WHERE s.resume_s3_key IS NOT NULL ORDER BY s.id LIMIT ${SAMPLE / 2})`,
          )
        ).rows;
        const bad: string[] = [];
        for (const r of rows) {
          const text = (await fetch(x, r.key)).toString('latin1');
          if (!text.includes(ascii(r.name)) || (r.course && !text.includes(ascii(r.course)))) bad.push(r.key);
        }
        return { n: bad.length, examples: bad.slice(0, 3) };
      },
    },
    {
      id: 'image-dimensions',
      store: 's3',
      what: 'images have plausible dimensions for their kind (a sample)',
      needs: ['postgres', 's3'],
      async run(x) {
        const pg = await x.pg();
        const keys = (await pg.query<{ key: string }>(`(SELECT avatar_s3_key AS key FROM users WHERE avatar_s3_key IS NOT NULL ORDER BY id LIMIT 10) UNION ALL (SELECT thumbnail_s3_key FROM courses ORDER BY id LIMIT 10) UNION ALL (SELECT image_s3_key FROM student_portfolios WHERE image_s3_key IS NOT NULL ORDER BY id LIMIT 10) UNION ALL (SELECT logo_s3_key FROM companies ORDER BY id LIMIT 10)`)).rows.map((r) => r.key);
        const bad: string[] = [];
        for (const key of keys) {
          const size = imageSize(await fetch(x, key));
          if (!size || size[0] < 128 || size[1] < 128 || size[0] > 4096 || size[1] > 4096) bad.push(`${key} ${size?.join('x') ?? 'unreadable'}`);
        }
        return { n: bad.length, examples: bad.slice(0, 3) };
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------

/** Runs every rule the selected stores allow and reports each with its violation count. */
export async function audit(c: Connections, opts: AuditOptions): Promise<AuditResult> {
  const started = Date.now();
  const x: AuditContext = { c, pg: () => c.postgres(), mongo: () => c.mongoDb(), asOf: new Date(opts.asOf) };
  const all = [...pgRules(), ...codeRules(), ...s3Rules()];
  const findings: AuditFinding[] = [];
  const skipped: string[] = [];
  let done = 0;
  for (const rule of all) {
    opts.onProgress?.(rule.id, done++, all.length);
    const missing = rule.needs.filter((s) => !opts.stores.includes(s));
    if (missing.length) {
      skipped.push(`${rule.id}: needs ${missing.join(' and ')}`);
      continue;
    }
    const t0 = Date.now();
    try {
      const r = rule.store === 'postgres' && (rule.id === 'no-future-history' || rule.id === 'no-lorem') ? await (await expand(rule, await x.pg())).run(x) : await rule.run(x);
      findings.push({ rule: rule.id, store: rule.store, what: rule.what, violations: r.n, examples: r.examples, ms: Date.now() - t0 });
    } catch (err) {
      if (err instanceof Skip) skipped.push(`${rule.id}: ${err.message}`);
      else throw Object.assign(err instanceof Error ? err : new Error(String(err)), { message: `audit rule ${rule.id}: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  if (opts.stores.includes('mongo')) {
    const withPg = opts.stores.includes('postgres');
    findings.push(...(await mongoPasses(x, withPg, (name) => opts.onProgress?.(name, done, all.length + 1))));
    if (!withPg) skipped.push('links between MongoDB and PostgreSQL: need postgres');
  } else skipped.push('MongoDB rules: need mongo');
  return { asOf: new Date(opts.asOf).toISOString().slice(0, 10), findings, violations: findings.reduce((a, f) => a + f.violations, 0), skipped, ms: Date.now() - started };
}
