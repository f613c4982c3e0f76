import type { Kysely, Migration } from 'kysely';

/** Stored plans of dry runs (src/store/plan-repository.ts), paged by (run_id, seq). */
export function runPlansMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('run_plans')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('side', 'text', (c) => c.notNull())
        .addColumn('record_id', 'text', (c) => c.notNull())
        .addColumn('partner_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('plan', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('run_plans_pk', ['run_id', 'seq'])
        .execute();
      await db.schema.createIndex('run_plans_action').on('run_plans').columns(['run_id', 'action', 'seq']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('run_plans').execute();
    },
  };
}
