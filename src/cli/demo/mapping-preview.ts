/**
 * Demo step: a dry run of one shipped mapping on one matched pair. The HubSpot
 * contact is translated into the patch Odoo would receive, and each field is
 * compared with what the Odoo partner holds now, with the mapping's normalised
 * equality (a formatting difference is not a change), then the three-way merge says
 * what it would decide on a first sync. Nothing is written.
 */
import type { Connector, SourceRecord } from '../../connector/index.ts';
import type { LoadedMapping } from '../../mapping/load.ts';
import type { MappingValue } from '../../mapping/transforms/index.ts';
import type { LookupRequest, Resolver } from '../../mapping/types.ts';
import { mergePair } from '../../sync/merge.ts';

/** Lookups the patch asked for, answered through the target connector before the real pass. */
async function answerReferences(
  erp: Connector,
  requests: Array<{ lookup: LookupRequest; value: MappingValue }>,
): Promise<Map<string, MappingValue>> {
  const answers = new Map<string, MappingValue>();
  for (const { lookup, value } of requests) {
    if (lookup.kind !== 'reference' || lookup.want !== 'id' || typeof value !== 'string') continue;
    const [hit] = await erp.find(lookup.model, { field: lookup.by, values: [value] });
    if (hit) answers.set(`${lookup.model}:${lookup.by}:${value}`, hit.id);
  }
  return answers;
}

function flat(record: SourceRecord, idField: string): Record<string, unknown> {
  return { ...record.fields, [idField]: record.id };
}

const show = (value: unknown): string => (value === undefined ? '(absent)' : JSON.stringify(value));

/** Prints the dry run; returns counts for the audit entry. */
export async function previewPair(
  loaded: LoadedMapping,
  crmRecord: SourceRecord,
  erpRecord: SourceRecord,
  erp: Connector,
  print: (line?: string) => void,
): Promise<{
  changes: number;
  agree: number;
  reformatted: number;
  leftOut: number;
  merge: { toErp: number; toCrm: number; conflicts: number };
}> {
  const { mapping } = loaded;
  const crm = flat(crmRecord, 'hs_object_id');
  const current = flat(erpRecord, 'id');
  const canonical = mapping.toCanonical(crm, 'crm');

  // Mappings do no I/O: a first pass collects the reference lookups, which are answered
  // through the Odoo connector, then the real pass runs with those answers.
  const asked: Array<{ lookup: LookupRequest; value: MappingValue }> = [];
  mapping.toPatch(canonical, 'erp', (lookup, value) => {
    asked.push({ lookup, value });
    return undefined;
  });
  const answers = await answerReferences(erp, asked);
  const resolver: Resolver = (lookup, value) =>
    lookup.kind === 'reference' ? answers.get(`${lookup.model}:${lookup.by}:${String(value)}`) : undefined;
  const result = mapping.toPatch(canonical, 'erp', resolver, { trace: true });

  const before = mapping.toCanonical(current, 'erp');
  const after = mapping.toCanonical({ ...current, ...result.patch }, 'erp');
  let changes = 0;
  let agree = 0;
  let reformatted = 0;
  const agreeing = new Set<string>();
  for (const t of result.trace ?? []) {
    if (t.outcome !== 'set') {
      const why = t.reason ?? t.outcome;
      print(
        `   ${t.field.padEnd(12)} left out: ${why}${why.includes('lookup companies-') ? ' (no links yet: the sync engine writes them)' : ''}`,
      );
      continue;
    }
    const proposed = result.patch[t.target];
    const now = current[t.target];
    const a = before.values[t.field];
    const b = after.values[t.field];
    // One-way rules (crm->erp) are not read back from Odoo: compare the raw values there.
    const same =
      a !== undefined && b !== undefined
        ? mapping.equal(t.field, a, b)
        : JSON.stringify(now ?? null) === JSON.stringify(proposed);
    if (same && JSON.stringify(now) !== JSON.stringify(proposed)) reformatted += 1;
    if (same) {
      agree += 1;
      agreeing.add(t.field);
    } else changes += 1;
    const verdict = same
      ? JSON.stringify(now) === JSON.stringify(proposed)
        ? 'same'
        : 'same after normalising'
      : 'would change';
    print(
      `   ${t.field.padEnd(12)} ${t.target.padEnd(11)} ${show(proposed).padEnd(34)} Odoo has ${show(now).padEnd(34)} ${verdict}`,
    );
  }
  const leftOut = (result.trace ?? []).filter((t) => t.outcome !== 'set').length;

  // What the engine's three-way merge would decide if the pair were linked now: a first
  // sync, so no snapshot; a value on one side fills the other, two different values go
  // through the mapping's rule (contacts-partners: newest).
  const merged = mergePair(mapping, {
    snapshot: undefined,
    crm: { values: canonical.values, modifiedAt: crmRecord.modifiedAt },
    erp: { values: before.values, modifiedAt: erpRecord.modifiedAt },
    agree: (field) => agreeing.has(field),
  });
  print(
    `   If they were linked now (first sync, no snapshot), the three-way merge would decide (conflicts: ${mapping.conflicts}):`,
  );
  const unwritable = new Set((result.trace ?? []).filter((t) => t.outcome !== 'set').map((t) => t.field));
  for (const d of merged.decisions) {
    if (d.action === 'keep' && d.rule === 'unchanged') continue;
    const what = d.action === 'push' ? `${d.from} -> ${d.from === 'crm' ? 'erp' : 'crm'}` : d.action;
    const note =
      d.action === 'push' && d.from === 'crm' && unwritable.has(d.field)
        ? ' (left out of the patch until its lookup finds something)'
        : '';
    print(`   ${d.field.padEnd(20)} ${what.padEnd(11)} ${d.rule}${note}`);
  }
  return {
    changes,
    agree,
    reformatted,
    leftOut,
    merge: { toErp: merged.toErp.length, toCrm: merged.toCrm.length, conflicts: merged.conflicts.length },
  };
}
