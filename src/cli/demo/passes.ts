/**
 * The demo's sync passes: real passes (src/sync/pass.ts, what `frontback sync` and the
 * runner of `frontback start` run) on the demo's store and connectors, with what the demo
 * tells about each kept: every record's outcome, what it wrote on each side, and the
 * records it read back that frontback itself had written (echoes: the pass after a write
 * sees that write come back, and does nothing when nothing else changed).
 */
import type { Connector } from '../../connector/index.ts';
import type { LoadedMapping } from '../../mapping/load.ts';
import type { Side } from '../../mapping/spec.ts';
import type { Store } from '../../store/store.ts';
import type { AppliedRecord } from '../../sync/apply.ts';
import { runPass, type PassReport } from '../../sync/pass.ts';
import { prepareMapping } from '../../sync/prepare.ts';
import { other, SIDES } from '../../sync/sides.ts';

/** Echoes of one pass: records it read that frontback had written since they were last read. */
export interface Echoes {
  /** Such records read back. */
  readonly readBack: number;
  /** Of those, skipped: nothing had changed since frontback's write (an echo suppressed). */
  readonly skipped: number;
  /** Ids of the others: changed again since frontback's write, so not an echo. */
  readonly changed: readonly string[];
}

/** One pass, as the demo tells it. */
export interface DemoPass {
  readonly mapping: string;
  readonly from: Side;
  readonly report: PassReport;
  /** Every record's outcome, in the order read. */
  readonly outcomes: readonly AppliedRecord[];
  /** Ids written on each side (created, updated, archived or deleted there). */
  readonly written: Readonly<Record<Side, readonly string[]>>;
  /** Ids created on each side. */
  readonly created: Readonly<Record<Side, readonly string[]>>;
  /** Ids archived or deleted on each side (a deletion followed). */
  readonly removed: Readonly<Record<Side, readonly string[]>>;
  readonly echoes: Echoes;
}

/** The ids a record's outcome wrote on each side. */
function writesOf(a: AppliedRecord): Record<Side, string | undefined> {
  const out: Record<Side, string | undefined> = { crm: undefined, erp: undefined };
  if (a.status !== 'applied' && a.status !== 'conflicted') return out;
  const { plan } = a;
  const partner = a.partnerId ?? plan.partnerId;
  for (const side of SIDES) {
    const id = side === plan.from ? plan.id : partner;
    const wrote = Object.keys(plan.patch[side]).length > 0 || (side !== plan.from && plan.action !== 'sync');
    if (wrote && id !== undefined) out[side] = id;
  }
  return out;
}

/** Runs the demo's passes and remembers what they wrote, to recognise it when it comes back. */
export class DemoPasses {
  /** Written by frontback and not read back since, by mapping and side. */
  private readonly pending = new Map<string, Set<string>>();

  constructor(
    private readonly parts: {
      store: Store;
      connectors: ReadonlyMap<string, Connector>;
      /** Re-read window behind each cursor, ms (`sync.overlapMinutes`). */
      overlapMs: number;
      pageSize?: number;
    },
  ) {}

  private sides(loaded: LoadedMapping): Record<Side, Connector> {
    const { crm, erp } = loaded.mapping.sides;
    const c = this.parts.connectors.get(crm.connection);
    const e = this.parts.connectors.get(erp.connection);
    if (!c || !e) throw new Error(`mapping ${loaded.mapping.id}: a connection has no connector`);
    return { crm: c, erp: e };
  }

  private written(mapping: string, side: Side): Set<string> {
    const key = `${mapping}:${side}`;
    let set = this.pending.get(key);
    if (!set) this.pending.set(key, (set = new Set()));
    return set;
  }

  /** Creates the custom fields the mapping needs (as `frontback sync` does before its first pass); answers them. */
  async prepare(loaded: LoadedMapping): Promise<string[]> {
    const made = await prepareMapping(loaded, this.sides(loaded));
    return [...made.crm, ...made.erp];
  }

  /** One real pass of `loaded` from `from`. */
  async run(loaded: LoadedMapping, from: Side): Promise<DemoPass> {
    const { mapping } = loaded;
    const connectors = this.sides(loaded);
    const outcomes: AppliedRecord[] = [];
    const report = await runPass(
      {
        mapping,
        connectors,
        store: this.parts.store,
        connections: { crm: mapping.sides.crm.connection, erp: mapping.sides.erp.connection },
      },
      from,
      {
        apply: true,
        actor: 'admin',
        overlapMs: this.parts.overlapMs,
        ...(this.parts.pageSize === undefined ? {} : { pageSize: this.parts.pageSize }),
        onPage: ({ applied }) => void outcomes.push(...applied),
      },
    );
    // Read back: a record of this side frontback wrote before this pass (the first time it is read since).
    const mine = this.written(mapping.id, from);
    let readBack = 0;
    let skipped = 0;
    const changed: string[] = [];
    for (const a of outcomes) {
      if (!mine.delete(a.plan.id)) continue;
      readBack += 1;
      if (a.status === 'skipped' && a.plan.action === 'skip' && !a.plan.wait) skipped += 1;
      else changed.push(a.plan.id);
    }
    const written: Record<Side, string[]> = { crm: [], erp: [] };
    const created: Record<Side, string[]> = { crm: [], erp: [] };
    const removed: Record<Side, string[]> = { crm: [], erp: [] };
    for (const a of outcomes) {
      const ids = writesOf(a);
      for (const side of SIDES) {
        const id = ids[side];
        if (id === undefined) continue;
        written[side].push(id);
        this.written(mapping.id, side).add(id);
        if (side !== other(a.plan.from)) continue;
        if (a.plan.action === 'create') created[side].push(id);
        if (a.plan.action === 'archive' || a.plan.action === 'delete') removed[side].push(id);
      }
    }
    return {
      mapping: mapping.id,
      from,
      report,
      outcomes,
      written,
      created,
      removed,
      echoes: { readBack, skipped, changed },
    };
  }
}
