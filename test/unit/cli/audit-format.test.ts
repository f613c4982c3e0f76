import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { CSV_HEADER, parseSince, toCsvLine, toJsonLine } from '../../../src/cli/audit-format.ts';
import { GENESIS_HASH, sealEntry } from '../../../src/store/audit/canonical.ts';

const now = new Date('2025-03-10T12:00:00.000Z');

describe('parseSince', () => {
  it.each([
    ['24h', '2025-03-09T12:00:00.000Z'],
    ['30m', '2025-03-10T11:30:00.000Z'],
    ['7d', '2025-03-03T12:00:00.000Z'],
    ['90s', '2025-03-10T11:58:30.000Z'],
    ['2025-03-01T00:00:00Z', '2025-03-01T00:00:00.000Z'],
    ['2025-03-01', '2025-03-01T00:00:00.000Z'],
  ])('%s', (input, expected) => {
    expect(parseSince(input, now)).toBe(expected);
  });

  it.each(['yesterday', '24', '10y', '2025-13-45'])('refuses %j', (input) => {
    expect(() => parseSince(input, now)).toThrow(InvalidArgumentError);
  });
});

describe('export lines', () => {
  const e = sealEntry(
    { action: 'failed', actor: 'poll', crmId: 'c,1', details: { message: 'said "no"\nagain' } },
    1,
    '2025-03-10T12:00:00.000Z',
    GENESIS_HASH,
  );

  it('writes one JSON object per line, without the canonical text', () => {
    const line = toJsonLine(e);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.trim()).not.toContain('\n');
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(parsed).toMatchObject({ seq: 1, crmId: 'c,1', hash: e.hash, details: { message: 'said "no"\nagain' } });
    expect(parsed).not.toHaveProperty('canonical');
  });

  it('quotes CSV cells with commas, quotes and newlines (RFC 4180)', () => {
    const line = toCsvLine(e);
    expect(CSV_HEADER.split(',')).toHaveLength(15);
    expect(line).toContain(',"c,1",');
    expect(line).toContain('"{""message"":""said \\""no\\""\\nagain""}"');
    expect(line.endsWith(`,${GENESIS_HASH},${e.hash}\n`)).toBe(true);
  });
});
