/**
 * Partners of a page's unlinked records, as a pure function of the candidates the load
 * phase found: rules in order, keys read alike on both sides, ambiguity and taken
 * partners never linked, two claimants of one partner: the first wins.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { SourceRecord } from '../../../src/connector/index.ts';
import { compileMapping } from '../../../src/mapping/compile.ts';
import { mappingSpecSchema } from '../../../src/mapping/spec.ts';
import type { Link } from '../../../src/store/link-repository.ts';
import { matchPartners } from '../../../src/sync/partners.ts';

const result = compileMapping(
  mappingSpecSchema.parse(
    parse(`id: companies
sides:
  crm: { connection: crm, object: companies }
  erp: { connection: erp, object: partners }
match:
  - { crm: domain, erp: website, normalize: [trim, lower] }
  - { crm: name, erp: name, normalize: [trim, lower] }
fields:
  - { crm: name, erp: name }
`),
  ),
);
if (!result.ok) throw new Error('mapping');
const rules = result.mapping.matchRules;
const rec = (id: string, object: string, fields: Record<string, unknown>, archived = false): SourceRecord => ({
  id,
  object,
  modifiedAt: '2026-01-01T00:00:00.000Z',
  fields,
  ...(archived ? { archived } : {}),
});
const crm = (id: string, fields: Record<string, unknown>): SourceRecord => rec(id, 'companies', fields);
const erp = (id: string, fields: Record<string, unknown>, archived = false): SourceRecord =>
  rec(id, 'partners', fields, archived);
const link = (crmId: string, erpId: string): Link => ({
  id: `L${crmId}`,
  mappingId: 'companies',
  crmId,
  erpId,
  createdAt: '',
});

describe('matchPartners', () => {
  it('reads both sides through the rule, tries rules in order, and says why a record waits', () => {
    const records = [
      crm('1', { domain: ' ACME.test ', name: 'Acme' }),
      crm('2', { domain: 'none.test', name: 'Beta' }),
      crm('3', { domain: 'twice.test', name: 'Twice' }),
      crm('4', { domain: 'taken.test', name: 'Taken' }),
      crm('5', { domain: null, name: 'Gone' }),
      crm('6', {}),
    ];
    const candidates = new Map([
      // The candidate's value is normalised too: the vendor's search is not trusted to have compared alike.
      [
        0,
        [
          erp('e1', { website: 'acme.TEST' }),
          erp('e3', { website: 'twice.test' }),
          erp('e4', { website: 'twice.test ' }),
          erp('e5', { website: 'taken.test' }),
        ],
      ],
      [1, [erp('e2', { name: 'BETA' }), erp('e6', { name: 'gone' }, true)]],
    ]);
    const found = matchPartners({ from: 'crm', records, rules, candidates, taken: new Map([['e5', link('9', 'e5')]]) });
    expect(Object.fromEntries(found)).toEqual({
      '1': { partnerId: 'e1', rule: 'crm domain = erp website' },
      '2': { partnerId: 'e2', rule: 'name' },
      '3': {
        reason: '2 erp records match website = "twice.test": not linked automatically',
        wait: {
          kind: 'ambiguous',
          candidates: [
            { id: 'e3', rule: 'crm domain = erp website', key: 'twice.test' },
            { id: 'e4', rule: 'crm domain = erp website', key: 'twice.test' },
          ],
        },
      },
      '4': {
        reason: 'the erp record e5 matching website is already linked to 9',
        wait: { kind: 'ambiguous', candidates: [{ id: 'e5', rule: 'crm domain = erp website', key: 'taken.test' }] },
      },
      // An archived record is never a partner; matching one parks the record for a person (likely its twin).
      '5': {
        reason: 'matches archived erp record e6 (name): not linked or created automatically',
        wait: { kind: 'ambiguous', candidates: [{ id: 'e6', rule: 'name', key: 'gone' }] },
      },
      '6': {},
    });
  });

  it('two records claiming one partner: the first takes it, the other waits', () => {
    const records = [crm('1', { domain: 'same.test' }), crm('2', { domain: 'SAME.test' })];
    const found = matchPartners({
      from: 'crm',
      records,
      rules,
      candidates: new Map([[0, [erp('e1', { website: 'same.test' })]]]),
      taken: new Map(),
    });
    expect(found.get('1')).toEqual({ partnerId: 'e1', rule: 'crm domain = erp website' });
    expect(found.get('2')).toEqual({
      reason: 'matches erp record e1, as crm record 1 does: not linked automatically',
      wait: { kind: 'ambiguous', candidates: [{ id: 'e1', rule: 'crm domain = erp website', key: 'same.test' }] },
    });
  });

  it('a candidate its own side filter leaves out is never a partner, and says so', () => {
    const records = [crm('1', { domain: 'lead.test' }), crm('2', { domain: 'two.test' })];
    const candidates = new Map([
      [
        0,
        [
          erp('e1', { website: 'lead.test', kind: 'lead' }),
          erp('e2', { website: 'two.test', kind: 'lead' }),
          erp('e3', { website: 'two.test', kind: 'customer' }),
        ],
      ],
    ]);
    const found = matchPartners({
      from: 'crm',
      records,
      rules,
      candidates,
      taken: new Map(),
      accepts: (c) => c.fields.kind === 'customer',
    });
    expect(found.get('1')).toEqual({ reason: 'matches erp record e1, which the erp filter leaves out' });
    // Of two candidates for one key, the one the filter leaves out does not make it ambiguous.
    expect(found.get('2')).toEqual({ partnerId: 'e3', rule: 'crm domain = erp website' });
  });

  it('works the other way round (erp records looking for crm partners)', () => {
    const found = matchPartners({
      from: 'erp',
      records: [erp('e1', { website: 'x.test' })],
      rules,
      candidates: new Map([[0, [crm('1', { domain: 'X.TEST' })]]]),
      taken: new Map(),
    });
    expect(found.get('e1')).toEqual({ partnerId: '1', rule: 'crm domain = erp website' });
  });
});
