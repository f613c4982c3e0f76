/**
 * The generated per-record loops (src/mapping/generate.ts) give exactly what the
 * shared loops of field-set.ts give: for every shipped mapping plus a mapping that
 * exercises every kind of rule, in both directions, on random records (values of
 * every type, fields missing, child rows), with a resolver that finds, misses and
 * throws. Also: what is written into the generated source, and the fallback when a
 * runtime refuses code generation.
 */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileMapping } from '../../../src/mapping/compile.ts';
import { SAFE_NAME } from '../../../src/mapping/generate.ts';
import { loadMappings } from '../../../src/mapping/load.ts';
import type { MappingSpec, Side } from '../../../src/mapping/spec.ts';
import type { CompiledMapping, Resolver, SourceRecord } from '../../../src/mapping/types.ts';
import { projectRoot } from '../../support/env.ts';
import { parse } from 'yaml';
import { mappingSpecSchema } from '../../../src/mapping/spec.ts';

/** Parsed, not loaded: its lookups name mappings that are not there (the loader would say so). */
const everyKind = (): MappingSpec => mappingSpecSchema.parse(parse(EVERY_KIND));

const EVERY_KIND = `id: every-kind
sides:
  crm: { connection: hubspot, object: contacts }
  erp: { connection: odoo, object: res.partner }
filter:
  crm: stage in ["a", "b"]
fields:
  - { crm: email, erp: email, transform: email }
  - { name: name, crm: first + " " + last, erp: name }
  - { name: joined, crm: first + last, erp: ref, flow: crm->erp }
  - { name: constant, crm: "false", erp: is_company, flow: crm->erp }
  - { name: computed, crm: 'size(tags) > 1 ? "many" : "few"', erp: comment, flow: crm->erp }
  - { crm: plain, erp: plain_out }
  - { crm: constructor, erp: ctor }
  - { crm: count, erp: count_out, transform: number }
  - { crm: flag, erp: flag_out, transform: boolean }
  - { crm: stage, erp: stage_id, values: { map: { a: A, b: B }, strict: true }, default: A }
  - { crm: country, erp: country_id, transform: country-code, lookup: { model: res.country, by: code } }
  - { crm: company, erp: parent_id, lookup: companies-partners }
  - { crm: kind, erp: kind_out, values: { map: { x: X, y: Y }, strict: false }, lookup: { model: res.kind, by: name } }
  - { crm: website, erp: website, transform: [trim, lower], flow: crm->erp }
  - { crm: note, erp: note, default: none }
children:
  - crm: items
    erp: lines
    fields:
      - { crm: sku, erp: product_id, lookup: products }
      - { crm: qty, erp: qty, transform: number }
      - { crm: label, erp: label }
`;

const VALUES = [
  'a',
  'b',
  'x',
  'y',
  'FR',
  'France',
  'Deutschland',
  '',
  ' ',
  '  Ann@Example.COM ',
  'true',
  'no',
  '12',
  '1.5',
  'abc',
  null,
  0,
  1,
  42.5,
  -3,
  true,
  false,
  [7, 'Seven'],
  [false, 'none'],
  { id: 9, name: 'Nine' },
  ['t1', 't2'],
] as const;

/** Every identifier a mapping's rules can read on `side` (expressions included), child collections separately. */
function fieldsRead(
  spec: MappingSpec,
  side: Side,
): { fields: string[]; children: { name: string; fields: string[] }[] } {
  const names = (rules: MappingSpec['fields']): string[] => [
    ...new Set(rules.flatMap((f) => (f[side] ?? '').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])),
  ];
  return {
    fields: [...names(spec.fields), 'tags', 'stage', 'hs_object_id', 'id'],
    children: (spec.children ?? []).map((c) => ({ name: c[side], fields: names(c.fields) })),
  };
}

function recordOf(fields: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.dictionary(
    fc.constantFrom(...fields),
    fc.oneof(fc.constantFrom(...VALUES), fc.string({ maxLength: 6 }), fc.integer()),
    { maxKeys: fields.length },
  );
}

function arbitraryRecord(spec: MappingSpec, side: Side): fc.Arbitrary<Record<string, unknown>> {
  const { fields, children } = fieldsRead(spec, side);
  const rows = children.map((c) =>
    fc.option(
      fc.oneof(fc.array(fc.option(recordOf(c.fields), { nil: null }), { maxLength: 3 }), fc.constant('not a list')),
      { nil: undefined },
    ),
  );
  return fc.tuple(recordOf(fields), fc.tuple(...rows)).map(([record, lists]) => {
    children.forEach((c, i) => {
      if (lists[i] !== undefined) record[c.name] = lists[i];
    });
    return record;
  });
}

/** Finds, misses and throws, depending on the value: the same answer for the same question. */
const resolver: Resolver = (lookup, value) => {
  const text = JSON.stringify(value) ?? '';
  if (text.includes('13')) throw new Error('resolver down');
  if (text.length % 3 === 0) return undefined;
  return `${lookup.kind}:${text}`;
};

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };
function attempt(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

function translate(mapping: CompiledMapping, record: SourceRecord, from: Side): Outcome {
  return attempt(() => {
    const canonical = mapping.toCanonical(record, from);
    const to = from === 'crm' ? 'erp' : 'crm';
    const result = mapping.toPatch(canonical, to, resolver);
    // A canonical record from elsewhere (a stored snapshot) and a traced run take the shared path: same patch.
    const stored = mapping.toPatch({ side: from, values: canonical.values }, to, resolver);
    const traced = mapping.toPatch(canonical, to, resolver, { trace: true });
    expect(JSON.stringify(stored.patch)).toBe(JSON.stringify(result.patch));
    expect(JSON.stringify(traced.patch)).toBe(JSON.stringify(result.patch));
    // Key order is part of the result: JSON text compares it.
    return { values: JSON.stringify(canonical.values), patch: JSON.stringify(result.patch), problems: result.problems };
  });
}

const shipped = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot });
const specs: [string, MappingSpec][] = [
  ...shipped.mappings.map((m): [string, MappingSpec] => [m.mapping.id, m.spec]),
  ['every-kind', everyKind()],
];

describe('generated loops = shared loops (property, every shipped mapping)', () => {
  it.each(specs)('%s', (_id, spec) => {
    const generated = compileMapping(spec);
    const shared = compileMapping(spec, { generate: false });
    if (!generated.ok || !shared.ok) throw new Error('does not compile');
    for (const side of ['crm', 'erp'] as const) {
      fc.assert(
        fc.property(arbitraryRecord(spec, side), (record) => {
          expect(translate(generated.mapping, record, side)).toEqual(translate(shared.mapping, record, side));
        }),
        { numRuns: 400 },
      );
    }
  });

  it('the every-kind mapping reaches every path: values, failures, child rows', () => {
    const spec = everyKind();
    const result = compileMapping(spec);
    if (!result.ok) throw new Error('does not compile');
    const record = {
      email: ' A@B.C ',
      first: 'Ann',
      last: '',
      tags: ['p', 'q'],
      plain: 'p',
      constructor: 'c',
      count: 'x',
      flag: 'maybe',
      stage: '',
      country: 'Atlantis',
      company: 13,
      kind: 'x',
      website: ' Example.COM ',
      note: '',
      items: [{ sku: '1', qty: '2', label: 'L' }, null],
    };
    const canonical = result.mapping.toCanonical(record, 'crm');
    const { patch, problems } = result.mapping.toPatch(canonical, 'erp', resolver);
    expect(patch).toMatchObject({
      email: 'a@b.c',
      name: 'Ann ',
      ref: 'Ann',
      is_company: false,
      comment: 'many',
      plain_out: 'p',
      ctor: 'c',
      stage_id: 'A',
      website: 'example.com',
      note: 'none',
    });
    expect(patch.lines).toHaveLength(2);
    expect(problems.map((p) => p.field).sort()).toEqual(['company', 'count', 'country', 'flag', 'kind', 'sku']);
    expect(problems.find((p) => p.field === 'company')?.message).toBe(
      'lookup companies-partners (crm id -> erp id): resolver down',
    );
  });
});

describe('generated source', () => {
  it('is built only from plain names: anything else keeps the shared loops', () => {
    expect(SAFE_NAME.test('email')).toBe(true);
    for (const name of ['a"b', "a'b", 'a b', 'a\nb', 'a-b', '1a', '', 'a;b', '${x}'])
      expect(SAFE_NAME.test(name), name).toBe(false);
    // A child collection under a name that is not plain: compiled, not generated, and still right.
    const spec = everyKind();
    const child = spec.children?.[0] as NonNullable<MappingSpec['children']>[number];
    const odd = compileMapping({ ...spec, children: [{ ...child, erp: 'order-line' }] });
    if (!odd.ok) throw new Error(odd.issues.map((i) => i.message).join('; '));
    expect(odd.generated).toBe(false);
    const canonical = odd.mapping.toCanonical({ items: [{ label: 'L' }] }, 'crm');
    expect(odd.mapping.toPatch(canonical, 'erp', resolver).patch).toEqual({
      is_company: false,
      'order-line': [{ label: 'L' }],
    });
  });

  it('is used by default and can be turned off per compile', () => {
    const spec = everyKind();
    expect(compileMapping(spec)).toMatchObject({ ok: true, generated: true });
    expect(compileMapping(spec, { generate: false })).toMatchObject({ ok: true, generated: false });
  });

  it('falls back to the shared loops when the runtime refuses code generation', () => {
    const script = `
      import { compileMapping } from './src/mapping/compile.ts';
      import { codeGenerationAllowed } from './src/mapping/generate.ts';
      import { loadMappings } from './src/mapping/load.ts';
      const loaded = loadMappings('mappings/hubspot-odoo', { cwd: process.cwd() }).mappings.find((m) => m.mapping.id === 'contacts-partners');
      const r = compileMapping(loaded.spec);
      const c = r.mapping.toCanonical({ email: ' A@B.C ', firstname: 'Ann', lastname: 'Lee', country: 'FR' }, 'crm');
      console.log(JSON.stringify({ allowed: codeGenerationAllowed(), generated: r.generated, patch: r.mapping.toPatch(c, 'erp', () => '75').patch }));
    `;
    type Answer = { allowed: boolean; generated: boolean; patch: unknown };
    const run = (flags: string[]): Answer =>
      JSON.parse(
        execFileSync(process.execPath, [...flags, '--import', 'tsx', '--input-type=module', '-e', script], {
          cwd: projectRoot,
          encoding: 'utf8',
        }),
      ) as Answer;
    const refused = run(['--disallow-code-generation-from-strings']);
    const normal = run([]);
    expect(refused).toMatchObject({ allowed: false, generated: false });
    expect(normal).toMatchObject({ allowed: true, generated: true });
    expect(refused.patch).toEqual(normal.patch);
    expect(refused.patch).toMatchObject({ email: 'a@b.c', name: 'Ann Lee', country_id: '75' });
  });
});
