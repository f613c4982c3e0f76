import type { Kysely, Migration } from 'kysely';

/**
 * Indexes for what every sync pass asks per page: the open conflicts of a linked pair
 * and the open dead letters of the page's source records.
 */
export function lookupIndexesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createIndex('conflicts_link_status').on('conflicts').columns(['link_id', 'status']).execute();
      await db.schema
        .createIndex('dead_letters_record')
        .on('dead_letters')
        .columns(['mapping_id', 'record_id', 'status'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('dead_letters_record').execute();
      await db.schema.dropIndex('conflicts_link_status').execute();
    },
  };
}
