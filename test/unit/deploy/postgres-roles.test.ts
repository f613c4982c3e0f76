/**
 * compose.yaml read as Docker Compose would (no Docker engine needed): the two PostgreSQL
 * roles of docs/store.md ("Append-only that holds") are wired as documented, and the init
 * script that creates them runs on the real PostgreSQL (in a transaction, rolled back).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readCompose } from '../../support/compose.ts';
import { havePostgres, POSTGRES_URL, projectRoot } from '../../support/env.ts';

const services = readCompose().services;
/** The store URL of deploy/frontback.yaml, the configuration every frontback service mounts. */
const configuredStoreUrl = (
  parse(readFileSync(join(projectRoot, 'deploy/frontback.yaml'), 'utf8')) as { store: { url: string } }
).store.url;
const initScript = readFileSync(join(projectRoot, 'deploy/postgres-init/10-frontback-roles.sh'), 'utf8');

/** The user and `host:port/db` of a compose URL (`${VAR}` passwords left as they are). */
function userAndTarget(url: string | undefined): { user: string; target: string } {
  const m = /^postgres:\/\/([^:@]+)(?::[^@]*)?@([^/]+\/[^?]+)/.exec(url ?? '');
  return { user: m?.[1] ?? '', target: m?.[2] ?? '' };
}

describe('compose.yaml: an owner migrates, the runtime role runs', () => {
  const owner = userAndTarget(services.migrate?.environment?.FRONTBACK_MIGRATION_URL);

  it('migrate runs `frontback migrate --grant frontback_app` as the owner, once postgres is healthy', () => {
    expect(services.migrate?.command).toEqual(['migrate', '--grant', 'frontback_app']);
    expect(owner.user).toBe('frontback');
    expect(services.migrate?.depends_on?.postgres?.condition).toBe('service_healthy');
  });

  it.each(['serve', 'worker'])('%s connects as frontback_app to the same database, after migrate', (name) => {
    const env = services[name]?.environment ?? {};
    const runtime = userAndTarget(env.FRONTBACK_STORE_URL ?? configuredStoreUrl);
    expect(runtime).toEqual({ user: 'frontback_app', target: owner.target });
    expect(env.FRONTBACK_MIGRATION_URL).toBeUndefined();
    expect(services[name]?.depends_on?.migrate?.condition).toBe('service_completed_successfully');
  });

  it('postgres creates both roles on a new volume; its superuser is neither', () => {
    const postgres = services.postgres!;
    expect(postgres.volumes).toContain('./deploy/postgres-init:/docker-entrypoint-initdb.d:ro');
    expect(postgres.environment?.POSTGRES_USER).not.toMatch(/^frontback/);
    expect(postgres.environment).toHaveProperty('FRONTBACK_OWNER_PASSWORD');
    expect(postgres.environment).toHaveProperty('FRONTBACK_APP_PASSWORD');
    expect(initScript).toMatch(/CREATE ROLE frontback LOGIN NOSUPERUSER/);
    expect(initScript).toMatch(/CREATE ROLE frontback_app LOGIN NOSUPERUSER/);
  });
});

const available = await havePostgres();

describe.skipIf(!available)('deploy/postgres-init on PostgreSQL', () => {
  it('runs, and leaves two roles that are not superusers, the owner owning the database', async () => {
    const db = `fb_init_${process.pid}_${Date.now().toString(36)}`;
    const body = /<<'SQL'\n([\s\S]*?)\nSQL\n/.exec(initScript)?.[1] ?? '';
    // psql's variables, as the script passes them.
    const statements = body
      .replace(/:'(owner|app)_password'/g, "'secret'")
      .replaceAll(':"db"', `"${db}"`)
      .split(/;\s*\n/)
      .map((s) => s.replace(/^--.*$/gm, '').trim())
      .filter((s) => s !== '');
    expect(statements.length).toBeGreaterThanOrEqual(5);
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      await client.query(`create database ${db}`);
      await client.query('begin');
      for (const s of statements) await client.query(s);
      const { rows } = await client.query<{ rolname: string; rolsuper: boolean; owns: boolean }>(
        `select r.rolname, r.rolsuper, d.datdba = r.oid as owns from pg_roles r, pg_database d
         where d.datname = $1 and r.rolname in ('frontback', 'frontback_app') order by r.rolname`,
        [db],
      );
      expect(rows).toEqual([
        { rolname: 'frontback', rolsuper: false, owns: true },
        { rolname: 'frontback_app', rolsuper: false, owns: false },
      ]);
    } finally {
      await client.query('rollback').catch(() => {});
      await client.query(`drop database if exists ${db}`);
      await client.end();
    }
  });
});
