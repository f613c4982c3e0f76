/**
 * The decide phase as a pure function: one table row per action and reason (filtered,
 * archived with and without a link or a partner, waiting for a person, create keyed as the
 * target declares, creates the target or the other filter refuses, a first link, merge
 * outcomes), with no store and no connector: the inputs are what the load phase hands over.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { SourceRecord } from '../../../src/connector/index.ts';
import { compileMapping } from '../../../src/mapping/compile.ts';
import { mappingSpecSchema, type Side } from '../../../src/mapping/spec.ts';
import type { CompiledMapping, Resolver } from '../../../src/mapping/types.ts';
import type { Link } from '../../../src/store/link-repository.ts';
import type { Snapshot } from '../../../src/store/snapshot-repository.ts';
import { capabilitiesOf, type TargetCapabilities } from '../../../src/sync/capabilities.ts';
import { createKeyFor, decide, type DecideInput } from '../../../src/sync/decide.ts';
import type { LoadedRecord } from '../../../src/sync/load.ts';

function compile(extra: string): CompiledMapping {
  const spec = mappingSpecSchema.parse(
    parse(`id: people
sides:
  crm: { connection: crm, object: contacts }
  erp: { connection: erp, object: partners }
match:
  - { crm: email, erp: email, normalize: [trim, lower] }
filter:
  crm: stage == "customer"
conflicts: manual
${extra}
fields:
  - { crm: email, erp: email }
  - { crm: name, erp: name }
  - { crm: title, erp: function }
  - { crm: credit, erp: credit_limit, flow: erp->crm }
`),
  );
  const result = compileMapping(spec);
  if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('; '));
  return result.mapping;
}

const mapping = compile('deletes: archive');
const noErpCreates = compile('deletes: archive\ncreates: { crm: true, erp: false }');
const confirmed = (() => {
  const spec = mappingSpecSchema.parse(
    parse(`id: companies
sides:
  crm: { connection: crm, object: companies }
  erp: { connection: erp, object: partners }
match:
  - { crm: name, erp: name, normalize: company-name, confirm: [country] }
fields:
  - { crm: name, erp: name }
  - { crm: country, erp: country_code }
  - { crm: parent, erp: parent_id, lookup: groups, flow: crm->erp }
`),
  );
  const result = compileMapping(spec);
  if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('; '));
  return result.mapping;
})();
const at = '2026-12-01T10:00:00.000Z';
const crm = (id: string, fields: Record<string, unknown>, archived = false): SourceRecord => ({
  id,
  object: 'contacts',
  modifiedAt: at,
  fields: { stage: 'customer', ...fields },
  ...(archived ? { archived } : {}),
});
const erp = (id: string, fields: Record<string, unknown>, archived = false): SourceRecord => ({
  id,
  object: 'partners',
  modifiedAt: at,
  fields,
  ...(archived ? { archived } : {}),
});
const link: Link = { id: 'L1', mappingId: 'people', crmId: 'c1', erpId: 'e1', createdAt: at };
const snapshot = (crmValues: Record<string, unknown>, erpValues: Record<string, unknown>): Snapshot => ({
  linkId: 'L1',
  crm: crmValues as Snapshot['crm'],
  erp: erpValues as Snapshot['erp'],
  version: 3,
  updatedAt: at,
});
const none: Resolver = () => undefined;
const resolvers: Record<Side, Resolver> = { crm: none, erp: none };
const keyed = capabilitiesOf('partners', {
  name: 'partners',
  idField: 'id',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'external_id', type: 'string', externalId: true },
  ],
  archivable: true,
  createKey: { source: 'generated', field: 'external_id' },
});
const plain: TargetCapabilities = { object: 'partners', creatable: true, archivable: false, deletable: true };

interface Row {
  name: string;
  item: LoadedRecord;
  target?: TargetCapabilities;
  mapping?: CompiledMapping;
  decided?: Record<string, Side>;
  expect: {
    action: string;
    reason: RegExp | string;
    patch?: { crm?: Record<string, unknown>; erp?: Record<string, unknown> };
    createKey?: unknown;
    conflicts?: string[];
    wait?: { kind: string; candidates: number };
  };
}

const alice = { email: 'alice@x.test', name: 'Alice', title: 'Buyer' };
const ROWS: Row[] = [
  {
    name: 'filtered out by its side',
    item: { record: crm('c1', { ...alice, stage: 'lead' }), filtered: true, partner: {} },
    expect: { action: 'skip', reason: 'filtered out by the crm filter' },
  },
  {
    name: 'archived, never linked',
    item: {
      record: crm('c1', alice, true),
      filtered: false,
      partner: { reason: 'archived and never linked: nothing to do' },
    },
    expect: { action: 'skip', reason: 'archived and never linked: nothing to do' },
  },
  {
    name: 'archived, linked, partner live: archive it',
    item: {
      record: crm('c1', alice, true),
      filtered: false,
      link,
      partner: { partnerId: 'e1', rule: 'link' },
      partnerRecord: erp('e1', alice),
    },
    target: keyed,
    expect: { action: 'archive', reason: 'archived in crm; deletes: archive' },
  },
  {
    name: 'archived, linked, partner archived already (a deletion read again)',
    item: {
      record: crm('c1', alice, true),
      filtered: false,
      link,
      partner: { partnerId: 'e1', rule: 'link' },
      partnerRecord: erp('e1', alice, true),
    },
    target: keyed,
    expect: { action: 'skip', reason: 'archived in crm; the erp partner is archived already' },
  },
  {
    name: 'archived, linked, partner gone',
    item: { record: crm('c1', alice, true), filtered: false, link, partner: { partnerId: 'e1', rule: 'link' } },
    target: keyed,
    expect: { action: 'skip', reason: 'archived in crm; the erp partner is gone already' },
  },
  {
    name: 'archived, but the target cannot archive (declared by its connector)',
    item: {
      record: crm('c1', alice, true),
      filtered: false,
      link,
      partner: { partnerId: 'e1', rule: 'link' },
      partnerRecord: erp('e1', alice),
    },
    target: plain,
    expect: { action: 'skip', reason: 'archived in crm; deletes: archive, but erp partners cannot be archived' },
  },
  {
    name: 'archived with deletes: ignore',
    mapping: compile('deletes: ignore'),
    item: {
      record: crm('c1', alice, true),
      filtered: false,
      link,
      partner: { partnerId: 'e1', rule: 'link' },
      partnerRecord: erp('e1', alice),
    },
    expect: { action: 'skip', reason: 'archived; deletes: ignore' },
  },
  {
    name: 'waiting for a person: ambiguous match',
    item: {
      record: crm('c1', alice),
      filtered: false,
      partner: { reason: '2 erp records match email = "alice@x.test": not linked automatically' },
    },
    expect: { action: 'skip', reason: '2 erp records match email = "alice@x.test": not linked automatically' },
  },
  {
    name: 'linked partner gone',
    item: { record: crm('c1', alice), filtered: false, link, partner: { partnerId: 'e1', rule: 'link' } },
    expect: { action: 'skip', reason: 'the linked erp record e1 is gone' },
  },
  {
    name: 'no partner: create, keyed by a generated external id',
    item: { record: crm('c/1', alice), filtered: false, partner: {} },
    target: keyed,
    expect: {
      action: 'create',
      reason: 'no erp record matches: create one',
      patch: { erp: { email: 'alice@x.test', name: 'Alice', function: 'Buyer' } },
      createKey: { field: 'external_id', value: 'people_crm_c_1' },
    },
  },
  {
    name: 'no partner: create without a key where the target declares none',
    item: { record: crm('c1', alice), filtered: false, partner: {} },
    target: plain,
    expect: { action: 'create', reason: 'no erp record matches: create one', createKey: undefined },
  },
  {
    name: 'no partner, but the target does not allow creates',
    item: { record: crm('c1', alice), filtered: false, partner: {} },
    target: { ...plain, creatable: false },
    expect: { action: 'skip', reason: 'no erp record matches, and erp partners does not allow creates' },
  },
  {
    name: 'no partner, and nothing flows that way (an erp record of a crm-filtered mapping)',
    item: { record: erp('e9', { email: 'bob@x.test', name: 'Bob' }), filtered: false, partner: {} },
    expect: { action: 'skip', reason: 'no crm record matches, and one made from this would not pass the crm filter' },
  },
  {
    name: 'matched now, values differ only in case: linked, nothing written',
    item: {
      record: crm('c1', alice),
      filtered: false,
      partner: { partnerId: 'e1', rule: 'email' },
      partnerRecord: erp('e1', { email: 'ALICE@x.test', name: 'Alice', function: 'Buyer' }),
    },
    expect: {
      action: 'sync',
      reason: 'matched by email: linked now, already in agreement',
      patch: { crm: {}, erp: {} },
    },
  },
  {
    name: 'matched now, the erp lacks the title: it gets it',
    item: {
      record: crm('c1', alice),
      filtered: false,
      partner: { partnerId: 'e1', rule: 'email' },
      partnerRecord: erp('e1', { email: 'alice@x.test', name: 'Alice', credit_limit: 500 }),
    },
    expect: {
      action: 'sync',
      reason: 'matched by email: linked now',
      patch: { erp: { function: 'Buyer' }, crm: { credit: 500 } },
    },
  },
  {
    name: 'linked, nothing changed (an echo of our own write)',
    item: {
      record: crm('c1', alice),
      filtered: false,
      link,
      snapshot: snapshot(
        { email: 'alice@x.test', name: 'Alice', title: 'Buyer' },
        { email: 'alice@x.test', name: 'Alice', title: 'Buyer' },
      ),
      partner: { partnerId: 'e1', rule: 'link' },
      partnerRecord: erp('e1', { email: 'alice@x.test', name: 'Alice', function: 'Buyer' }),
    },
    expect: { action: 'skip', reason: 'nothing changed (or the change is already on both sides)' },
  },
  {
    name: 'linked, one side changed: it flows',
    item: {
      record: crm('c1', { ...alice, title: 'Head buyer' }),
      filtered: false,
      link,
      snapshot: snapshot(
        { email: 'alice@x.test', name: 'Alice', title: 'Buyer' },
        { email: 'alice@x.test', name: 'Alice', title: 'Buyer' },
      ),
      partner: { partnerId: 'e1', rule: 'link' },
      partnerRecord: erp('e1', { email: 'alice@x.test', name: 'Alice', function: 'Buyer' }),
    },
    expect: {
      action: 'sync',
      reason: 'changed since the last sync',
      patch: { erp: { function: 'Head buyer' }, crm: {} },
    },
  },
  {
    name: 'linked, both changed the same field (manual): parked, nothing written',
    item: {
      record: crm('c1', { ...alice, title: 'CRM title' }),
      filtered: false,
      link,
      snapshot: snapshot(
        { email: 'alice@x.test', name: 'Alice', title: 'Buyer' },
        { email: 'alice@x.test', name: 'Alice', title: 'Buyer' },
      ),
      partner: { partnerId: 'e1', rule: 'link' },
      partnerRecord: erp('e1', { email: 'alice@x.test', name: 'Alice', function: 'ERP title' }),
    },
    expect: { action: 'sync', reason: 'conflict parked', patch: { erp: {}, crm: {} }, conflicts: ['title'] },
  },
  {
    name: 'linked, a person chose the erp value of a parked field',
    decided: { title: 'erp' },
    item: {
      record: crm('c1', { ...alice, title: 'CRM title' }),
      filtered: false,
      link,
      snapshot: snapshot(
        { email: 'alice@x.test', name: 'Alice', title: 'Buyer' },
        { email: 'alice@x.test', name: 'Alice', title: 'Buyer' },
      ),
      partner: { partnerId: 'e1', rule: 'link' },
      partnerRecord: erp('e1', { email: 'alice@x.test', name: 'Alice', function: 'ERP title' }),
    },
    expect: {
      action: 'sync',
      reason: 'changed since the last sync',
      patch: { crm: { title: 'ERP title' }, erp: {} },
      conflicts: [],
    },
  },
  {
    name: 'linked, both sides made the same change: snapshot refreshed, nothing written',
    item: {
      record: crm('c1', { ...alice, title: 'Chief' }),
      filtered: false,
      link,
      snapshot: snapshot(
        { email: 'alice@x.test', name: 'Alice', title: 'Buyer' },
        { email: 'alice@x.test', name: 'Alice', title: 'Buyer' },
      ),
      partner: { partnerId: 'e1', rule: 'link' },
      partnerRecord: erp('e1', { email: 'alice@x.test', name: 'Alice', function: 'Chief' }),
    },
    expect: {
      action: 'sync',
      reason: 'changed, but nothing to write: the other side already agrees (snapshot refreshed)',
      patch: { crm: {}, erp: {} },
    },
  },
  {
    name: 'waiting for a person: the wait is carried with its candidates (parked, nothing written)',
    item: {
      record: crm('c1', alice),
      filtered: false,
      partner: {
        reason: '2 erp records match email = "alice@x.test": not linked automatically',
        wait: {
          kind: 'ambiguous',
          candidates: [
            { id: 'e1', rule: 'email' },
            { id: 'e2', rule: 'email' },
          ],
        },
      },
    },
    expect: {
      action: 'skip',
      reason: '2 erp records match email = "alice@x.test": not linked automatically',
      wait: { kind: 'ambiguous', candidates: 2 },
    },
  },
  {
    name: 'no partner, and the mapping does not create in that system: waits',
    mapping: noErpCreates,
    item: { record: crm('c1', alice), filtered: false, partner: {} },
    target: keyed,
    expect: {
      action: 'skip',
      reason: 'no erp record matches, and this mapping does not create in erp (creates.erp: false)',
      wait: { kind: 'waiting', candidates: 0 },
    },
  },
  {
    name: 'a person chose never: skipped for good, no wait',
    item: { record: crm('c1', alice), filtered: false, partner: { reason: 'never linked: decided by zoe' } },
    target: keyed,
    expect: { action: 'skip', reason: 'never linked: decided by zoe' },
  },
  {
    name: 'a create that needs a link not there yet (its group is not linked): waits rather than being made without it',
    mapping: confirmed,
    item: {
      record: {
        id: 'c7',
        object: 'companies',
        modifiedAt: at,
        fields: { name: 'Acme SAS', country: 'FR', parent: '99' },
      },
      filtered: false,
      partner: {},
    },
    target: keyed,
    expect: {
      action: 'skip',
      reason: /^waits for parent \(lookup groups \(crm id -> erp id\): nothing found for "99"\)$/,
      wait: { kind: 'waiting', candidates: 0 },
    },
  },
  {
    name: 'weak evidence (a name-only match) with countries that differ: ambiguous, for a person',
    mapping: confirmed,
    item: {
      record: { id: 'c7', object: 'companies', modifiedAt: at, fields: { name: 'Acme SAS', country: 'FR' } },
      filtered: false,
      partner: { partnerId: 'e7', rule: 'name', confirm: ['country'] },
      partnerRecord: erp('e7', { name: 'ACME', country_code: 'BE' }),
    },
    expect: {
      action: 'skip',
      reason: 'matched by name, but country (crm "FR", erp "BE") differ: weak evidence, a person decides',
      wait: { kind: 'ambiguous', candidates: 1 },
    },
  },
  {
    name: 'weak evidence with countries that agree: linked',
    mapping: confirmed,
    item: {
      record: { id: 'c7', object: 'companies', modifiedAt: at, fields: { name: 'Acme SAS', country: 'FR' } },
      filtered: false,
      partner: { partnerId: 'e7', rule: 'name', confirm: ['country'] },
      partnerRecord: erp('e7', { name: 'ACME', country_code: 'FR' }),
    },
    expect: { action: 'sync', reason: 'matched by name: linked now' },
  },
  {
    name: 'weak evidence where one side has no country: linked (nothing contradicts it)',
    mapping: confirmed,
    item: {
      record: { id: 'c7', object: 'companies', modifiedAt: at, fields: { name: 'Acme SAS', country: 'FR' } },
      filtered: false,
      partner: { partnerId: 'e7', rule: 'name', confirm: ['country'] },
      partnerRecord: erp('e7', { name: 'ACME' }),
    },
    expect: { action: 'sync', reason: 'matched by name: linked now' },
  },
];

describe('decide: one record, no store, no connector', () => {
  it.each(ROWS)('$name', (row) => {
    const input: DecideInput = {
      mapping: row.mapping ?? mapping,
      from: row.item.record.object === 'partners' ? 'erp' : 'crm',
      item: row.item,
      resolvers,
      target: row.target ?? plain,
      ...(row.decided ? { decided: row.decided } : {}),
    };
    const plan = decide(input);
    expect(plan.action).toBe(row.expect.action);
    if (typeof row.expect.reason === 'string') expect(plan.reason).toBe(row.expect.reason);
    else expect(plan.reason).toMatch(row.expect.reason);
    if (row.expect.patch?.crm) expect(plan.patch.crm).toEqual(row.expect.patch.crm);
    if (row.expect.patch?.erp) expect(plan.patch.erp).toEqual(row.expect.patch.erp);
    if ('createKey' in row.expect) expect(plan.createKey).toEqual(row.expect.createKey);
    if (row.expect.conflicts)
      expect(plan.decisions.filter((d) => d.action === 'conflict').map((d) => d.field)).toEqual(row.expect.conflicts);
    if (row.expect.wait)
      expect({ kind: plan.wait?.kind, candidates: plan.wait?.candidates.length }).toEqual(row.expect.wait);
    else expect(plan.wait).toBeUndefined();
    // The plan names the pair it is about.
    expect(plan.id).toBe(row.item.record.id);
    if (row.item.partner.partnerId !== undefined) expect(plan.partnerId).toBe(row.item.partner.partnerId);
  });
});

describe('createKeyFor: the create key as the target declares it', () => {
  it.each([
    { name: 'none declared', spec: undefined, patch: { email: 'a@x.test' }, expected: undefined },
    {
      name: 'generated, unsafe characters replaced',
      spec: { source: 'generated', field: 'frontback_key' } as const,
      patch: { email: 'ignored@x.test' },
      expected: { field: 'frontback_key', value: 'people_crm_a_b_c' },
    },
    {
      name: 'a natural key from the values written',
      spec: { source: 'field', field: 'email' } as const,
      patch: { email: 'a@x.test' },
      expected: { field: 'email', value: 'a@x.test' },
    },
    {
      name: 'a natural key left empty: not keyed',
      spec: { source: 'field', field: 'email' } as const,
      patch: { email: ' ' },
      expected: undefined,
    },
  ])('$name', ({ spec, patch, expected }) => {
    expect(createKeyFor(spec, 'people', 'crm', 'a/b.c', patch)).toEqual(expected);
  });

  it('a generated key whose field must be made first counts only once the object has it', () => {
    const ensure = { name: 'frontback_key', type: 'string' as const, unique: true };
    const before = capabilitiesOf('companies', {
      name: 'companies',
      idField: 'id',
      fields: [{ name: 'id', type: 'string' }],
      createKey: { source: 'generated', field: 'frontback_key', ensure },
    });
    const after = capabilitiesOf('companies', {
      name: 'companies',
      idField: 'id',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'frontback_key', type: 'string', externalId: true },
      ],
      createKey: { source: 'generated', field: 'frontback_key', ensure },
    });
    expect(before.createKey).toBeUndefined();
    expect(after.createKey).toEqual({ source: 'generated', field: 'frontback_key', ensure });
  });
});
