/**
 * Decisions from a console list, row by row: a row that fails is reported with why and
 * the others are still done; the way back to the list keeps its filters and carries the
 * flash, at most MAX_FAILED_LINES lines of failures. And how long values are shown.
 */
import { describe, expect, it, vi } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import { ErrorCode, FrontbackError } from '../../../../src/errors.ts';
import {
  backTo,
  decideEach,
  MAX_FAILED_LINES,
  type RowOutcome,
} from '../../../../src/server/console/pages/decision-outcomes.ts';
import { shown, SHORT_CHARS } from '../../../../src/server/console/pages/shown-value.ts';

const log = { error: vi.fn() } as unknown as FastifyBaseLogger;

describe('decideEach', () => {
  it('decides every row once, in order; failures are outcomes, not the end of the batch', async () => {
    const seen: string[] = [];
    const outcomes = await decideEach(
      ['a', 'b', 'c', 'a', 'd'],
      async (id) => {
        seen.push(id);
        if (id === 'b') throw new FrontbackError(ErrorCode.Conflict, 'b was already decided');
        if (id === 'c') throw new Error('socket hang up: secret-ish detail');
        return `${id} done`;
      },
      log,
    );
    expect(seen).toEqual(['a', 'b', 'c', 'd']);
    expect(outcomes).toEqual([
      { id: 'a', ok: true, says: 'a done' },
      { id: 'b', ok: false, says: 'b was already decided' },
      { id: 'c', ok: false, says: 'c: internal error; see the server log' },
      { id: 'd', ok: true, says: 'd done' },
    ]);
    expect(log.error).toHaveBeenCalledOnce();
  });
});

describe('backTo', () => {
  const ok = (id: string): RowOutcome => ({ id, ok: true, says: `${id} done` });
  const ko = (id: string): RowOutcome => ({ id, ok: false, says: `${id} not done` });

  it('keeps the filters, leaves out empty ones, and carries what was done and what was not', () => {
    const url = backTo(
      '/console/conflicts',
      { mapping: 'm&x', field: undefined, status: '' },
      [ok('a'), ko('b')],
      (d) => `${d.length} done`,
    );
    const parsed = new URL(url, 'http://x');
    expect(parsed.pathname).toBe('/console/conflicts');
    expect([...parsed.searchParams]).toEqual([
      ['mapping', 'm&x'],
      ['done', '1 done'],
      ['failed', 'b not done'],
    ]);
    expect(backTo('/console/matches', {}, [], () => 'never')).toBe('/console/matches');
  });

  it(`carries at most ${MAX_FAILED_LINES} failure lines, and counts the rest`, () => {
    const failed = Array.from({ length: MAX_FAILED_LINES + 5 }, (_, i) => ko(String(i)));
    const lines = new URL(
      backTo('/l', {}, failed, () => ''),
      'http://x',
    ).searchParams.getAll('failed');
    expect(lines).toHaveLength(MAX_FAILED_LINES + 1);
    expect(lines.at(-1)).toBe('and 5 more not done');
  });
});

describe('shown', () => {
  it.each([
    [null, { short: '', empty: true }],
    ['', { short: '', empty: true }],
    [0, { short: '0', empty: false }],
    ['Buyer', { short: 'Buyer', empty: false }],
    [{ a: 1 }, { short: '{ "a": 1 }', full: '{\n  "a": 1\n}', empty: false }],
    [
      'x'.repeat(SHORT_CHARS + 1),
      { short: `${'x'.repeat(SHORT_CHARS)}…`, full: 'x'.repeat(SHORT_CHARS + 1), empty: false },
    ],
    ['two\nlines', { short: 'two lines', full: 'two\nlines', empty: false }],
  ])('%j', (value, expected) => {
    expect(shown(value)).toEqual(expected);
  });
});
