import type { Kysely, Migration } from 'kysely';

/**
 * A running pass's progress (src/sync/progress.ts), stored on its run after each page so
 * the admin API shows it from any process: `runs.progress`, JSON, null until the first
 * page. A nullable column is added in place on both SQLite and PostgreSQL (no rebuild).
 */
export function runProgressMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('runs').addColumn('progress', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('runs').dropColumn('progress').execute();
    },
  };
}
