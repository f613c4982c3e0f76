import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashCanonical, sealEntry } from '../../../src/store/audit/canonical.ts';
import { ChainVerifier } from '../../../src/store/audit/chain-verifier.ts';
import { columnMismatch, type AuditRow } from '../../../src/store/audit/stored-row.ts';
import type { AuditEntry } from '../../../src/store/store.ts';

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const e = sealEntry(
      { action: 'applied', actor: 'poll', crmId: `c${seq}`, changes: { f: { before: seq, after: seq + 1 } } },
      seq,
      '2025-01-01T00:00:00.000Z',
      prev,
    );
    out.push(e);
    prev = e.hash;
  }
  return out;
}

function row(e: AuditEntry): AuditRow {
  return {
    seq: e.seq,
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

function verify(rows: AuditRow[]): ChainVerifier {
  const v = new ChainVerifier();
  for (const r of rows) if (!v.push(r, columnMismatch(r))) break;
  return v;
}

describe('canonical form', () => {
  it('is RFC 8785 text with sorted keys, a format version, and a SHA-256 over it', () => {
    const e = sealEntry(
      { action: 'applied', actor: 'webhook', changes: { b: { before: null, after: 1 } } },
      1,
      '2025-01-01T00:00:00.000Z',
      GENESIS_HASH,
    );
    expect(e.canonical).toBe(
      '{"action":"applied","actor":"webhook","at":"2025-01-01T00:00:00.000Z","changes":{"b":{"after":1,"before":null}},' +
        '"crmId":null,"details":null,"erpId":null,"jobId":null,"mappingId":null,"mappingVersion":null,' +
        `"prevHash":"${GENESIS_HASH}","rule":null,"runId":null,"seq":1,"v":1}`,
    );
    expect(e.hash).toBe(hashCanonical(e.canonical));
    expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('ChainVerifier', () => {
  it('accepts an intact chain and reports its head', () => {
    const entries = chain(5);
    const v = verify(entries.map(row));
    expect(v.broken).toBeUndefined();
    expect(v.count).toBe(5);
    expect(v.head).toEqual({ seq: 5, hash: entries[4]?.hash });
  });

  it('names the first broken entry whatever single column is changed (property)', () => {
    const columns = [
      'at',
      'run_id',
      'job_id',
      'mapping_id',
      'crm_id',
      'erp_id',
      'action',
      'rule',
      'actor',
      'prev_hash',
      'hash',
      'canonical',
    ] as const;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(...columns),
        fc.string({ minLength: 1 }),
        (seq, column, junk) => {
          const rows = chain(8).map(row);
          const target = rows[seq - 1] as AuditRow;
          const changed = `${String(target[column])}${junk}`;
          (target as unknown as Record<string, unknown>)[column] = changed;
          const v = verify(rows);
          expect(v.broken?.seq).toBe(seq);
          expect(v.count).toBe(seq - 1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reports a missing entry as a gap at the missing seq', () => {
    const rows = chain(6).map(row);
    rows.splice(3, 1);
    expect(verify(rows).broken).toEqual({ seq: 4, reason: 'gap: expected seq 4, found 5' });
  });

  it('reports a chain that does not link', () => {
    const rows = chain(3).map(row);
    const other = sealEntry({ action: 'applied', actor: 'poll' }, 3, '2025-01-01T00:00:00.000Z', 'f'.repeat(64));
    rows[2] = row(other);
    expect(verify(rows).broken).toEqual({ seq: 3, reason: 'prev_hash does not match entry 2' });
  });
});

describe('ChainVerifier: time order and checkpoint anchors', () => {
  function chainAt(times: readonly string[]): AuditEntry[] {
    const out: AuditEntry[] = [];
    let prev = GENESIS_HASH;
    times.forEach((at, i) => {
      const e = sealEntry({ action: 'applied', actor: 'poll', crmId: `c${i + 1}` }, i + 1, at, prev);
      out.push(e);
      prev = e.hash;
    });
    return out;
  }

  it('accepts equal times and refuses a time before the previous entry, naming the entry', () => {
    const ok = verify(
      chainAt(['2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', '2025-01-02T00:00:00.000Z']).map(row),
    );
    expect(ok.broken).toBeUndefined();
    const back = verify(
      chainAt(['2025-01-01T00:00:00.000Z', '2025-01-02T00:00:00.000Z', '2025-01-01T23:59:59.999Z']).map(row),
    );
    expect(back.broken).toEqual({
      seq: 3,
      reason: "at goes backwards: 2025-01-01T23:59:59.999Z is before entry 2's 2025-01-02T00:00:00.000Z",
    });
    expect(back.count).toBe(2);
  });

  it('checks the hash a checkpoint anchors, and only at that seq', () => {
    const rows = chain(5).map(row);
    const good = new ChainVerifier(new Map([[3, { hash: rows[2]!.hash, where: 'c.jsonl:1' }]]));
    for (const r of rows) good.push(r, undefined);
    expect(good.broken).toBeUndefined();
    const bad = new ChainVerifier(new Map([[4, { hash: 'ff'.repeat(32), where: 'c.jsonl:2' }]]));
    for (const r of rows) if (!bad.push(r, undefined)) break;
    expect(bad.broken).toEqual({
      seq: 4,
      reason: "rewritten or forged: entry 4's hash differs from the checkpoint's (c.jsonl:2)",
    });
  });
});
