import { sql, type Kysely } from 'kysely';
import { StoreError } from '../../errors.ts';

const ROLE_NAME = /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/;

/** The audit table: the runtime role may only read it and append to it. */
const AUDIT_TABLE = 'audit_log';
/** Kysely's bookkeeping: the runtime reads it to know whether migrations are pending, and writes nothing. */
const MIGRATION_TABLES = ['kysely_migration', 'kysely_migration_lock'];

/** Quotes a PostgreSQL role name after checking it is a plain name. */
export function quoteRole(role: string): string {
  if (!ROLE_NAME.test(role)) {
    throw new StoreError(`invalid PostgreSQL role name "${role}": use letters, digits, _, $ and -`);
  }
  return `"${role}"`;
}

/**
 * Gives `role` exactly what frontback's runtime needs in the current schema, and nothing
 * else: USAGE on the schema; SELECT, INSERT, UPDATE, DELETE on every table but the audit
 * log (links, leases, holds, plans and the key index delete; links, runs, inbox update);
 * SELECT, INSERT on `audit_log`; SELECT on the migration tables; USAGE, SELECT on
 * sequences. Whatever the role held before on those tables is revoked first, so running
 * it again after a migration (new tables) leaves the same layout.
 *
 * What stays out of the role's reach, by PostgreSQL's rules: TRUNCATE (a privilege not
 * granted), DROP, ALTER TABLE ... DISABLE TRIGGER and DROP TRIGGER (only the table's owner),
 * `SET session_replication_role` (superuser only), CREATE in the schema (not granted). The
 * role must not own the tables, be a member of their owner, or be a superuser.
 */
export async function grantRuntimeRole(db: Kysely<unknown>, role: string): Promise<void> {
  const who = quoteRole(role);
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (schema === undefined || schema === null)
    throw new StoreError('no current schema to grant on (search_path is empty)');
  const found = await sql<{ superuser: boolean; owner: boolean }>`
    select r.rolsuper as superuser,
      coalesce((select pg_has_role(r.oid, c.relowner, 'USAGE') from pg_class c
        where c.oid = to_regclass(${AUDIT_TABLE})), false) as owner
    from pg_roles r where r.rolname = ${role}`.execute(db);
  const facts = found.rows[0];
  if (facts === undefined) {
    throw new StoreError(
      `PostgreSQL role "${role}" does not exist: create it first (CREATE ROLE ${role} LOGIN PASSWORD '...'), see docs/store.md`,
    );
  }
  // Grants would change nothing for these: triggers are theirs to switch off.
  if (facts.superuser)
    throw new StoreError(`PostgreSQL role "${role}" is a superuser: give the runtime a role without SUPERUSER`);
  if (facts.owner) {
    throw new StoreError(
      `PostgreSQL role "${role}" owns the audit log (or is a member of its owner): give the runtime a role that owns nothing`,
    );
  }
  const s = `"${schema}"`;
  const statements = [
    `grant usage on schema ${s} to ${who}`,
    `revoke all on all tables in schema ${s} from ${who}`,
    `grant select, insert, update, delete on all tables in schema ${s} to ${who}`,
    `revoke all on ${s}.${AUDIT_TABLE} from ${who}`,
    `grant select, insert on ${s}.${AUDIT_TABLE} to ${who}`,
    ...MIGRATION_TABLES.flatMap((t) => [`revoke all on ${s}.${t} from ${who}`, `grant select on ${s}.${t} to ${who}`]),
    `grant usage, select on all sequences in schema ${s} to ${who}`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
