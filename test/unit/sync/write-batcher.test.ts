/**
 * The engine's write batcher against fake connectors: chunks never exceed the declared
 * limits (per kind), and every op gets exactly one result: a missing, doubled or stray
 * result is a failure of that record with a clear message, never a success; a call that
 * throws hands back what was answered before it.
 */
import { describe, expect, it } from 'vitest';
import type { Connector, ConnectorLimits, WriteOp, WriteResult } from '../../../src/connector/index.ts';
import { WriteAborted, writeInBatches } from '../../../src/sync/write-batcher.ts';

const limits: ConnectorLimits = {
  maxBatchSize: { create: 3, update: 2, upsert: 2, archive: 4, read: 10 },
  rateLimit: { requests: 10, perMs: 1000 },
  maxPageSize: 10,
};

function fake(answer: (ops: readonly WriteOp[], call: number) => WriteResult[]): Connector & { calls: WriteOp[][] } {
  const calls: WriteOp[][] = [];
  const unused = (): never => {
    throw new Error('not used');
  };
  return {
    kind: 'fake',
    connection: 'fake-conn',
    limits,
    calls,
    describe: unused,
    listChanges: unused,
    read: unused,
    find: unused,
    write: (_object, ops) => {
      calls.push([...ops]);
      return Promise.resolve(answer(ops, calls.length));
    },
  };
}
const okAll = (ops: readonly WriteOp[]): WriteResult[] =>
  ops.map((op) => ({ ref: op.ref, ok: true, id: `id-${op.ref}`, outcome: 'created' }));
const ops = (kind: WriteOp['op'], n: number, extra: Partial<WriteOp> = {}): WriteOp[] =>
  Array.from({ length: n }, (_, i) => ({ op: kind, ref: `${kind}${i}`, id: String(i), fields: { n: i }, ...extra }));

describe('writeInBatches', () => {
  it('chunks each kind to its declared limit (keyed creates to the smaller of create and upsert)', async () => {
    const c = fake(okAll);
    const all = [
      ...ops('create', 7),
      ...ops('update', 5),
      ...ops('create', 3, { idempotencyKey: { field: 'k', value: 'v' } }).map((o) => ({ ...o, ref: `k${o.ref}` })),
      ...ops('archive', 4),
    ];
    const out = await writeInBatches(c, 'things', all);
    expect(out.results.size).toBe(all.length);
    expect([...out.results.values()].every((r) => r.ok)).toBe(true);
    const sizes = c.calls.map((call) => `${call[0]?.op}${call[0]?.idempotencyKey ? '+key' : ''}:${call.length}`);
    expect(sizes).toEqual([
      'create:3',
      'create:3',
      'create:1',
      'update:2',
      'update:2',
      'update:1',
      'create+key:2',
      'create+key:1',
      'archive:4',
    ]);
    expect(out.calls).toBe(9);
  });

  it('an op the system cannot do at all fails without a call', async () => {
    const c = fake(okAll);
    const out = await writeInBatches(c, 'things', ops('delete', 2));
    expect(c.calls).toEqual([]);
    expect(out.results.get('delete0')).toMatchObject({
      ok: false,
      error: { message: 'connection "fake-conn" cannot delete things records' },
    });
  });

  it('a missing result, a doubled one and one for an unknown ref: failures and a stray count, never a success', async () => {
    const c = fake((batch) => {
      const [a, b, d] = batch as [WriteOp, WriteOp, WriteOp];
      return [
        { ref: a.ref, ok: true, id: '1', outcome: 'created' },
        // b answered twice, d not at all, and a ref nobody sent.
        { ref: b.ref, ok: true, id: '2', outcome: 'created' },
        { ref: b.ref, ok: true, id: '3', outcome: 'created' },
        { ref: 'nobody', ok: true, id: '9', outcome: 'created' },
        ...(d ? [] : []),
      ];
    });
    const out = await writeInBatches(c, 'things', ops('create', 3));
    expect(out.results.get('create0')).toMatchObject({ ok: true, id: '1' });
    expect(out.results.get('create1')).toMatchObject({
      ok: false,
      error: {
        message:
          'connection "fake-conn" answered 2 results for this record (create): not trusted; check the target for a duplicate',
      },
    });
    expect(out.results.get('create2')).toMatchObject({
      ok: false,
      error: {
        message: expect.stringMatching(/^connection "fake-conn" answered no result for this record \(create\)/),
      },
    });
    expect(out.strays).toBe(1);
  });

  it('a call that throws stops the batcher and hands back what was answered', async () => {
    const c = fake((batch, call) => {
      if (call === 2) throw new Error('network down');
      return okAll(batch);
    });
    const err = await writeInBatches(c, 'things', ops('create', 5)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WriteAborted);
    const aborted = err as WriteAborted;
    expect([...aborted.answered.results.keys()]).toEqual(['create0', 'create1', 'create2']);
    expect((aborted.cause as Error).message).toBe('network down');
  });
});
