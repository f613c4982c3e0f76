import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreKind } from '../../store.ts';
import { AUDIT_IMMUTABLE_MESSAGE } from './0001-initial.ts';

/** What SQLite raises when an insert would replace an existing entry (INSERT OR REPLACE, REPLACE, an upsert). */
export const AUDIT_ENTRY_EXISTS_MESSAGE = `${AUDIT_IMMUTABLE_MESSAGE}: an entry with this seq exists`;
/** What both databases raise when an insert's seq is below the last entry's (filling history from behind). */
export const AUDIT_SEQ_BEHIND_MESSAGE = `${AUDIT_IMMUTABLE_MESSAGE}: seq is not above the last entry`;

/**
 * A trigger refusing an insert into `audit_log` whose `seq` is not above the highest.
 *
 * SQLite:
 * `INSERT OR REPLACE` of an existing seq deletes the old row without firing the DELETE
 * trigger (SQLite fires delete triggers on REPLACE only with `recursive_triggers` on,
 * https://sqlite.org/lang_conflict.html), so before this a REPLACE rewrote history. A BEFORE
 * INSERT trigger runs before the conflict is resolved, so REPLACE, upserts and inserts into
 * gaps are all refused here. The messages are literals: an expression in RAISE needs SQLite
 * 3.47, and older tools (the sqlite3 shell of most distributions) could not read the file.
 * The WHEN clause costs appends one look at the rowid tree's last page.
 *
 * PostgreSQL: the primary key refuses an existing seq and `ON CONFLICT DO UPDATE` fires the
 * update trigger; what remains is an insert behind the last entry (seq 0, say), which a
 * runtime role may make. A statement trigger refuses it: after the insert, the rows from
 * the statement's lowest seq up must be the statement's own rows (one index range count
 * per statement, not a check per row).
 */
export function auditAppendOnlyMigration(kind: StoreKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (kind === 'postgres') {
        await postgresUp(db);
        return;
      }
      await sql
        .raw(
          'create trigger audit_log_no_rewrite before insert on audit_log ' +
            'when new.seq <= (select max(seq) from audit_log) begin ' +
            `select raise(abort, '${AUDIT_ENTRY_EXISTS_MESSAGE}') ` +
            'where exists (select 1 from audit_log where seq = new.seq); ' +
            `select raise(abort, '${AUDIT_SEQ_BEHIND_MESSAGE}'); end`,
        )
        .execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      if (kind === 'postgres') {
        await sql.raw('drop trigger audit_log_no_backfill on audit_log').execute(db);
        await sql.raw('drop function audit_log_refuse_backfill()').execute(db);
        return;
      }
      await sql.raw('drop trigger audit_log_no_rewrite').execute(db);
    },
  };
}

async function postgresUp(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      'create function audit_log_refuse_backfill() returns trigger language plpgsql as $$ begin ' +
        'if (select count(*) from audit_log where seq >= (select min(seq) from inserted)) ' +
        '<> (select count(*) from inserted) then ' +
        `raise exception '${AUDIT_SEQ_BEHIND_MESSAGE}' using errcode = 'restrict_violation'; ` +
        'end if; return null; end $$',
    )
    .execute(db);
  await sql
    .raw(
      'create trigger audit_log_no_backfill after insert on audit_log referencing new table as inserted ' +
        'for each statement execute function audit_log_refuse_backfill()',
    )
    .execute(db);
}
