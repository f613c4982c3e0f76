/**
 * Checkpoints as an operator uses them, through the real binary on a SQLite file: keygen
 * prints the configuration, `audit checkpoint` signs, `audit verify` reports anchored and
 * unanchored entries, a cut log fails naming the checkpoint's line, and an export with its
 * checkpoints verifies on a machine without the database.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../../src/store/sql/create-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { runFrontback } from '../../support/cli.ts';

describe('frontback audit keygen, checkpoint, verify --checkpoints, export --checkpoints', () => {
  let dir: string;
  let db: string;
  let config: string;
  let store: Store;

  const append = (from: number, to: number) =>
    store.audit.appendMany(
      Array.from({ length: to - from + 1 }, (_, i) => ({
        action: 'applied',
        actor: 'poll' as const,
        crmId: `c${from + i}`,
      })),
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'frontback-ckpt-cli-'));
    db = join(dir, 'store.db');
    store = await createStore({ url: db });
    await append(1, 30);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let keyId: string;
  let signing: string;

  it('keygen prints the key id and the configuration; checkpoint signs the head', async () => {
    const keygen = await runFrontback(['audit', 'keygen', '--out', join(dir, 'keys')]);
    expect(keygen.code).toBe(0);
    keyId = /^key id ([0-9a-f]{16})$/m.exec(keygen.stdout)?.[1] as string;
    expect(keygen.stdout).toContain(`    ${keyId}: ${join(dir, 'keys', `checkpoint-${keyId}.pub`)}`);
    signing = /signingKeyFile: (.*)$/m.exec(keygen.stdout)?.[1] as string;
    config = join(dir, 'frontback.yaml');
    writeFileSync(
      config,
      [
        `store:\n  url: ${JSON.stringify(db)}`,
        'audit:',
        `  signingKeyFile: ${JSON.stringify(signing)}`,
        `  trustedKeys:\n    ${keyId}: ${JSON.stringify(join(dir, 'keys', `checkpoint-${keyId}.pub`))}`,
        `  checkpointDir: ${JSON.stringify(join(dir, 'ckpt'))}`,
        '',
      ].join('\n'),
    );

    const taken = await runFrontback(['audit', 'checkpoint', '-c', config]);
    expect(taken).toMatchObject({ code: 0 });
    expect(taken.stdout).toMatch(
      new RegExp(`checkpoint written to .*checkpoints\\.jsonl: entry 30, hash [0-9a-f]{64}, key ${keyId}`),
    );
    expect(readFileSync(signing, 'utf8')).toContain('PRIVATE KEY');
    expect(taken.stdout + taken.stderr).not.toContain('PRIVATE KEY');
    await append(31, 33);
  }, 60_000);

  it('verify reports the anchored and the not yet anchored entries', async () => {
    const ok = await runFrontback(['audit', 'verify', '-c', config]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^audit log intact: 33 entries, head [0-9a-f]{64}\n/);
    expect(ok.stdout).toContain(
      'checkpoints: 1 valid, anchoring entries 1-30; 3 entries after the last checkpoint are not anchored yet',
    );
  }, 60_000);

  it('an export and its checkpoints verify on a machine with no database', async () => {
    const out = join(dir, 'export.jsonl');
    const exported = await runFrontback([
      'audit',
      'export',
      '-c',
      config,
      '--since',
      '2000-01-01T00:00:00Z',
      '--out',
      out,
      '--checkpoints',
    ]);
    expect(exported).toMatchObject({ code: 0 });
    const elsewhere = join(dir, 'elsewhere.yaml');
    writeFileSync(
      elsewhere,
      `audit:\n  trustedKeys:\n    ${keyId}: ${JSON.stringify(readFileSync(join(dir, 'keys', `checkpoint-${keyId}.pub`), 'utf8'))}\n`,
    );
    const fromExport = await runFrontback([
      'audit',
      'verify',
      '-c',
      elsewhere,
      '--export',
      out,
      '--checkpoints',
      `${out}.checkpoints.jsonl`,
    ]);
    expect(fromExport.code).toBe(0);
    expect(fromExport.stdout).toContain('audit log intact: 33 entries');
    expect(fromExport.stdout).toContain('3 entries after the last checkpoint are not anchored yet');
  }, 60_000);

  it('a cut log fails, naming the checkpoint line', async () => {
    // Cut the last 5 (triggers dropped first, as an attacker with the database's credentials would).
    const raw = new BetterSqlite3(db);
    raw.exec(
      'drop trigger audit_log_no_update; drop trigger audit_log_no_delete; delete from audit_log where seq > 28',
    );
    raw.close();
    const cut = await runFrontback(['audit', 'verify', '-c', config]);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/cut: the log ends at 28, checkpoint at .*checkpoints\.jsonl:1 anchors entry 30/);
    expect(cut.stdout).toBe('');
  }, 60_000);

  it('export --checkpoints without --out is a usage error (exit 2) that says why', async () => {
    const r = await runFrontback(['audit', 'export', '-c', config, '--since', '1d', '--checkpoints']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--checkpoints needs --out');
  }, 60_000);
});
