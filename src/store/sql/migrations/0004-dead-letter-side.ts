import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreKind } from '../../store.ts';

/*
 * Existing rows get their side from `payload.from`, which the engine has always written
 * as the source side. A row whose payload is not JSON, or whose `from` is not `crm` or
 * `erp` (none the engine wrote), gets `crm`: the mapping that would tell is not in the
 * database. Such a row still cannot be replayed (replay reads `payload.from`); discard it.
 */
const SIDE_OF = (json: string): string =>
  `case when ${json} ->> 'from' in ('crm', 'erp') then ${json} ->> 'from' else 'crm' end`;

async function sqliteUp(db: Kysely<unknown>): Promise<void> {
  // SQLite cannot make an added column NOT NULL without a default; rebuild the table
  // (https://sqlite.org/lang_altertable.html#otheralter). Nothing references it.
  // Kysely runs SQLite migrations outside a transaction: take one, so a failure halfway
  // leaves the old table as it was.
  await db.transaction().execute(async (tx) => {
    await rebuildSqlite(tx);
  });
}

async function rebuildSqlite(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dead_letters_next')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('mapping_id', 'text', (c) => c.notNull())
    .addColumn('connection', 'text', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  const side = `case when json_valid(payload) then ${SIDE_OF('payload')} else 'crm' end`;
  const kept = 'id, mapping_id, connection, record_id, payload, message, attempts, status, created_at, updated_at';
  await sql.raw(`insert into dead_letters_next (${kept}, side) select ${kept}, ${side} from dead_letters`).execute(db);
  await db.schema.dropTable('dead_letters').execute();
  await db.schema.alterTable('dead_letters_next').renameTo('dead_letters').execute();
  await db.schema.createIndex('dead_letters_status').on('dead_letters').columns(['status', 'created_at']).execute();
}

async function postgresUp(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('dead_letters').addColumn('side', 'text').execute();
  // PostgreSQL 15 has no `is json`: a payload that does not parse reads as null here.
  await sql
    .raw(
      'create function pg_temp.fb_json_or_null(t text) returns jsonb language plpgsql immutable as $$ ' +
        'begin return t::jsonb; exception when others then return null; end $$',
    )
    .execute(db);
  await sql.raw(`update dead_letters set side = ${SIDE_OF('pg_temp.fb_json_or_null(payload)')}`).execute(db);
  await sql.raw('drop function pg_temp.fb_json_or_null(text)').execute(db);
  await db.schema
    .alterTable('dead_letters')
    .alterColumn('side', (c) => c.setNotNull())
    .execute();
  await db.schema.dropIndex('dead_letters_record').execute();
}

/**
 * Dead letters say which side their source record lives on, so a pass finds a record's
 * own by (mapping, side, record id): HubSpot contact 31 and Odoo partner 31 are apart.
 */
export function deadLetterSideMigration(kind: StoreKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await (kind === 'sqlite' ? sqliteUp(db) : postgresUp(db));
      // Replaces dead_letters_record (mapping_id, record_id, status): passes now ask with the side.
      await db.schema
        .createIndex('dead_letters_record_side')
        .on('dead_letters')
        .columns(['mapping_id', 'side', 'record_id', 'status'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('dead_letters_record_side').execute();
      await db.schema.alterTable('dead_letters').dropColumn('side').execute();
      await db.schema
        .createIndex('dead_letters_record')
        .on('dead_letters')
        .columns(['mapping_id', 'record_id', 'status'])
        .execute();
    },
  };
}
