import type { Knex } from 'knex';
import { createTable, dropTables } from '../src/stores/postgres/ddl';

/** Materials: downloadable resources (S3 objects under materials/) and download tracking. */
const TABLES = ['materials', 'material_downloads'] as const;

export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'materials', (k, t) => {
    k.fk('course_id', 'courses', 'SET NULL');
    k.fk('lesson_id', 'lessons', 'SET NULL');
    k.fk('uploaded_by', 'users', 'SET NULL');
    k.name('title');
    k.text('description', { nullable: true });
    k.s3Key('s3_key', { nullable: false });
    t.unique(['s3_key']);
    k.name('file_name');
    k.name('mime_type');
    t.bigInteger('file_size_bytes').notNullable().defaultTo(0);
    k.check('file_size_bytes_nonneg', 'file_size_bytes >= 0');
    k.enumCol('pricing_model', 'pricing_model', { default: 'free' });
    k.money('price', { defaultZero: true });
    k.currency();
    k.check('free_is_free', `pricing_model <> 'free' OR price = 0`);
    k.count('download_count', { default: 0 });
    t.boolean('is_published').notNullable().defaultTo(true);
  });

  await createTable(knex, 'material_downloads', (k, t) => {
    k.fk('material_id', 'materials', 'CASCADE');
    k.fk('user_id', 'users', 'CASCADE');
    k.fk('payment_id', 'payments', 'RESTRICT', { nullable: true });
    k.ts('downloaded_at', { defaultNow: true });
    t.specificType('ip_address', 'inet');
    k.text('user_agent', { nullable: true });
    t.index(['material_id', 'downloaded_at']);
    t.index(['user_id', 'downloaded_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropTables(knex, [...TABLES].reverse());
}
