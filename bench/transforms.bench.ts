/**
 * Transform library throughput, one value per record: the phone transform (`e164`,
 * libphonenumber-js with full metadata) on its own line, as the mapping issue asks,
 * against plain `trim` measured in the same run; plus the other transforms a
 * contacts mapping uses (email, country, value map, Odoo date-time), each against
 * the same `trim` baseline. Inputs are generated deterministically (mixed national
 * and international spellings).
 */
import { TRANSFORMS, type MappingValue, type TransformFn } from '../src/mapping/transforms/index.ts';
import { median, measureRate, type BenchSuite, type CaseResult } from './harness.ts';

const ROUNDS = 5;
const VALUES = 20_000;
const NAME = 'transforms';
const BASELINE = 'trim (baseline)';

function compile(name: string, args?: unknown): TransformFn {
  const def = TRANSFORMS.get(name);
  if (def === undefined) throw new Error(`no transform ${name}`);
  return def.compile(def.args.parse(args));
}

function digits(i: number, n: number): string {
  return String((i * 7919 + 104_729) % 10 ** n).padStart(n, '0');
}

/** Phone numbers as people type them: French national, French international, US. */
function phones(): string[] {
  return Array.from({ length: VALUES }, (_, i) => {
    const d = digits(i, 8);
    switch (i % 4) {
      case 0:
        return `0${1 + (i % 5)} ${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4, 6)} ${d.slice(6)}`;
      case 1:
        return `+33 6 ${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4, 6)} ${d.slice(6)}`;
      case 2:
        return `+1 (415) 555-${d.slice(0, 4)}`;
      default:
        return `06.${d.slice(0, 2)}.${d.slice(2, 4)}.${d.slice(4, 6)}.${d.slice(6)}`;
    }
  });
}

async function rate(fn: TransformFn, inputs: readonly MappingValue[]): Promise<number[]> {
  return measureRate(ROUNDS, () => {
    let sink = 0;
    for (const v of inputs) if (fn(v) !== null) sink++;
    // Keeps the loop from being optimised away.
    if (sink < 0) throw new Error('unreachable');
    return Promise.resolve(inputs.length);
  });
}

async function caseOf(
  name: string,
  fn: TransformFn,
  inputs: readonly MappingValue[],
  baseline?: string,
): Promise<CaseResult> {
  const rounds = await rate(fn, inputs);
  return {
    benchmark: NAME,
    case: name,
    median: median(rounds),
    unit: 'records/s',
    rounds,
    ...(baseline ? { baseline } : {}),
  };
}

/** The phone transform's cost on its own line: `e164` records/s, with plain `trim` on the same inputs as the baseline. */
export async function benchPhone(): Promise<CaseResult[]> {
  const inputs = phones();
  const trim = await caseOf(BASELINE, compile('trim'), inputs);
  // onInvalid keep: a generated number that is not valid costs the same parse and
  // must not stop the loop.
  const e164 = await caseOf(
    'e164 (phone, default country FR)',
    compile('e164', { country: 'FR', onInvalid: 'keep' }),
    inputs,
    BASELINE,
  );
  return [trim, { ...e164, note: 'libphonenumber-js/max parse + isValid per value' }];
}

async function others(): Promise<CaseResult[]> {
  const emails = Array.from({ length: VALUES }, (_, i) => ` Contact.${i}@Example${i % 50}.COM `);
  const countries = Array.from(
    { length: VALUES },
    (_, i) => ['France', 'USA', 'Deutschland', 'GB', 'United States of America', 'Espagne'][i % 6] as string,
  );
  const stages = Array.from(
    { length: VALUES },
    (_, i) => ['appointmentscheduled', 'qualifiedtobuy', 'closedwon', 'closedlost'][i % 4] as string,
  );
  const odoo = Array.from({ length: VALUES }, (_, i) =>
    new Date(Date.UTC(2024, 0, 1) + i * 61_000).toISOString().slice(0, 19).replace('T', ' '),
  );
  const map = { appointmentscheduled: 'draft', qualifiedtobuy: 'sent', closedwon: 'sale', closedlost: 'cancel' };
  return [
    await caseOf('email', compile('email'), emails, BASELINE),
    await caseOf('country-code', compile('country-code'), countries, BASELINE),
    await caseOf('map (4 stages, strict)', compile('map', { map }), stages, BASELINE),
    await caseOf('datetime odoo -> iso', compile('datetime', { from: 'odoo', to: 'iso' }), odoo, BASELINE),
  ];
}

/** The `transforms` suite: {@link benchPhone}, then the other transforms against the same baseline. */
export const transformsSuite: BenchSuite = {
  name: NAME,
  async run() {
    return [...(await benchPhone()), ...(await others())];
  },
};
