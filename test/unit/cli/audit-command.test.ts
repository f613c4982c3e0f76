/** The audit commands as a user runs them: the real binary against a SQLite file. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_CHECKPOINTS } from '../../../src/cli/commands/audit.ts';
import { createStore } from '../../../src/store/sql/create-store.ts';
import { projectRoot } from '../../support/env.ts';

const run = promisify(execFile);
const bin = join(projectRoot, 'bin', 'frontback.js');

async function frontback(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      cwd: projectRoot,
      env: { ...process.env, FRONTBACK_STORE_URL: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('frontback audit', () => {
  let dir: string;
  let path: string;
  let headHash: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'frontback-cli-'));
    path = join(dir, 'store.db');
    let now = new Date('2025-03-01T00:00:00.000Z');
    const store = await createStore({ url: path, clock: () => now });
    await store.audit.appendMany(
      Array.from({ length: 40 }, (_, i) => ({
        action: 'applied',
        actor: 'poll' as const,
        mappingId: 'm1',
        crmId: `c${i + 1}`,
      })),
    );
    now = new Date();
    const last = await store.audit.append({
      action: 'admin',
      actor: 'admin',
      rule: 'manual',
      changes: { phone: { before: '1', after: '2' } },
    });
    headHash = last.hash;
    await store.close();
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('verify: exit 0 with the count and head when intact', async () => {
    const r = await frontback('audit', 'verify', '--store', path);
    expect(r).toMatchObject({ code: 0, stdout: `audit log intact: 41 entries, head ${headHash}\n${NO_CHECKPOINTS}\n` });
  });

  it("verify: without --store, uses the configuration's store.url", async () => {
    const config = join(dir, 'frontback.yaml');
    writeFileSync(config, `store:\n  url: ${JSON.stringify(path)}\n`);
    const r = await frontback('audit', 'verify', '-c', config);
    expect(r).toMatchObject({ code: 0, stdout: `audit log intact: 41 entries, head ${headHash}\n${NO_CHECKPOINTS}\n` });
  });

  it('verify: a missing store is an error that says how to name one', async () => {
    const config = join(dir, 'missing.yaml');
    writeFileSync(config, `store:\n  url: ${JSON.stringify(join(dir, 'nope.db'))}\n`);
    const r = await frontback('audit', 'verify', '-c', config);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no store at');
    expect(r.stderr).toContain('-c');
  });

  it('tail: prints the newest entries, oldest first', async () => {
    const r = await frontback('audit', 'tail', '-n', '2', '--store', path);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^#40 2025-03-01T00:00:00.000Z applied poll m1 crm:c40$/);
    expect(lines[1]).toMatch(/^#41 \S+ admin admin rule=manual fields=phone$/);
  });

  it('export: entries since a duration, as JSON lines and CSV to a file', async () => {
    const jsonl = await frontback('audit', 'export', '--since', '1h', '--format', 'jsonl', '--store', path);
    expect(jsonl.code).toBe(0);
    expect(
      jsonl.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { seq: number }).seq),
    ).toEqual([41]);
    const out = join(dir, 'all.csv');
    const csv = await frontback(
      'audit',
      'export',
      '--since',
      '2025-01-01T00:00:00Z',
      '--format',
      'csv',
      '--out',
      out,
      '--store',
      path,
    );
    expect(csv.code).toBe(0);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(42);
  });

  it('export: a bad --since is refused with what was expected', async () => {
    const r = await frontback('audit', 'export', '--since', 'yesterday', '--store', path);
    // A usage error (bad option value) exits 2, as for the root command.
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('ISO 8601');
  });

  it('verify: exit 1 naming the first broken entry', async () => {
    const raw = new BetterSqlite3(path);
    raw.exec("drop trigger audit_log_no_update; update audit_log set erp_id = 'e-forged' where seq = 17");
    raw.close();
    const r = await frontback('audit', 'verify', '--store', path);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'frontback: audit log broken at entry 17: column erp_id differs from the hashed entry (16 entries before it are intact)\n',
    );
  });

  it('refuses a store file that does not exist instead of creating it', async () => {
    const r = await frontback('audit', 'verify', '--store', join(dir, 'typo.db'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no store at');
  });
});
