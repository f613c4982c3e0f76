/**
 * HubSpot's search index lags writes "by seconds" (CONNECTORS.md), and not by the same
 * time for every record: a search can already show a record changed later while one
 * changed earlier is still shown in its old version, or not at all when it is new. That
 * is why a change listing must re-read an overlap behind its cursor. With a lag set,
 * the sandbox's search sees each record as it was when its newest change visible so far
 * was indexed; batch read, list and get always see the record as it is now.
 *
 * The lag of each change is a deterministic function of (object, id, time), between 0
 * and `lagMs`, or whatever a test passes; 0 (the default) keeps search exact.
 */
import type { SandboxClock } from '../../../src/connector/sandbox/clock.ts';
import type { StoredRecord } from './data-store.ts';
import type { ObjectTypeDef } from './properties.ts';

/** What search sees of a record. */
export interface IndexedView {
  properties: Record<string, string>;
  archived: boolean;
  updatedAt: number;
}

/** The lag of one change, ms: a number (the maximum; each change gets 0..lag) or a function. */
export type SearchLag = number | ((type: string, id: string, changedAt: number) => number);

interface Entry {
  /** The version search shows now; null while a new record is not indexed yet. */
  visible: IndexedView | null;
  /** Newer versions and when each becomes visible, oldest first. */
  pending: { at: number; view: IndexedView }[];
}

const copy = (r: StoredRecord): IndexedView => ({
  properties: { ...r.properties },
  archived: r.archived,
  updatedAt: r.updatedAt,
});

/** A small stable hash (FNV-1a) for a deterministic per-change lag. */
function spread(text: string, max: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) % (max + 1);
}

/** The sandbox's search index: exact without a lag, lagging per change with one. */
export class SearchIndex {
  #lag: SearchLag = 0;
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly clock: SandboxClock) {}

  /** Sets the lag; 0 makes search exact again (and forgets what was pending). */
  setLag(lag: SearchLag): void {
    this.#lag = lag;
    if (lag === 0) this.#entries.clear();
  }

  /** The lag setting (a number, or `per-change function`). */
  get lag(): SearchLag {
    return this.#lag;
  }

  /** Called before `record` changes: search keeps showing this version until the change is indexed. */
  beforeChange(type: ObjectTypeDef, record: StoredRecord): void {
    if (this.#lag === 0) return;
    const key = `${type.name}:${record.id}`;
    if (!this.#entries.has(key)) this.#entries.set(key, { visible: copy(record), pending: [] });
  }

  /** Called after `record` changed (or was created): the new version becomes visible after the lag. */
  afterChange(type: ObjectTypeDef, record: StoredRecord, created = false): void {
    if (this.#lag === 0) return;
    const key = `${type.name}:${record.id}`;
    const entry = this.#entries.get(key) ?? { visible: created ? null : copy(record), pending: [] };
    const now = this.clock.now();
    const lag =
      typeof this.#lag === 'number'
        ? spread(`${key}:${now}`, this.#lag)
        : Math.max(0, this.#lag(type.name, record.id, now));
    // A later change is never indexed before an earlier one of the same record.
    const last = entry.pending[entry.pending.length - 1];
    entry.pending.push({ at: Math.max(now + lag, last?.at ?? 0), view: copy(record) });
    this.#entries.set(key, entry);
  }

  /** What search sees of `record` now; undefined when it is not indexed yet. */
  view(type: ObjectTypeDef, record: StoredRecord): IndexedView | undefined {
    const key = `${type.name}:${record.id}`;
    const entry = this.#entries.get(key);
    if (entry === undefined) return record;
    const now = this.clock.now();
    while (entry.pending.length > 0 && (entry.pending[0] as { at: number }).at <= now)
      entry.visible = (entry.pending.shift() as { view: IndexedView }).view;
    // Fully indexed: search sees the record itself again.
    if (entry.pending.length === 0) {
      this.#entries.delete(key);
      return record;
    }
    return entry.visible ?? undefined;
  }

  /** Forgets everything pending (a sandbox reset). */
  clear(): void {
    this.#entries.clear();
  }
}
