import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundHalfAway } from '../../../../src/mapping/transforms/number.ts';
import type { MappingValue } from '../../../../src/mapping/transforms/index.ts';
import { argProblems, build, transformError } from './build.ts';

describe('number', () => {
  it.each([
    [undefined, '10.0', 10],
    [undefined, ' -3.25 ', -3.25],
    [undefined, '+7', 7],
    [undefined, '.5', 0.5],
    [undefined, '1e3', 1000],
    [undefined, '-0', 0],
    [undefined, 12.5, 12.5],
    [undefined, '', null],
    [undefined, '   ', null],
    [undefined, null, null],
    [{ thousands: ',' }, '1,234,567.89', 1234567.89],
    [{ decimal: ',', thousands: '.' }, '1.234,5', 1234.5],
    [{ decimal: ',' }, '0,75', 0.75],
    [{ thousands: "'" }, "1'000", 1000],
  ] as [unknown, MappingValue, MappingValue][])('args %j: %j -> %j', (args, input, output) => {
    expect(build('number', args).forward(input)).toBe(output);
  });

  it.each([
    ['abc', 'number: "abc" is not a number'],
    ['0x10', 'number: "0x10" is not a number'],
    ['Infinity', 'number: "Infinity" is not a number'],
    ['1,234', 'number: "1,234" is not a number (thousands separators need the `thousands` argument)'],
    ['12 kg', 'number: "12 kg" is not a number'],
    [true, 'number: expects a number or numeric text, got boolean true'],
    [Number.NaN, 'number: expects a finite number, got NaN'],
  ] as [MappingValue, string][])('refuses %j: %s', (input, message) => {
    expect(transformError(() => build('number').forward(input)).message).toBe(message);
  });

  it.each([
    [undefined, 10, '10'],
    [undefined, '10.50', '10.5'],
    [{ decimal: ',' }, 1234.5, '1234,5'],
    [{ inverseAs: 'number' }, '10.0', 10],
    [undefined, null, null],
  ] as [unknown, MappingValue, MappingValue][])(
    'inverse with args %j: %j -> %j (HubSpot wants text)',
    (args, input, output) => {
      expect(build('number', args).inverse(input)).toBe(output);
    },
  );

  it('"10.0", "10" and 10 compare equal', () => {
    const { normalize } = build('number');
    expect(new Set(['10.0', '10', 10, ' 10.000 '].map(normalize))).toEqual(new Set([10]));
  });

  it('refuses the same thousands and decimal separator', () => {
    expect(argProblems('number', { thousands: '.', decimal: '.' })).toEqual([
      ': thousands and decimal separators must differ',
    ]);
  });

  it('round-trips every finite number through the inverse and back (property)', () => {
    const { forward, inverse } = build('number');
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const expected = Object.is(n, -0) ? 0 : n;
        expect(forward(inverse(n))).toBe(expected);
      }),
    );
  });

  it('round-trips numbers written with a decimal comma and thousands dots (property)', () => {
    const { forward, inverse } = build('number', { decimal: ',', thousands: '.' });
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 99 }), (whole, cents) => {
        const n = whole + (Math.sign(whole || 1) * cents) / 100;
        expect(forward(inverse(n))).toBe(n);
      }),
    );
  });
});

describe('round', () => {
  it.each([
    [undefined, 2.5, 3],
    [undefined, -2.5, -3],
    [undefined, 2.4999, 2],
    [{ decimals: 2 }, 1.005, 1.01],
    [{ decimals: 2 }, 2.675, 2.68],
    [{ decimals: 2 }, '19.999', 20],
    [{ decimals: 2 }, -0.001, 0],
    [{ decimals: 1 }, 1.45, 1.5],
    [{ decimals: 8 }, 1.23e-7, 1.2e-7],
    [{ decimals: 2 }, 1e21, 1e21],
    [{ decimals: 2 }, null, null],
  ] as [unknown, MappingValue, MappingValue][])('args %j: %j -> %j', (args, input, output) => {
    expect(build('round', args).forward(input)).toBe(output);
  });

  it('refuses more than 12 decimals and fractional decimals', () => {
    expect(argProblems('round', { decimals: 13 })).toHaveLength(1);
    expect(argProblems('round', { decimals: 1.5 })).toHaveLength(1);
  });

  it('matches decimal arithmetic on cents (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 999 }), (whole, thousandths) => {
        // whole + thousandths/1000 rounded to cents, computed on integers.
        const sign = whole < 0 ? -1 : 1;
        const milli = Math.abs(whole) * 1000 + thousandths;
        const cents = Math.floor(milli / 10) + (milli % 10 >= 5 ? 1 : 0);
        const value = Number(`${sign < 0 ? '-' : ''}${Math.abs(whole)}.${String(thousandths).padStart(3, '0')}`);
        const expected = (sign * cents) / 100;
        expect(roundHalfAway(value, 2)).toBe(expected === 0 ? 0 : expected);
      }),
    );
  });

  it('is idempotent (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }),
        fc.integer({ min: 0, max: 6 }),
        (n, d) => {
          const once = roundHalfAway(n, d);
          expect(roundHalfAway(once, d)).toBe(once);
        },
      ),
    );
  });
});
