/** `frontback migrate` as a user runs it, on SQLite (PostgreSQL: test/contract/store/least-privilege.test.ts). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runFrontback } from '../../support/cli.ts';

describe('frontback migrate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontback-migrate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates the file of FRONTBACK_MIGRATION_URL, not the runtime one, up to the append-only trigger', async () => {
    const owner = join(dir, 'owner.db');
    const run = await runFrontback(['migrate'], {
      FRONTBACK_STORE_URL: join(dir, 'runtime.db'),
      FRONTBACK_MIGRATION_URL: owner,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`store ${owner}: applied 0001-initial\n`);
    expect(run.stdout).toContain(`store ${owner}: applied 0008-audit-append-only\n`);
    const db = new BetterSqlite3(owner, { readonly: true });
    const triggers = db.prepare("select name from sqlite_master where type = 'trigger' order by name").pluck().all();
    db.close();
    expect(triggers).toEqual(['audit_log_no_delete', 'audit_log_no_rewrite', 'audit_log_no_update']);
  }, 30_000);

  it('refuses --grant on SQLite, which has no roles', async () => {
    const run = await runFrontback(['migrate', '--grant', 'frontback_app'], { FRONTBACK_STORE_URL: join(dir, 'x.db') });
    expect(run).toMatchObject({
      code: 1,
      stderr: 'frontback: a runtime role applies to PostgreSQL only (SQLite has no roles)\n',
    });
  }, 30_000);
});
