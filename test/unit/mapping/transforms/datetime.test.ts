import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MappingValue } from '../../../../src/mapping/transforms/index.ts';
import { argProblems, build, transformError } from './build.ts';

const ODOO_TO_ISO = { from: 'odoo', to: 'iso' };

describe('datetime', () => {
  it.each([
    [ODOO_TO_ISO, '2024-03-05 14:07:09', '2024-03-05T14:07:09.000Z'],
    [undefined, '2024-03-05 14:07:09', '2024-03-05T14:07:09.000Z'],
    [undefined, '2024-03-05T15:07:09+01:00', '2024-03-05T14:07:09.000Z'],
    [undefined, '2024-03-05T14:07:09.123Z', '2024-03-05T14:07:09.123Z'],
    [undefined, '1709647629123', '2024-03-05T14:07:09.123Z'],
    [undefined, 1709647629123, '2024-03-05T14:07:09.123Z'],
    [undefined, '2024-03-05T14:07:09', '2024-03-05T14:07:09.000Z'],
    [{ zone: 'Europe/Paris' }, '2024-03-05T15:07:09', '2024-03-05T15:07:09.000+01:00'],
    [{ fromZone: 'Europe/Paris' }, '2024-07-05T15:07:09', '2024-07-05T13:07:09.000Z'],
    [{ from: 'iso', to: 'odoo' }, '2024-03-05T14:07:09.999Z', '2024-03-05 14:07:09'],
    [{ from: 'iso', to: 'odoo' }, '2024-03-05T23:30:00-05:00', '2024-03-06 04:30:00'],
    [{ to: 'epoch-ms' }, '2024-03-05T14:07:09.123Z', 1709647629123],
    [{ to: 'epoch-s' }, '2024-03-05T14:07:09.999Z', 1709647629],
    [{ from: 'epoch-s', to: 'iso' }, '1709647629', '2024-03-05T14:07:09.000Z'],
    [{ from: 'dd/MM/yyyy HH:mm', zone: 'Europe/Paris', toZone: 'UTC' }, '31/12/2024 10:00', '2024-12-31T09:00:00.000Z'],
    [{ to: 'dd/MM/yyyy HH:mm', toZone: 'America/New_York' }, '2024-07-01T12:00:00Z', '01/07/2024 08:00'],
    [undefined, '', null],
    [undefined, null, null],
  ] as [unknown, MappingValue, MappingValue][])('%j: %j -> %j', (args, input, output) => {
    expect(build('datetime', args).forward(input)).toBe(output);
  });

  it.each([
    [
      { fromZone: 'Europe/Paris' },
      '2024-10-27T02:30:00',
      '2024-10-27T01:30:00.000Z',
      'an hour that happens twice in autumn takes the later (winter) offset',
    ],
    [
      { fromZone: 'Europe/Paris' },
      '2024-03-31T02:30:00',
      '2024-03-31T01:30:00.000Z',
      'a spring-gap hour moves forward to 03:30 CEST',
    ],
    [
      { fromZone: 'America/Sao_Paulo' },
      '2024-01-15T12:00:00',
      '2024-01-15T15:00:00.000Z',
      'no DST in Brazil since 2019',
    ],
  ] as [unknown, MappingValue, MappingValue, string][])('time zones: %j %j -> %j (%s)', (args, input, output) => {
    expect(build('datetime', args).forward(input)).toBe(output);
  });

  it.each([
    [
      ODOO_TO_ISO,
      '2024-02-30 10:00:00',
      'datetime: "2024-02-30 10:00:00" is not an Odoo date-time (YYYY-MM-DD HH:MM:SS, UTC)',
    ],
    [
      ODOO_TO_ISO,
      '2024-03-05T14:07:09Z',
      'datetime: "2024-03-05T14:07:09Z" is not an Odoo date-time (YYYY-MM-DD HH:MM:SS, UTC)',
    ],
    [
      undefined,
      '2024-02-30T10:00:00Z',
      'datetime: "2024-02-30T10:00:00Z" is not an ISO 8601 date-time (you specified 30 (of type number) as a day, which is invalid)',
    ],
    [
      undefined,
      'yesterday',
      'datetime: "yesterday" is not an ISO 8601 date-time (the input "yesterday" can\'t be parsed as ISO 8601)',
    ],
    [{ from: 'epoch-ms' }, '12h', 'datetime: "12h" is not an epoch time in milliseconds'],
    [undefined, true, 'datetime: expects a date-time, got boolean true'],
    [{ from: 'dd/MM/yyyy' }, '2024-01-01', 'datetime: "2024-01-01" does not match the pattern "dd/MM/yyyy"'],
  ] as [unknown, MappingValue, string][])('%j refuses %j', (args, input, message) => {
    expect(transformError(() => build('datetime', args).forward(input)).message).toBe(message);
  });

  it.each([
    [{ zone: 'Mars/Olympus' }, 'zone: "Mars/Olympus" is not an IANA time zone (e.g. Europe/Paris, UTC)'],
    [{ to: 'auto' }, 'to: "auto" can only read; name the output format (iso, odoo, epoch-ms, epoch-s or a pattern)'],
    [
      { from: 'banana' },
      'from: "banana" is neither auto, iso, odoo, epoch-ms, epoch-s nor a usable date pattern (e.g. dd/MM/yyyy HH:mm)',
    ],
    [
      { to: 'HH:mm' },
      'to: "HH:mm" is neither auto, iso, odoo, epoch-ms, epoch-s nor a usable date pattern (e.g. dd/MM/yyyy HH:mm)',
    ],
  ])('refuses arguments %j when the mapping loads', (args, problem) => {
    expect(argProblems('datetime', args)).toEqual([problem]);
  });

  it('writes back the other way: ISO -> Odoo for odoo -> iso', () => {
    expect(build('datetime', ODOO_TO_ISO).inverse('2024-03-05T15:07:09.500+01:00')).toBe('2024-03-05 14:07:09');
    expect(build('datetime', { from: 'epoch-ms', to: 'odoo' }).inverse('2024-03-05 14:07:09')).toBe(1709647629000);
    expect(build('datetime').inverse('2024-03-05T15:07:09+01:00')).toBe('2024-03-05T14:07:09.000Z');
  });

  it('compares instants, not spellings, at the precision both sides keep', () => {
    const { normalize } = build('datetime', ODOO_TO_ISO);
    const same = ['2024-03-05 14:07:09', '2024-03-05T14:07:09.456Z', '2024-03-05T15:07:09+01:00'].map(normalize);
    expect(new Set(same).size).toBe(1);
    expect(normalize('2024-03-05T14:07:10Z')).not.toBe(same[0]);
    const ms = build('datetime', { from: 'epoch-ms', to: 'iso' }).normalize;
    expect(ms('1709647629123')).toBe(ms('2024-03-05T14:07:09.123Z'));
    expect(ms('1709647629123')).not.toBe(ms('2024-03-05T14:07:09.124Z'));
  });

  it('reads a repeated autumn wall-clock time as the later, winter instant', () => {
    const paris = build('datetime', { from: 'epoch-ms', to: 'yyyy-MM-dd HH:mm', toZone: 'Europe/Paris' });
    // 2023-10-29 00:00Z (02:00 CEST) and 01:00Z (02:00 CET) are both "2023-10-29 02:00" in Paris.
    expect(paris.forward(Date.UTC(2023, 9, 29, 0))).toBe('2023-10-29 02:00');
    expect(paris.forward(Date.UTC(2023, 9, 29, 1))).toBe('2023-10-29 02:00');
    expect(paris.inverse('2023-10-29 02:00')).toBe(Date.UTC(2023, 9, 29, 1));
  });

  const instant = fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2099, 11, 31) });

  it.each([
    [ODOO_TO_ISO, 1000],
    [{ from: 'epoch-ms', to: 'iso' }, 1],
    [{ from: 'epoch-ms', to: 'iso', toZone: 'Asia/Kathmandu' }, 1],
    [{ from: 'epoch-ms', to: 'odoo' }, 1000],
    [{ from: 'epoch-ms', to: 'yyyy-MM-dd HH:mm', toZone: 'Europe/Paris' }, 60_000],
  ] as [unknown, number][])('%j round-trips any instant at its precision (property)', (args, precision) => {
    const { forward, inverse } = build('datetime', args);
    const toInput = build('datetime', {
      from: 'epoch-ms',
      to: (args as { from: string }).from === 'epoch-ms' ? 'epoch-ms' : 'odoo',
    }).forward;
    fc.assert(
      fc.property(instant, (ms) => {
        const truncated = Math.floor(ms / precision) * precision;
        const input = toInput(truncated);
        const written = forward(input);
        // A wall-clock time without an offset happens twice in the autumn repeated hour;
        // it is documented to read back as the later (winter) instant, so only that one
        // of the pair round-trips.
        const earlierTwin = toInput(truncated + 3_600_000);
        if (forward(earlierTwin) === written) {
          expect(inverse(written)).toBe(earlierTwin);
          return;
        }
        expect(inverse(written)).toBe(input);
      }),
      { numRuns: 200, examples: [[Date.UTC(2023, 9, 29, 0, 30)], [Date.UTC(2024, 2, 31, 1, 30)]] },
    );
  });
});

describe('date', () => {
  it.each([
    [undefined, '2024-03-05', '2024-03-05'],
    [undefined, '2024-03-05T23:30:00-05:00', '2024-03-06'],
    [{ zone: 'America/New_York' }, '2024-03-06T03:30:00Z', '2024-03-05'],
    [undefined, '1709596800000', '2024-03-05'],
    [{ from: 'epoch-ms', to: 'iso' }, 1709596800000, '2024-03-05'],
    [{ from: 'iso', to: 'epoch-ms' }, '2024-03-05', 1709596800000],
    [{ from: 'odoo', to: 'dd/MM/yyyy' }, '2024-03-05', '05/03/2024'],
    [{ from: 'dd.MM.yyyy', to: 'iso' }, '05.03.2024', '2024-03-05'],
    [undefined, '', null],
  ] as [unknown, MappingValue, MappingValue][])('%j: %j -> %j', (args, input, output) => {
    expect(build('date', args).forward(input)).toBe(output);
  });

  it.each([
    [undefined, '2023-02-29', 'date: "2023-02-29" is not a calendar date'],
    [{ from: 'dd/MM/yyyy' }, '31/02/2024', 'date: "31/02/2024" does not match the pattern "dd/MM/yyyy"'],
  ] as [unknown, MappingValue, string][])('%j refuses %j', (args, input, message) => {
    expect(transformError(() => build('date', args).forward(input)).message).toBe(message);
  });

  it('writes HubSpot date properties as midnight UTC and reads them back (property)', () => {
    const { forward, inverse } = build('date', { from: 'iso', to: 'epoch-ms' });
    const day = fc
      .integer({ min: 0, max: 60_000 })
      .map((d) => new Date(Date.UTC(1970, 0, 1 + d)).toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, (iso) => {
        const ms = forward(iso) as number;
        expect(ms % 86_400_000).toBe(0);
        expect(inverse(ms)).toBe(iso);
      }),
    );
  });

  it('round-trips through a day-first pattern (property)', () => {
    const { forward, inverse } = build('date', { from: 'iso', to: 'dd/MM/yyyy' });
    const day = fc
      .integer({ min: 0, max: 40_000 })
      .map((d) => new Date(Date.UTC(1970, 0, 1 + d)).toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, (iso) => {
        expect(inverse(forward(iso))).toBe(iso);
      }),
    );
  });

  it('"2024-03-05" and HubSpot 1709596800000 compare equal', () => {
    const { normalize } = build('date', { from: 'epoch-ms', to: 'iso' });
    expect(normalize('1709596800000')).toBe(normalize('2024-03-05'));
  });
});
