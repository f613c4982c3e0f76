import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalText, toHashedEntry } from '../../../src/store/audit/canonical.ts';
import type { AuditEntryInput } from '../../../src/store/audit-repository.ts';

// canonicalize is the RFC 8785 reference implementation by one of the RFC's authors;
// the hot path uses a faster serialiser, and this holds the two byte-for-byte equal.
const jsonChanges = fc.dictionary(fc.string(), fc.record({ before: fc.jsonValue(), after: fc.jsonValue() }), {
  maxKeys: 6,
});

const entryInput = fc.record({
  action: fc.constantFrom('applied', 'skipped', 'conflicted', 'failed'),
  actor: fc.constantFrom('poll', 'webhook', 'admin', 'replay', 'system'),
  runId: fc.option(fc.string(), { nil: undefined }),
  crmId: fc.option(fc.string(), { nil: undefined }),
  erpId: fc.option(fc.string(), { nil: undefined }),
  rule: fc.option(fc.string(), { nil: undefined }),
  changes: jsonChanges,
  details: fc.option(fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 }), { nil: undefined }),
}) as fc.Arbitrary<AuditEntryInput>;

describe('canonical text', () => {
  it('equals the RFC 8785 reference implementation for any entry', () => {
    fc.assert(
      fc.property(entryInput, fc.integer({ min: 1, max: 2 ** 40 }), (input, seq) => {
        const hashed = toHashedEntry(input, seq, '2026-11-27T10:00:00.000Z', 'a'.repeat(64));
        expect(canonicalText(hashed)).toBe(canonicalize(hashed));
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['unicode keys sort by UTF-16 code units', { '\u20ac': 1, '\ud83d\ude00': 2, a: 3, B: 4 }],
    ['numbers in ES6 form', { big: 1e21, small: 1e-7, neg0: -0, frac: 0.1 + 0.2 }],
    ['escapes', { s: 'line\nbreak "quoted" \u0001 \\ /' }],
  ])('matches the reference: %s', (_name, details) => {
    const hashed = toHashedEntry(
      { action: 'applied', actor: 'system', details },
      1,
      '2026-11-27T10:00:00.000Z',
      '0'.repeat(64),
    );
    expect(canonicalText(hashed)).toBe(canonicalize(hashed));
  });

  it('refuses values JSON cannot carry instead of writing null', () => {
    const hashed = toHashedEntry(
      { action: 'applied', actor: 'system', details: { n: Number.NaN } },
      1,
      '2026-11-27T10:00:00.000Z',
      '0'.repeat(64),
    );
    expect(() => canonicalText(hashed)).toThrow(/cannot be canonicalised/);
  });
});
