/**
 * The both-ways contract for every transform with an inverse: a value that went to
 * the other side, came back and went again arrives exactly as the first time, so a
 * both-ways field settles after one sync instead of ping-ponging.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TRANSFORMS, type MappingValue } from '../../../../src/mapping/transforms/index.ts';
import { build } from './build.ts';

const SAMPLES: Record<string, [args: unknown, inputs: MappingValue[]]> = {
  email: [undefined, [' A@B.com', 'x.y+z@Example.ORG', null]],
  number: [undefined, ['10.0', '-0.5', 3, '1e21', null]],
  boolean: [undefined, ['yes', 'N', 1, false, null]],
  template: [
    '{first} {last}',
    [
      { first: 'Jean', last: 'Luc Picard' },
      { first: 'Ann', last: null },
    ],
  ],
  concat: [
    { separator: ', ' },
    [
      ['a', 'b'],
      ['x', null, 'y'],
    ],
  ],
  split: [{ separator: ';' }, ['a; b;;c', 'one', null]],
  date: [{ from: 'epoch-ms', to: 'dd/MM/yyyy' }, [1709596800000, '1709596800000', null]],
  datetime: [
    { from: 'odoo', to: 'iso', toZone: 'Europe/Paris' },
    ['2024-03-31 01:30:00', '2024-10-27 00:30:00', '2024-10-27 01:30:00'],
  ],
  e164: [{ country: 'FR', inverseFormat: 'national' }, ['01 23 45 67 89', '+1 415 555 2671', '+44 20 7946 0958 ext 3']],
  'country-code': [{ names: { US: 'United States' } }, ['USA', 'Deutschland', 'Ivory Coast', 'gb']],
  'country-name': [{ lang: 'fr' }, ['DE', 'us', 'CIV']],
  map: [{ map: { a: 'x', b: 'y' }, ignoreCase: true }, ['A', 'b', ['a', 'B']]],
};

const invertible = [...TRANSFORMS.values()]
  .filter((t) => t.inverse !== undefined)
  .map((t) => t.name)
  .sort();

describe('there, back and there again', () => {
  it('covers every transform that has an inverse', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(invertible);
  });

  it.each(Object.entries(SAMPLES))('%s: forward(inverse(forward(x))) equals forward(x)', (name, [args, inputs]) => {
    const { forward, inverse } = build(name, args);
    for (const x of inputs) {
      const there = forward(x);
      expect(forward(inverse(there))).toEqual(there);
    }
  });

  it.each(Object.entries(SAMPLES))(
    '%s: the value that came back normalises like the original',
    (name, [args, inputs]) => {
      const { forward, inverse, normalize } = build(name, args);
      for (const x of inputs) expect(normalize(inverse(forward(x)))).toEqual(normalize(x));
    },
  );

  it('datetime between any two zones settles after one trip (property)', () => {
    const zones = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        (fromZone, toZone, seconds) => {
          const { forward, inverse } = build('datetime', { from: 'yyyy-MM-dd HH:mm:ss', to: 'iso', fromZone, toZone });
          const input = build('datetime', { from: 'epoch-s', to: 'yyyy-MM-dd HH:mm:ss', toZone: fromZone }).forward(
            seconds,
          );
          const there = forward(input);
          expect(forward(inverse(there))).toBe(there);
        },
      ),
      { numRuns: 300 },
    );
  });
});
