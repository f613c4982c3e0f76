import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../src/connector/errors.ts';
import {
  chunk,
  matchWriteResults,
  writeIsolatingFailures,
  type WriteOp,
  type WriteResult,
} from '../../../src/connector/writes.ts';

const ops = (n: number): WriteOp[] =>
  Array.from({ length: n }, (_, i) => ({ op: 'create', ref: `r${i}`, fields: { email: `u${i}@x.test` } }));

describe('chunk', () => {
  it('splits into batches of at most size', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});

describe('matchWriteResults', () => {
  const ok = (ref: string): WriteResult => ({ ref, ok: true, id: ref, outcome: 'created' });
  it('orders results by op', () => {
    expect(matchWriteResults('c', ops(3), [ok('r2'), ok('r0'), ok('r1')]).map((r) => r.ref)).toEqual([
      'r0',
      'r1',
      'r2',
    ]);
  });
  it.each([
    ['a missing result', [ok('r0')], 'no result for ref "r1"'],
    ['an invented result', [ok('r0'), ok('r1'), ok('zz')], 'result for unknown ref "zz"'],
    ['a duplicate result', [ok('r0'), ok('r0'), ok('r1')], 'two results for ref "r0"'],
  ])('throws on %s', (_n, results, message) => {
    expect(() => matchWriteResults('c', ops(2), results)).toThrow(message);
  });
});

describe('writeIsolatingFailures', () => {
  // A batch API that fails as a whole on any bad input, like HubSpot batch create.
  function allOrNothing(bad: Set<string>, calls: string[][]) {
    return (batch: readonly WriteOp[]): Promise<WriteResult[]> => {
      calls.push(batch.map((o) => o.ref));
      const clash = batch.find((o) => bad.has(o.ref));
      if (clash)
        return Promise.reject(
          new ConnectorError(`Contact already exists. Existing ID: ${clash.ref}`, {
            connection: 'hs',
            status: 409,
            retryable: false,
          }),
        );
      return Promise.resolve(
        batch.map((o) => ({ ref: o.ref, ok: true as const, id: `id-${o.ref}`, outcome: 'created' as const })),
      );
    };
  }

  it('writes every good record and gives each bad one the vendor message', async () => {
    const calls: string[][] = [];
    const results = await writeIsolatingFailures(ops(8), allOrNothing(new Set(['r2', 'r5']), calls));
    expect(results.filter((r) => r.ok).map((r) => r.ref)).toEqual(['r0', 'r1', 'r3', 'r4', 'r6', 'r7']);
    expect(results.filter((r) => !r.ok)).toEqual([
      {
        ref: 'r2',
        ok: false,
        error: { message: 'Contact already exists. Existing ID: r2', status: 409, retryable: false },
      },
      {
        ref: 'r5',
        ok: false,
        error: { message: 'Contact already exists. Existing ID: r5', status: 409, retryable: false },
      },
    ]);
    expect(calls.length).toBeLessThan(16);
  });

  it.each([
    ['a retryable failure', new ConnectorError('down', { connection: 'hs', status: 503, retryable: true })],
    [
      'an auth failure',
      new ConnectorError('expired', { connection: 'hs', status: 401, retryable: false, code: 'UNAUTHORIZED' }),
    ],
  ])('rethrows %s without splitting', async (_n, error) => {
    let calls = 0;
    await expect(
      writeIsolatingFailures(ops(4), () => {
        calls++;
        return Promise.reject(error);
      }),
    ).rejects.toBe(error);
    expect(calls).toBe(1);
  });
});
