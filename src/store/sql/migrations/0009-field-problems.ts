import type { Kysely, Migration } from 'kysely';

/**
 * Problems per record (`field_problems`, src/store/problem-repository.ts): a field a pass
 * left out of a write, one row per mapping, side, record, target and field, until a later
 * sync writes the field. Plain tables and indexes, alike on SQLite and PostgreSQL.
 */
export function fieldProblemsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('field_problems')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('mapping_id', 'text', (c) => c.notNull())
        .addColumn('side', 'text', (c) => c.notNull())
        .addColumn('record_id', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('field', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('first_seen', 'text', (c) => c.notNull())
        .addColumn('last_seen', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('field_problems_record')
        .on('field_problems')
        .columns(['mapping_id', 'side', 'record_id', 'target', 'field'])
        .unique()
        .execute();
      await db.schema
        .createIndex('field_problems_listed')
        .on('field_problems')
        .columns(['first_seen', 'mapping_id', 'side', 'record_id', 'target', 'field'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('field_problems').execute();
    },
  };
}
