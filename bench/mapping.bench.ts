/**
 * Mapping throughput: the shipped contacts mapping (mappings/hubspot-odoo/
 * contacts-partners.yaml), compiled, translating HubSpot contacts into Odoo
 * partner patches (filter + toCanonical + toPatch, lookups through an in-memory
 * resolver), against a hand-written TypeScript function doing the same
 * translation and the same mapping written in JSONata, all in one run. Measured
 * without the two phone fields (the target: >= 500,000 records/s and >= 0.5x
 * hand-written); the full mapping with its phone fields (libphonenumber-js) is
 * reported on its own line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsonata from 'jsonata';
import { parse } from 'yaml';
import { compileMapping } from '../src/mapping/compile.ts';
import { loadMappings } from '../src/mapping/load.ts';
import { mappingSpecSchema, type MappingSpec } from '../src/mapping/spec.ts';
import { TRANSFORMS, type MappingValue, type TransformFn } from '../src/mapping/transforms/index.ts';
import type { CompiledMapping, Resolver } from '../src/mapping/types.ts';
import { measureInterleaved, measureRate, median, type BenchSuite, type CaseResult } from './harness.ts';

const NAME = 'mapping';
const FILE = 'mappings/hubspot-odoo/contacts-partners.yaml';
const ROUNDS = 9;
const RECORDS = 20_000;
const BASELINE = 'hand-written TypeScript (baseline)';
const PHONE_FIELDS = new Set(['phone', 'mobilephone']);

const COUNTRY_IDS: ReadonlyMap<string, string> = new Map([
  ['FR', '75'],
  ['DE', '57'],
  ['US', '233'],
  ['GB', '231'],
]);
const COMPANY_LINKS: ReadonlyMap<string, string> = new Map(
  Array.from({ length: 500 }, (_, i) => [String(1000 + i), String(i + 1)]),
);

const resolver: Resolver = (lookup, value) => {
  if (lookup.kind === 'reference') return COUNTRY_IDS.get(String(value));
  if (lookup.kind === 'link') return COMPANY_LINKS.get(String(value));
  return undefined;
};

const COUNTRIES = ['France', 'FR', 'Germany', 'United States', 'GB', 'Deutschland', ''];
const STAGES = ['customer', 'opportunity', 'lead', 'salesqualifiedlead'];

/** HubSpot contacts as the connector delivers them (strings everywhere, some fields empty). */
function records(): Record<string, unknown>[] {
  return Array.from({ length: RECORDS }, (_, i) => ({
    hs_object_id: String(50_000 + i),
    email: i % 7 === 0 ? ` User${i}@Example.COM ` : `user${i}@example.com`,
    firstname: `First${i % 300}`,
    lastname: i % 11 === 0 ? '' : `Last${i % 700}`,
    phone: `01 ${String(20 + (i % 70)).padStart(2, '0')} 45 67 ${String(i % 100).padStart(2, '0')}`,
    mobilephone: i % 3 === 0 ? '' : `+33 6 12 34 ${String(i % 100).padStart(2, '0')} 78`,
    jobtitle: i % 4 === 0 ? '' : 'Buyer',
    address: `${i % 90} rue de la Paix`,
    city: 'Paris',
    zip: '75002',
    country: COUNTRIES[i % COUNTRIES.length],
    associatedcompanyid: String(1000 + (i % 600)),
    lifecyclestage: STAGES[i % STAGES.length],
  }));
}

function loadSpec(withPhone: boolean): MappingSpec {
  const spec = mappingSpecSchema.parse(parse(readFileSync(join(process.cwd(), FILE), 'utf8')));
  return withPhone ? spec : { ...spec, fields: spec.fields.filter((f) => !PHONE_FIELDS.has(f.crm ?? '')) };
}

function compiled(withPhone: boolean, generate = true): CompiledMapping {
  const result = compileMapping(loadSpec(withPhone), { generate });
  if (!result.ok) throw new Error(`${FILE} does not compile: ${result.issues.map((i) => i.message).join('; ')}`);
  return result.mapping;
}

function transform(name: string): TransformFn {
  const def = TRANSFORMS.get(name);
  if (!def) throw new Error(`no transform ${name}`);
  return def.compile(def.args.parse(undefined));
}

/** The same translation, written by hand: what a developer would write without a mapping engine. */
function handWritten(): (record: Record<string, unknown>) => Record<string, unknown> | undefined {
  const countryCode = transform('country-code');
  const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  const stages = new Set(['customer', 'opportunity', 'salesqualifiedlead']);
  return (r) => {
    if (!stages.has(r.lifecyclestage as string)) return undefined;
    const email = text(r.email);
    const first = text(r.firstname);
    const last = text(r.lastname);
    const name = first === null ? last : last === null ? `${first} ` : `${first} ${last}`;
    const country = text(r.country);
    const company = text(r.associatedcompanyid);
    const patch: Record<string, unknown> = {
      email: email === null ? null : email.trim().toLowerCase(),
      name: name === null || name.trim() === '' ? null : name,
      is_company: false,
      function: text(r.jobtitle),
      street: text(r.address),
      city: text(r.city),
      zip: text(r.zip),
    };
    if (country === null) patch.country_id = null;
    else {
      const id = COUNTRY_IDS.get(countryCode(country) as string);
      if (id !== undefined) patch.country_id = id;
    }
    if (company === null) patch.parent_id = null;
    else {
      const id = COMPANY_LINKS.get(company);
      if (id !== undefined) patch.parent_id = id;
    }
    return patch;
  };
}

const JSONATA = `lifecyclestage in ["customer", "opportunity", "salesqualifiedlead"] ? {
  "email": email ? $lowercase($trim(email)) : null,
  "name": (firstname or lastname) ? $join([firstname ? firstname : "", lastname ? lastname : ""], " ") : null,
  "is_company": false,
  "function": jobtitle ? jobtitle : null,
  "street": address ? address : null,
  "city": city ? city : null,
  "zip": zip ? zip : null,
  "country_id": country ? $countryId(country) : null,
  "parent_id": associatedcompanyid ? $companyId(associatedcompanyid) : null
}`;

/** One pass of `translate` over `inputs`; returns how many records it handled. */
function pass(
  inputs: readonly Record<string, unknown>[],
  translate: (r: Record<string, unknown>) => unknown,
): () => number {
  return () => {
    let sink = 0;
    for (const r of inputs) if (translate(r) !== undefined) sink++;
    if (sink < 0) throw new Error('unreachable');
    return inputs.length;
  };
}

function viaMapping(mapping: CompiledMapping): (r: Record<string, unknown>) => unknown {
  return (r) =>
    mapping.accepts(r, 'crm') ? mapping.toPatch(mapping.toCanonical(r, 'crm'), 'erp', resolver).patch : undefined;
}

/**
 * A process runs every mapping, not one: run the other shipped mappings' examples
 * through the engine first, so that whatever the mappings share (transforms, the
 * fallback loops, expression closures) has seen more than the contacts mapping.
 */
function warmOtherMappings(): void {
  const { mappings } = loadMappings('mappings/hubspot-odoo', { cwd: process.cwd() });
  for (const { mapping, spec } of mappings) {
    if (mapping.id === 'contacts-partners') continue;
    for (let i = 0; i < 20_000; i++) {
      for (const example of spec.examples ?? []) {
        const to = example.from === 'crm' ? 'erp' : 'crm';
        if (mapping.accepts(example.input, example.from))
          mapping.toPatch(mapping.toCanonical(example.input, example.from), to, resolver);
      }
    }
  }
}

function result(name: string, rounds: number[], extra: Partial<CaseResult> = {}): CaseResult {
  return { benchmark: NAME, case: name, median: median(rounds), unit: 'records/s', rounds, ...extra };
}

export const mappingSuite: BenchSuite = {
  name: NAME,
  async run() {
    const inputs = records();
    const withoutPhone = compiled(false);
    const hand = handWritten();
    const countryCode = transform('country-code');
    const expression = jsonata(JSONATA);
    expression.registerFunction(
      'countryId',
      (c: string) => COUNTRY_IDS.get(countryCode(c as MappingValue) as string),
      '<s:s>',
    );
    expression.registerFunction('companyId', (c: string) => COMPANY_LINKS.get(c), '<s:s>');
    // The three must agree before their speed means anything.
    for (const r of inputs.slice(0, 500)) {
      const a = JSON.stringify(viaMapping(withoutPhone)(r));
      const b = JSON.stringify(hand(r));
      if (a !== b) throw new Error(`mapping and hand-written disagree on ${JSON.stringify(r)}:\n${a}\n${b}`);
      const c = JSON.stringify(await expression.evaluate(r));
      if (a !== c) throw new Error(`mapping and JSONata disagree on ${JSON.stringify(r)}:\n${a}\n${c}`);
    }
    warmOtherMappings();
    // Interleaved rounds of at least 200 ms each: the ratio is taken from the same moments of a noisy machine.
    const rates = measureInterleaved(
      {
        hand: pass(inputs, hand),
        compiled: pass(inputs, viaMapping(withoutPhone)),
        shared: pass(inputs, viaMapping(compiled(false, false))),
        phone: pass(inputs, viaMapping(compiled(true))),
      },
      { rounds: ROUNDS, roundMs: 200, warmupMs: 500 },
    );
    // JSONata 2 evaluates asynchronously, so it cannot take part in the synchronous rounds.
    const jsonataRounds = await measureRate(5, async () => {
      const slice = inputs.slice(0, RECORDS / 4);
      for (const r of slice) await expression.evaluate(r);
      return slice.length;
    });
    const out: CaseResult[] = [
      result(BASELINE, rates.hand as number[]),
      result(`${FILE} compiled, without phone fields`, rates.compiled as number[], {
        baseline: BASELINE,
        target: 500_000,
        ratioTarget: 0.5,
      }),
      result(`${FILE} compiled, without phone fields, shared loops (no code generation)`, rates.shared as number[], {
        baseline: BASELINE,
        note: 'what a runtime that refuses code generation gets',
      }),
      result(`${FILE} in JSONata, without phone fields`, jsonataRounds, {
        baseline: BASELINE,
        note: 'measured after the others (JSONata evaluates asynchronously)',
      }),
      result(`${FILE} compiled, with phone + mobilephone (e164)`, rates.phone as number[], {
        baseline: BASELINE,
        note: 'libphonenumber-js dominates',
      }),
    ];
    return out;
  },
};
