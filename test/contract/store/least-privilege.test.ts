/**
 * The PostgreSQL least-privilege layout (docs/store.md, "Append-only that holds"): an owner
 * migrates (`frontback migrate`), the runtime role may only read and append the audit log,
 * so TRUNCATE, disabling triggers and session_replication_role are out of its reach, while
 * everything the store does at run time works. Throwaway roles and schemas, dropped after.
 */
import { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../../src/errors.ts';
import { createStore } from '../../../src/store/sql/create-store.ts';
import { migrateSchema } from '../../../src/store/sql/migrate.ts';
import { migrateStore } from '../../../src/store/sql/migrate-store.ts';
import { migrationProvider } from '../../../src/store/sql/migrations/index.ts';
import { openPostgresDialect } from '../../../src/store/sql/postgres-dialect.ts';
import { grantRuntimeRole } from '../../../src/store/sql/runtime-grants.ts';
import type { Store } from '../../../src/store/store.ts';
import { runFrontback } from '../../support/cli.ts';
import { havePostgres, POSTGRES_URL } from '../../support/env.ts';

const available = await havePostgres();
const tag = `${process.pid}_${Date.now().toString(36)}`;
const owner = `fb_owner_${tag}`;
const app = `fb_app_${tag}`;
const schema = `fb_lp_${tag}`;
/** A schema left at migration 0007, for the pending-migration cases. */
const behind = `fb_lp_behind_${tag}`;

/** The test database as `role` (trust authentication), with frontback's `?schema=` when given. */
function urlAs(role: string, inSchema?: string): string {
  const url = new URL(POSTGRES_URL);
  url.username = role;
  url.password = '';
  if (inSchema !== undefined) url.searchParams.set('schema', inSchema);
  return url.toString();
}

async function admin(statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    for (const s of statements) await client.query(s);
  } finally {
    await client.end();
  }
}

const latest = Object.keys(await migrationProvider('postgres').getMigrations()).sort();

describe.skipIf(!available)('PostgreSQL least privilege: owner migrates, runtime appends', () => {
  let store: Store;
  let raw: pg.Client;

  beforeAll(async () => {
    await admin([
      `create role ${owner} login`,
      `create role ${app} login`,
      `create schema ${schema} authorization ${owner}`,
      `create schema ${behind} authorization ${owner}`,
    ]);
    const result = await migrateStore({ url: urlAs(owner, schema), runtimeRole: app });
    expect(result).toEqual({ kind: 'postgres', applied: latest, granted: app });
    store = await createStore({ url: urlAs(app, schema) });
    raw = new pg.Client({ connectionString: urlAs(app), options: `-c search_path=${schema}` });
    await raw.connect();
  }, 30_000);

  afterAll(async () => {
    await store?.close();
    await raw?.end();
    await admin([
      `drop schema if exists ${schema} cascade`,
      `drop schema if exists ${behind} cascade`,
      `drop owned by ${app}`,
      `drop owned by ${owner}`,
      `drop role if exists ${app}`,
      `drop role if exists ${owner}`,
    ]);
  });

  it("runs the store's operations: append, verify, links, runs and plans with retention, inbox, leases", async () => {
    await store.audit.appendMany([
      { action: 'applied', actor: 'poll', crmId: 'c1' },
      { action: 'applied', actor: 'poll', crmId: 'c2' },
    ]);
    expect(await store.audit.verify()).toMatchObject({ ok: true, count: 2 });
    const link = await store.links.create({ mappingId: 'm1', crmId: 'c1', erpId: 'e1' });
    expect(await store.links.delete(link.id)).toBe(true);
    const runs = [await store.runs.start('m1', 'dry-run'), await store.runs.start('m1', 'dry-run')];
    for (const run of runs) {
      await store.plans.addMany(run.id, [
        { side: 'crm', recordId: 'r1', action: 'create', reason: 'newest', plan: {} },
      ]);
    }
    expect(await store.plans.prune('m1', 1)).toBe(1);
    const { id } = await store.inbox.accept({ source: 'hubspot', deliveryKey: 'd1', payload: { id: 1 } });
    await store.inbox.markProcessing(id);
    await store.inbox.markDone(id);
    expect(await store.leases.acquire('scheduler', 'me', 30_000)).toBe(true);
    await store.leases.release('scheduler', 'me');
    // What /readyz of `serve` asks: the runtime role may write its probe.
    await store.probeWrite();
  });

  const refused = [
    ['TRUNCATE', 'truncate audit_log'],
    ['ALTER TABLE ... DISABLE TRIGGER ALL', 'alter table audit_log disable trigger all'],
    ['DROP TRIGGER', 'drop trigger audit_log_no_change on audit_log'],
    ['SET session_replication_role = replica', 'set session_replication_role = replica'],
    ['UPDATE', "update audit_log set action = 'x' where seq = 1"],
    ['DELETE', 'delete from audit_log where seq = 1'],
    ['DROP TABLE', 'drop table audit_log'],
    ['CREATE TABLE in the schema', 'create table audit_log_copy (seq bigint)'],
  ];
  it.each(refused)('the runtime role may not %s', async (_what, statement) => {
    const error = await raw.query(statement as string).then(
      () => undefined,
      (err: unknown) => err as { code?: string },
    );
    // insufficient_privilege: permission denied / must be owner / superuser only.
    expect(error?.code).toBe('42501');
    expect(await store.audit.verify()).toMatchObject({ ok: true, count: 2 });
  });

  it('refuses to grant the runtime privileges to the owner or to a superuser (their triggers to switch off)', async () => {
    await expect(migrateStore({ url: urlAs(owner, schema), runtimeRole: owner })).rejects.toThrow(
      `PostgreSQL role "${owner}" owns the audit log (or is a member of its owner): give the runtime a role that owns nothing`,
    );
    const superuser = new URL(POSTGRES_URL).username;
    await expect(migrateStore({ url: urlAs(owner, schema), runtimeRole: superuser })).rejects.toThrow(
      `PostgreSQL role "${superuser}" is a superuser: give the runtime a role without SUPERUSER`,
    );
    await expect(migrateStore({ url: urlAs(owner, schema), runtimeRole: `${app}_missing` })).rejects.toThrow(
      /does not exist: create it first/,
    );
  });

  it('refuses to open with migrations pending, naming `frontback migrate`; `frontback migrate` with the owner URL migrates', async () => {
    // The owner brings the schema to 0007 and grants the runtime role: 0008 and 0009 are pending.
    const ownerDb = new Kysely<unknown>({
      dialect: await openPostgresDialect({ url: urlAs(owner), schema: behind, poolSize: 1, onPoolError: () => {} }),
    });
    try {
      await migrateSchema(ownerDb, 'postgres', '0007-run-progress');
      await grantRuntimeRole(ownerDb, app);
    } finally {
      await ownerDb.destroy();
    }
    const error = await createStore({ url: urlAs(app, behind) }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toBe(
      `migrations are pending (0008-audit-append-only, 0009-field-problems) and PostgreSQL role "${app}" may not run them: ` +
        'run `frontback migrate` with an owner (store.migrationUrl or FRONTBACK_MIGRATION_URL), then start again',
    );
    const run = await runFrontback(['migrate'], {
      FRONTBACK_STORE_URL: urlAs(app, behind),
      FRONTBACK_MIGRATION_URL: urlAs(owner, behind),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('applied 0008-audit-append-only');
    expect(run.stdout).toContain('applied 0009-field-problems');
    const opened = await createStore({ url: urlAs(app, behind) });
    await opened.audit.append({ action: 'applied', actor: 'poll' });
    expect(await opened.audit.verify()).toMatchObject({ ok: true, count: 1 });
    await opened.close();
  }, 30_000);
});
