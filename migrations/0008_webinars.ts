import type { Knex } from 'knex';
import { createTable, dropTables } from '../src/stores/postgres/ddl';

/** Webinars: live events and registrations (a paid registration links its payment). */
const TABLES = ['webinars', 'webinar_registrations'] as const;

export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'webinars', (k, t) => {
    k.fk('host_user_id', 'users', 'SET NULL');
    k.fk('category_id', 'categories', 'SET NULL');
    k.name('title');
    k.text('description', { nullable: true });
    k.enumCol('status', 'webinar_status', { default: 'scheduled' });
    k.ts('starts_at', { nullable: false });
    k.ts('ends_at', { nullable: false });
    k.period('starts_at', 'ends_at');
    t.string('timezone', 64).notNullable().defaultTo('UTC');
    k.positive('capacity', { nullable: true });
    k.enumCol('pricing_model', 'pricing_model', { default: 'free' });
    k.money('price', { defaultZero: true });
    k.currency();
    k.check('free_is_free', `pricing_model <> 'free' OR price = 0`);
    k.text('meeting_url', { nullable: true });
    k.text('recording_url', { nullable: true });
    t.index(['status', 'starts_at']);
  });

  await createTable(knex, 'webinar_registrations', (k, t) => {
    k.fk('webinar_id', 'webinars', 'CASCADE');
    k.fk('user_id', 'users', 'CASCADE');
    k.enumCol('status', 'registration_status', { default: 'registered' });
    k.ts('registered_at', { defaultNow: true });
    k.ts('attended_at');
    k.ts('cancelled_at');
    k.fk('payment_id', 'payments', 'RESTRICT', { nullable: true });
    k.check('attended_at_when_attended', `status <> 'attended' OR attended_at IS NOT NULL`);
    t.unique(['webinar_id', 'user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropTables(knex, [...TABLES].reverse());
}
