/**
 * The three-way merge of one linked pair (ARCHITECTURE, Conflicts; invariant 5): for
 * each mapped field, what each side holds now is compared with the snapshot of the
 * last sync, and the merge decides what flows where:
 *
 * - neither side changed: nothing (this is also how an echo of our own write looks);
 * - one side changed: its value flows, if the field flows from that side and the other
 *   side does not already hold the same;
 * - both changed, to values that mean the same: nothing;
 * - both changed differently: the field's `owner` wins, else the mapping's rule:
 *   `newest` (per-field times where the API gives them, else the records' modified
 *   times; a tie goes to the CRM, so the answer is the same every time), `prefer
 *   crm|erp`, or `manual` (nothing is written, the field is parked as a conflict, until a
 *   person chooses a side: `decided`).
 *
 * A derived field (an aggregate over other records) is recomputed on every merge and
 * written when the other side does not hold the result yet.
 *
 * Without a snapshot (a pair linked for the first time) every value is compared with
 * empty: a side with a value "changed", so a field one side leaves empty takes the
 * other's value, and two different values go through the rules above.
 *
 * Pure: no I/O, no clock. The engine passes `agree`, which translates one side's value
 * for the other and compares (it has the resolver); without it, values of the two
 * sides are never taken to agree.
 */
import type { Side } from '../mapping/spec.ts';
import type { MappingValue } from '../mapping/transforms/index.ts';
import type { CompiledMapping } from '../mapping/types.ts';

/** What is known of one side of the pair this time. */
export interface SideNow {
  /** Canonical values read now, by field rule name (`CanonicalRecord.values`); a field left out was not read. */
  readonly values: Readonly<Record<string, MappingValue>>;
  /** The record's last modification time, ISO 8601. */
  readonly modifiedAt: string;
  /** Per-field modification times by field rule name, where the API gives them (HubSpot property history). */
  readonly fieldModifiedAt?: Readonly<Record<string, string>>;
}

/** The canonical values of both sides at the last sync (the store's snapshot). */
export interface PairValues {
  readonly crm: Readonly<Record<string, MappingValue>>;
  readonly erp: Readonly<Record<string, MappingValue>>;
}

/** What {@link mergePair} compares. */
export interface MergeInput {
  /** The last-synced values; undefined for a pair linked for the first time. */
  readonly snapshot: PairValues | undefined;
  /** The CRM record now; undefined when it was not read this time (counts as unchanged). */
  readonly crm: SideNow | undefined;
  /** The ERP record now; undefined when it was not read this time. */
  readonly erp: SideNow | undefined;
  /** Whether the two sides' current values of `field` mean the same (after translation). Default: never. */
  readonly agree?: (field: string) => boolean;
  /**
   * Fields a person decided (a parked conflict resolved through the CLI or admin API):
   * the chosen side's value is written to the other side unless the two already agree,
   * whatever the rules would say.
   */
  readonly decided?: Readonly<Record<string, Side>>;
}

/** The decision for one field. */
export interface FieldDecision {
  /** Field rule name. */
  readonly field: string;
  /** `push`: the value of `from` is written to the other side; `keep`: nothing is written; `conflict`: parked, nothing written. */
  readonly action: 'push' | 'keep' | 'conflict';
  /** The side whose value is pushed. */
  readonly from?: Side;
  /** The rule that decided, for the audit log: `only crm changed`, `owner erp`, `newest: ...`, `prefer crm`, `manual`, ... */
  readonly rule: string;
}

/** Every field's decision, and the fields grouped by what happens to them. */
export interface MergeResult {
  /** One per field rule of the mapping, in file order. */
  readonly decisions: readonly FieldDecision[];
  /** Fields whose CRM value goes to the ERP. */
  readonly toErp: readonly string[];
  /** Fields whose ERP value goes to the CRM. */
  readonly toCrm: readonly string[];
  /** Fields parked as conflicts (rule `manual`). */
  readonly conflicts: readonly string[];
}

const other = (side: Side): Side => (side === 'crm' ? 'erp' : 'crm');

function flowsFrom(mapping: CompiledMapping, field: string, side: Side): boolean {
  const flow = mapping.flow(field);
  return flow === 'both' || flow === `${side}->${other(side)}`;
}

/** The winner by time: per-field times when both sides have one, else the records' times; a tie goes to the CRM. */
function newest(field: string, crm: SideNow, erp: SideNow): { from: Side; rule: string } {
  const crmField = crm.fieldModifiedAt?.[field];
  const erpField = erp.fieldModifiedAt?.[field];
  const perField = crmField !== undefined && erpField !== undefined;
  const crmAt = perField ? crmField : crm.modifiedAt;
  const erpAt = perField ? erpField : erp.modifiedAt;
  const from: Side = Date.parse(erpAt) > Date.parse(crmAt) ? 'erp' : 'crm';
  const what = perField ? 'field times' : 'record times';
  return {
    from,
    rule: `newest (${what}: crm ${crmAt}, erp ${erpAt}${crmAt === erpAt ? ', a tie goes to the crm' : ''})`,
  };
}

function decide(mapping: CompiledMapping, input: MergeInput, field: string): FieldDecision {
  const changed = (side: Side): boolean => {
    const now = input[side];
    if (now === undefined || !Object.hasOwn(now.values, field)) return false;
    const base = input.snapshot?.[side][field] ?? null;
    return !mapping.equal(field, base, now.values[field] as MappingValue);
  };
  const chosen = input.decided?.[field];
  if (chosen !== undefined) {
    if (input.agree?.(field) === true)
      return { field, action: 'keep', rule: `manual: ${chosen} chosen, and the other side already agrees` };
    if (!flowsFrom(mapping, field, chosen))
      return { field, action: 'keep', rule: `manual: ${chosen} chosen, but the field does not flow from ${chosen}` };
    return { field, action: 'push', from: chosen, rule: `manual: ${chosen} chosen by a person` };
  }
  if (mapping.derived(field)) {
    // Worked out from other records (open invoices of a company): what it should be now is compared with what the
    // other side holds, never with a snapshot (the rows it sums change without the record changing).
    const from: Side = mapping.flow(field) === 'crm->erp' ? 'crm' : 'erp';
    if (input[from] === undefined)
      return { field, action: 'keep', rule: `derived from ${from}, which was not read this time` };
    if (input.agree?.(field) === true) return { field, action: 'keep', rule: 'derived: up to date' };
    return { field, action: 'push', from, rule: `derived from ${from}: recomputed` };
  }
  const crmChanged = changed('crm');
  const erpChanged = changed('erp');
  if (!crmChanged && !erpChanged) return { field, action: 'keep', rule: 'unchanged' };
  if (crmChanged !== erpChanged) {
    const side: Side = crmChanged ? 'crm' : 'erp';
    // The other side already holds the same (someone made the change there too, or a first sync finds them equal).
    if (input.agree?.(field) === true)
      return { field, action: 'keep', rule: `only ${side} changed, and the other side already agrees` };
    if (!flowsFrom(mapping, field, side))
      return { field, action: 'keep', rule: `only ${side} changed, and the field does not flow from ${side}` };
    return { field, action: 'push', from: side, rule: `only ${side} changed` };
  }
  if (input.agree?.(field) === true) return { field, action: 'keep', rule: 'both changed, to values that agree' };
  const fromCrm = flowsFrom(mapping, field, 'crm');
  const fromErp = flowsFrom(mapping, field, 'erp');
  if (fromCrm !== fromErp) {
    const side: Side = fromCrm ? 'crm' : 'erp';
    return { field, action: 'push', from: side, rule: `both changed; the field flows from ${side} only` };
  }
  const owner = mapping.owner(field);
  if (owner !== undefined) return { field, action: 'push', from: owner, rule: `both changed; owner ${owner}` };
  switch (mapping.conflicts) {
    case 'prefer crm':
      return { field, action: 'push', from: 'crm', rule: 'both changed; prefer crm' };
    case 'prefer erp':
      return { field, action: 'push', from: 'erp', rule: 'both changed; prefer erp' };
    case 'manual':
      return { field, action: 'conflict', rule: 'both changed; manual: parked for a person to decide' };
    case 'newest': {
      // Both changed, so both sides were read.
      const { from, rule } = newest(field, input.crm as SideNow, input.erp as SideNow);
      return { field, action: 'push', from, rule: `both changed; ${rule}` };
    }
  }
}

/** Merges one pair: a decision per field rule of `mapping`. */
export function mergePair(mapping: CompiledMapping, input: MergeInput): MergeResult {
  const decisions = mapping.fields.map((field) => decide(mapping, input, field));
  const pushed = (from: Side): string[] =>
    decisions.filter((d) => d.action === 'push' && d.from === from).map((d) => d.field);
  return {
    decisions,
    toErp: pushed('crm'),
    toCrm: pushed('erp'),
    conflicts: decisions.filter((d) => d.action === 'conflict').map((d) => d.field),
  };
}
