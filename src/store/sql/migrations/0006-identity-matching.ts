import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreKind } from '../../store.ts';

/**
 * Identity matching: the key index (`match_keys`, src/store/match-index-repository.ts),
 * matches that wait for a person (`matches`, src/store/match-repository.ts) and held
 * mappings (`holds`, src/store/hold-repository.ts).
 */
export function identityMatchingMigration(kind: StoreKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      let matchKeys = db.schema
        .createTable('match_keys')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('side', 'text', (c) => c.notNull())
        .addColumn('rule', 'integer', (c) => c.notNull())
        .addColumn('record_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('match_keys_pk', ['scope', 'side', 'rule', 'record_id']);
      // SQLite: the rows live in the primary key's B-tree instead of a rowid table plus
      // that index (https://sqlite.org/withoutrowid.html), one B-tree fewer per write.
      if (kind === 'sqlite') matchKeys = matchKeys.modifyEnd(sql`without rowid`);
      await matchKeys.execute();
      await db.schema
        .createIndex('match_keys_lookup')
        .on('match_keys')
        .columns(['scope', 'side', 'rule', 'key'])
        .execute();

      await db.schema
        .createTable('matches')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('mapping_id', 'text', (c) => c.notNull())
        .addColumn('side', 'text', (c) => c.notNull())
        .addColumn('record_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('candidates', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('decision', 'text')
        .addColumn('partner_id', 'text')
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // One live (open or resolved) row per record; closed rows are history. The predicate
      // is a literal: both planners use a partial index only for queries that repeat it.
      await db.schema
        .createIndex('matches_live')
        .on('matches')
        .columns(['mapping_id', 'side', 'record_id'])
        .unique()
        .where(sql.ref('status'), '<>', sql.lit('closed'))
        .execute();
      await db.schema
        .createIndex('matches_status_created')
        .on('matches')
        .columns(['status', 'created_at', 'id'])
        .execute();

      await db.schema
        .createTable('holds')
        .addColumn('mapping_id', 'text', (c) => c.primaryKey())
        .addColumn('mapping_version', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('counts', 'text', (c) => c.notNull())
        .addColumn('held_at', 'text', (c) => c.notNull())
        .addColumn('accepted_at', 'text')
        .addColumn('accepted_by', 'text')
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('holds').execute();
      await db.schema.dropTable('matches').execute();
      await db.schema.dropTable('match_keys').execute();
    },
  };
}
