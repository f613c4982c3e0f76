/**
 * Audit log throughput: appends (one per transaction, and 500 per transaction)
 * and verification, on SQLite and PostgreSQL, with entries of about 500 bytes of
 * canonical JSON. Baselines measured in the same run: plain INSERTs of the same
 * rows through Kysely into a table without hashing, lock or triggers, and
 * reading the rows without checking them, so each ratio is the chain's own cost.
 * Also: verification against signed checkpoints (one every 1,000 entries), and the
 * time one checkpoint takes (head, Ed25519 signature, append with fsync), medians.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { GENESIS_HASH, sealEntry } from '../src/store/audit/canonical.ts';
import type { CheckpointLine } from '../src/store/audit/checkpoint-file.ts';
import { verifyWithCheckpoints } from '../src/store/audit/checkpoint-verify.ts';
import { takeCheckpoint } from '../src/store/audit/checkpoint-writer.ts';
import { keyIdOf, signCheckpoint, type CheckpointSigner } from '../src/store/audit/checkpoint.ts';
import { createStore } from '../src/store/sql/create-store.ts';
import type { AuditEntry, AuditEntryInput, Store } from '../src/store/store.ts';
import { median, measureRate, type BenchSuite, type CaseResult } from './harness.ts';

const PG_URL = process.env.FRONTBACK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROUNDS = 5;
const SINGLE_PER_ROUND = 200;
const BATCH = 500;
const BATCHES_PER_ROUND = 10;

/** An entry whose canonical JSON is about 500 bytes. */
function input(i: number): AuditEntryInput {
  return {
    runId: `run-${Math.floor(i / 1000)}`,
    jobId: `push:contacts-partners:${i}`,
    mappingId: 'contacts-partners',
    mappingVersion: 'sha1-3f2a9c',
    crmId: String(100_000 + i),
    erpId: String(50_000 + i),
    action: 'applied',
    rule: 'newest',
    actor: 'poll',
    changes: {
      email: { before: `old.${i}@example.com`, after: `new.${i}@example.com` },
      phone: { before: '+33 1 23 45 67 89', after: '+33 1 98 76 54 32' },
    },
  };
}

type Plain = {
  [K in 'seq' | 'at' | 'action' | 'actor' | 'prev_hash' | 'hash' | 'canonical']: string | number;
} & Record<string, string | number | null>;

function plainRow(e: AuditEntry, seq: number): Plain {
  return {
    seq,
    at: e.at,
    run_id: e.runId,
    job_id: e.jobId,
    mapping_id: e.mappingId,
    mapping_version: e.mappingVersion,
    crm_id: e.crmId,
    erp_id: e.erpId,
    action: e.action,
    rule: e.rule,
    actor: e.actor,
    prev_hash: e.prevHash,
    hash: e.hash,
    canonical: e.canonical,
  };
}

interface Target {
  kind: 'sqlite' | 'postgres';
  store: Store;
  plain: Kysely<{ bench_plain: Plain }>;
  cleanup(): Promise<void>;
}

async function createPlainTable(db: Kysely<{ bench_plain: Plain }>): Promise<void> {
  let t = db.schema.createTable('bench_plain').addColumn('seq', 'bigint', (c) => c.primaryKey());
  for (const c of [
    'at',
    'run_id',
    'job_id',
    'mapping_id',
    'mapping_version',
    'crm_id',
    'erp_id',
    'action',
    'rule',
    'actor',
    'prev_hash',
    'hash',
    'canonical',
  ]) {
    t = t.addColumn(c, 'text');
  }
  await t.execute();
}

async function sqliteTarget(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'frontback-bench-'));
  const path = join(dir, 'bench.db');
  const store = await createStore({ url: path });
  const raw = new BetterSqlite3(path);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  const plain = new Kysely<{ bench_plain: Plain }>({ dialect: new SqliteDialect({ database: raw }) });
  await createPlainTable(plain);
  return {
    kind: 'sqlite',
    store,
    plain,
    async cleanup() {
      await store.close();
      await plain.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresTarget(): Promise<Target | string> {
  const schema = `fb_bench_${process.pid}`;
  let store: Store;
  try {
    store = await createStore({ url: PG_URL, schema });
  } catch (err) {
    return `no PostgreSQL (${(err as Error).message.slice(0, 60)})`;
  }
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4, options: `-c search_path=${schema}` });
  const plain = new Kysely<{ bench_plain: Plain }>({ dialect: new PostgresDialect({ pool }) });
  await createPlainTable(plain);
  return {
    kind: 'postgres',
    store,
    plain,
    async cleanup() {
      await store.close();
      await sql.raw(`drop schema ${schema} cascade`).execute(plain);
      await plain.destroy();
    },
  };
}

async function runTarget(t: Target): Promise<CaseResult[]> {
  const p = t.kind;
  const results: CaseResult[] = [];
  const add = (name: string, rounds: number[], extra: Partial<CaseResult> = {}): void => {
    results.push({
      benchmark: 'audit',
      case: `${p} ${name}`,
      median: median(rounds),
      unit: 'entries/s',
      rounds,
      ...extra,
    });
  };
  let i = 0;
  let plainSeq = 0;
  const sealed = Array.from({ length: BATCH }, (_, k) =>
    sealEntry(input(k), k + 1, new Date().toISOString(), GENESIS_HASH),
  );

  add(
    'plain insert single',
    await measureRate(ROUNDS, async () => {
      for (let k = 0; k < SINGLE_PER_ROUND; k++) {
        const row = plainRow(sealed[k % BATCH] as AuditEntry, ++plainSeq);
        await t.plain.transaction().execute((tx) => tx.insertInto('bench_plain').values(row).execute());
      }
      return SINGLE_PER_ROUND;
    }),
  );
  add(
    'append single',
    await measureRate(ROUNDS, async () => {
      for (let k = 0; k < SINGLE_PER_ROUND; k++) await t.store.audit.append(input(i++));
      return SINGLE_PER_ROUND;
    }),
    { baseline: `${p} plain insert single` },
  );

  add(
    `plain insert batched (${BATCH}/tx)`,
    await measureRate(ROUNDS, async () => {
      for (let b = 0; b < BATCHES_PER_ROUND; b++) {
        const rows = sealed.map((e) => plainRow(e, ++plainSeq));
        await t.plain.transaction().execute((tx) => tx.insertInto('bench_plain').values(rows).execute());
      }
      return BATCH * BATCHES_PER_ROUND;
    }),
  );
  add(
    `append batched (${BATCH}/tx)`,
    await measureRate(ROUNDS, async () => {
      for (let b = 0; b < BATCHES_PER_ROUND; b++)
        await t.store.audit.appendMany(Array.from({ length: BATCH }, () => input(i++)));
      return BATCH * BATCHES_PER_ROUND;
    }),
    { baseline: `${p} plain insert batched (${BATCH}/tx)`, ...(p === 'sqlite' ? { target: 20_000 } : {}) },
  );

  const count = await t.store.audit.count();
  add(
    'read rows (pages of 10,000)',
    await measureRate(ROUNDS, async () => {
      let after = 0;
      let n = 0;
      for (;;) {
        const page = await t.plain
          .selectFrom('bench_plain')
          .selectAll()
          .where('seq', '>', after)
          .orderBy('seq')
          .limit(10_000)
          .execute();
        n += page.length;
        if (page.length < 10_000) return n;
        after = Number((page[page.length - 1] as Plain).seq);
      }
    }),
    { note: 'plain table' },
  );
  add(
    `verify (${count.toLocaleString('en-US')} entries)`,
    await measureRate(ROUNDS, async () => {
      const r = await t.store.audit.verify();
      if (!r.ok) throw new Error(`bench chain broken at ${r.firstBroken.seq}: ${r.firstBroken.reason}`);
      return r.count;
    }),
    { baseline: `${p} read rows (pages of 10,000)`, ...(p === 'sqlite' ? { target: 200_000 } : {}) },
  );

  // Checkpoints: one signed every 1,000 entries (a busy day at 15-minute checkpoints has 96),
  // then verification with every signature and anchor checked as the rows stream by.
  const signer = benchSigner();
  const ckptDir = mkdtempSync(join(tmpdir(), 'frontback-bench-ckpt-'));
  try {
    const head = (await t.store.audit.head())!;
    const lines: CheckpointLine[] = [];
    let n = 0;
    for await (const e of t.store.audit.since('1970-01-01T00:00:00.000Z', { pageSize: 10_000 })) {
      if (e.seq % 1000 === 0 || e.seq === head.seq) {
        n += 1;
        lines.push({ where: `bench:${n}`, checkpoint: signCheckpoint(signer, e, e.at), problem: undefined });
      }
    }
    const trusted = new Map([[signer.keyId, signer.publicKey]]);
    add(
      `verify with ${lines.length} checkpoints (${count.toLocaleString('en-US')} entries)`,
      await measureRate(ROUNDS, async () => {
        const r = await verifyWithCheckpoints(t.store.audit, lines, trusted);
        if (!r.ok) throw new Error(`bench checkpoints refused: ${r.problems.join('; ')}`);
        return r.count;
      }),
      { baseline: `${p} read rows (pages of 10,000)` },
    );
    // One checkpoint as the runner takes it: read the head, sign, append to the file and fsync it.
    const perCheckpoint: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const times: number[] = [];
      for (let k = 0; k < 20; k++) {
        await t.store.audit.append(input(i++));
        const start = process.hrtime.bigint();
        const taken = await takeCheckpoint(t.store.audit, signer, ckptDir);
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
        if (!taken.written) throw new Error('bench checkpoint not written');
      }
      perCheckpoint.push(median(times));
    }
    results.push({
      benchmark: 'audit',
      case: `${p} checkpoint (head, Ed25519 sign, append + fsync)`,
      median: median(perCheckpoint),
      unit: 'ms/checkpoint',
      rounds: perCheckpoint,
      note: 'lower is better',
    });
  } finally {
    rmSync(ckptDir, { recursive: true, force: true });
  }
  return results;
}

function benchSigner(): CheckpointSigner & { publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { keyId: keyIdOf(publicKey), key: privateKey, publicKey };
}

/** The audit suite. */
export const auditSuite: BenchSuite = {
  name: 'audit',
  async run() {
    const results: CaseResult[] = [];
    const sqlite = await sqliteTarget();
    try {
      results.push(...(await runTarget(sqlite)));
    } finally {
      await sqlite.cleanup();
    }
    const postgres = await postgresTarget();
    if (typeof postgres === 'string') {
      results.push({
        benchmark: 'audit',
        case: 'postgres (all cases)',
        median: null,
        unit: 'entries/s',
        rounds: [],
        note: postgres,
      });
      return results;
    }
    try {
      results.push(...(await runTarget(postgres)));
    } finally {
      await postgres.cleanup();
    }
    return results;
  },
};
