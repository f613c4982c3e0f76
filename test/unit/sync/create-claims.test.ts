/**
 * The pass-wide claim on creates: one create per match key in a pass, whichever page the
 * records are on; the others wait for the next pass. The guard's allowance is shared by
 * every page of the pass.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMappings } from '../../../src/mapping/load.ts';
import type { CompiledMapping } from '../../../src/mapping/types.ts';
import { CreateClaims } from '../../../src/sync/create-claims.ts';
import type { PlannedRecord } from '../../../src/sync/plan.ts';
import { projectRoot } from '../../support/env.ts';

const mapping: CompiledMapping = loadMappings(join(projectRoot, 'mappings/hubspot-odoo')).mappings.find(
  (m) => m.mapping.id === 'companies-partners',
)!.mapping;

function plan(id: string, fields: Record<string, unknown>, action: PlannedRecord['action'] = 'create'): PlannedRecord {
  return {
    from: 'crm',
    id,
    action,
    reason: action,
    decisions: [],
    patch: { crm: {}, erp: { name: fields.name } },
    problems: [],
    canonical: {},
    records: { crm: { id, object: 'companies', modifiedAt: '2026-01-01T00:00:00.000Z', fields } },
    createKey: { field: 'x_key', value: id },
  } as PlannedRecord;
}

describe('CreateClaims', () => {
  it('a second record with the same key, written differently, on another page, waits instead of creating', () => {
    const claims = new CreateClaims(mapping);
    const first = claims.gate([
      plan('1', { name: 'Acme', domain: 'acme.test' }),
      plan('2', { name: 'Other', domain: 'other.test' }),
    ]);
    expect(first.plans.map((p) => p.action)).toEqual(['create', 'create']);
    const second = claims.gate([plan('3', { name: 'Acme Works', domain: 'https://WWW.Acme.test/' })]);
    expect(second.plans[0]).toMatchObject({ action: 'skip', wait: { kind: 'waiting' } });
    expect(second.plans[0]?.reason).toContain('crm record 1');
    expect(second.plans[0]?.createKey).toBeUndefined();
    expect(claims.claimed).toBe(2);
  });

  it('by the second rule too (name without legal form), and within one page', () => {
    const claims = new CreateClaims(mapping);
    const page = claims.gate([
      plan('1', { name: 'Dupont SARL', domain: '' }),
      plan('2', { name: 'DUPONT', domain: '' }),
    ]);
    expect(page.plans.map((p) => p.action)).toEqual(['create', 'skip']);
  });

  it('the same record gated again (a page re-planned) keeps its own claim', () => {
    const claims = new CreateClaims(mapping);
    claims.gate([plan('1', { name: 'Acme', domain: 'acme.test' })]);
    expect(claims.gate([plan('1', { name: 'Acme', domain: 'acme.test' })]).plans[0]?.action).toBe('create');
  });

  it('non-creates go through untouched; the guard allowance is shared by all pages', () => {
    let read = 0;
    const claims = new CreateClaims(mapping, () => Math.floor(read / 2));
    read = 4;
    const a = claims.gate([
      plan('1', { name: 'A', domain: 'a.test' }),
      plan('2', { name: 'B', domain: 'b.test' }, 'sync'),
    ]);
    expect(a).toMatchObject({ guarded: false, unhandled: 0 });
    read = 6;
    const b = claims.gate([
      plan('3', { name: 'C', domain: 'c.test' }),
      plan('4', { name: 'D', domain: 'd.test' }),
      plan('5', { name: 'E', domain: 'e.test' }),
    ]);
    // Allowance 3 after 6 read: one create was made, two more fit, the third stops the page there.
    expect(b.guarded).toBe(true);
    expect(b.unhandled).toBe(1);
    expect(b.plans.map((p) => p.id)).toEqual(['3', '4']);
  });
});
