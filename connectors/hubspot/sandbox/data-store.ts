/**
 * The sandbox's in-memory CRM: records per object type with increasing numeric ids,
 * unique indexes (contact email, custom unique properties), and HubSpot's bookkeeping
 * (`hs_object_id`, create and last-modified dates from the sandbox clock). Every change
 * is announced to listeners with its `changeSource`, which is how webhooks learn of it.
 */
import type { SandboxClock } from '../../../src/connector/sandbox/clock.ts';
import { HubSpotApiError, hubspotErrors } from './errors.ts';
import type { ObjectTypeDef } from './properties.ts';
import { SearchIndex } from './search-index.ts';

/** One stored record. Property values are strings; an absent key means "no value". */
export interface StoredRecord {
  /** Numeric id as a string. */
  id: string;
  /** Property values. */
  properties: Record<string, string>;
  /** Creation time, epoch ms. */
  createdAt: number;
  /** Last modification time, epoch ms. */
  updatedAt: number;
  /** Archived (deleted into the recycle bin). */
  archived: boolean;
  /** When it was archived, epoch ms. */
  archivedAt?: number;
  /**
   * Each written property's past values, newest first (`propertiesWithHistory`); absent for
   * records inserted in bulk, whose values count as set at creation.
   */
  history?: Record<string, PropertyVersion[]>;
}

/** One past value of a property. */
export interface PropertyVersion {
  /** The value ('' once cleared). */
  value: string;
  /** When it was set, epoch ms. */
  timestamp: number;
  /** Who set it: the change source (`INTEGRATION`, `CRM_UI`, ...). */
  sourceType: string;
}

// The sandbox keeps the 20 newest versions of each property.
const HISTORY_DEPTH = 20;

function remember(record: StoredRecord, name: string, value: string, timestamp: number, sourceType: string): void {
  record.history ??= {};
  const versions = (record.history[name] ??= []);
  versions.unshift({ value, timestamp, sourceType });
  if (versions.length > HISTORY_DEPTH) versions.length = HISTORY_DEPTH;
}

/** A property's versions, newest first; a value without history counts as set when the record was created. */
export function propertyHistory(record: StoredRecord, name: string): PropertyVersion[] {
  const versions = record.history?.[name];
  if (versions !== undefined) return versions;
  const value = record.properties[name];
  return value === undefined ? [] : [{ value, timestamp: record.createdAt, sourceType: 'IMPORT' }];
}

/** A change announced to listeners. */
export interface StoreChange {
  /** What happened. */
  kind: 'creation' | 'propertyChange' | 'deletion' | 'restore' | 'merge';
  /** The object type. */
  type: ObjectTypeDef;
  /** The record's id. */
  id: string;
  /** Changed properties with their new value ('' when cleared), for creation and propertyChange. */
  changes: [string, string][];
  /** When, epoch ms. */
  occurredAt: number;
  /** HubSpot changeSource, e.g. INTEGRATION, CRM_UI. */
  source: string;
  /** For merges: the ids merged into `id`. */
  mergedIds?: string[];
}

/** Options of {@link HubSpotStore.bulkInsert}. */
export interface BulkInsertOptions {
  /** Creation time of every record, epoch ms; default the clock's now. */
  createdAt?: number;
  /** Last-modified time of every record, epoch ms; default createdAt. */
  modifiedAt?: number;
}

interface TypeData {
  byId: Map<string, StoredRecord>;
  /** Records in id order (ids only grow), for paging with binary search. */
  order: StoredRecord[];
  /** property -> normalised value -> id, for active records. */
  unique: Map<string, Map<string, string>>;
  nextId: number;
}

/** The in-memory record store of one HubSpot sandbox. */
export class HubSpotStore {
  private readonly types = new Map<string, ObjectTypeDef>();
  private readonly data = new Map<string, TypeData>();
  private readonly listeners: ((change: StoreChange) => void)[] = [];
  /** What search sees (lagging behind writes when a lag is set). */
  readonly searchIndex: SearchIndex;

  constructor(
    private readonly clock: SandboxClock,
    types: ObjectTypeDef[],
    private readonly portalId: number,
  ) {
    for (const t of types) this.addType(t);
    this.searchIndex = new SearchIndex(clock);
  }

  /** Registers an object type (custom objects). */
  addType(type: ObjectTypeDef): void {
    this.types.set(type.name, type);
    this.data.set(type.name, { byId: new Map(), order: [], unique: new Map(), nextId: 1 });
  }

  /** Finds a type by plural name, object type id, or `p{portalId}_{name}`; undefined when unknown. */
  resolveType(ref: string): ObjectTypeDef | undefined {
    const direct = this.types.get(ref);
    if (direct) return direct;
    const prefix = `p${this.portalId}_`;
    for (const t of this.types.values()) {
      if (t.objectTypeId === ref || (ref.startsWith(prefix) && ref.slice(prefix.length) === t.name)) return t;
    }
    return undefined;
  }

  /** Like {@link resolveType} but throws HubSpot's 400. */
  requireType(ref: string): ObjectTypeDef {
    const t = this.resolveType(ref);
    if (!t) throw hubspotErrors.unknownObjectType(ref);
    return t;
  }

  /** All registered types. */
  allTypes(): ObjectTypeDef[] {
    return [...this.types.values()];
  }

  /** Subscribes to changes. */
  onChange(listener: (change: StoreChange) => void): void {
    this.listeners.push(listener);
  }

  /** A record by id (archived ones too); undefined when absent. */
  get(type: ObjectTypeDef, id: string): StoredRecord | undefined {
    return this.td(type).byId.get(id);
  }

  /** The active record whose unique property `prop` has `value`. */
  findByUnique(type: ObjectTypeDef, prop: string, value: string): StoredRecord | undefined {
    if (prop === 'hs_object_id') {
      const r = this.get(type, value);
      return r && !r.archived ? r : undefined;
    }
    const id = this.td(type).unique.get(prop)?.get(this.uniqueKey(prop, value));
    return id === undefined ? undefined : this.get(type, id);
  }

  /** Records in id order; active only unless `archived` (then archived only, as HubSpot's `archived=true`). */
  records(type: ObjectTypeDef, archived = false): StoredRecord[] {
    return this.td(type).order.filter((r) => r.archived === archived);
  }

  /** Index in id order of the first record with id >= `after` (numeric). */
  indexFrom(type: ObjectTypeDef, after: number): number {
    const order = this.td(type).order;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (Number(order[mid]?.id) < after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Records in id order starting at index `from` (raw access for paging). */
  ordered(type: ObjectTypeDef): readonly StoredRecord[] {
    return this.td(type).order;
  }

  /** Number of active records of a type. */
  count(type: ObjectTypeDef): number {
    let n = 0;
    for (const r of this.td(type).order) if (!r.archived) n += 1;
    return n;
  }

  /** Throws the 409 HubSpot answers when a unique value is already held by another record. */
  checkUnique(type: ObjectTypeDef, props: Record<string, string>, selfId?: string): void {
    const clash = this.uniqueClash(type, props, selfId);
    if (!clash) return;
    if (clash.prop === 'email') throw hubspotErrors.conflict(`Contact already exists. Existing ID: ${clash.id}`);
    throw new HubSpotApiError(
      409,
      `A ${type.messageName.toLowerCase()} with ${clash.prop}=${clash.value} already exists. Existing ID: ${clash.id}`,
      'CONFLICT',
    );
  }

  /** The first unique value of `props` already held by a record other than `selfId`. */
  uniqueClash(
    type: ObjectTypeDef,
    props: Record<string, string>,
    selfId?: string,
  ): { prop: string; value: string; id: string } | undefined {
    for (const [prop, value] of Object.entries(props)) {
      if (value === '' || !type.properties.get(prop)?.hasUniqueValue || prop === 'hs_object_id') continue;
      const id = this.td(type).unique.get(prop)?.get(this.uniqueKey(prop, value));
      if (id !== undefined && id !== selfId) return { prop, value, id };
    }
    return undefined;
  }

  /** Creates a record from already-normalised properties (caller checked uniqueness). */
  create(type: ObjectTypeDef, props: Record<string, string>, source: string, at = this.clock.now()): StoredRecord {
    const record = this.insert(type, props, at, at);
    for (const [name, value] of Object.entries(record.properties)) remember(record, name, value, at, source);
    this.searchIndex.afterChange(type, record, true);
    const changes = Object.entries(props).filter(([, v]) => v !== '');
    this.emit({ kind: 'creation', type, id: record.id, changes, occurredAt: at, source });
    return record;
  }

  /** Inserts many records fast: no validation beyond uniqueness, no change events. */
  bulkInsert(type: ObjectTypeDef, rows: Record<string, string>[], options: BulkInsertOptions = {}): StoredRecord[] {
    const createdAt = options.createdAt ?? this.clock.now();
    const modifiedAt = options.modifiedAt ?? createdAt;
    return rows.map((props) => {
      this.checkUnique(type, props);
      return this.insert(type, props, createdAt, modifiedAt);
    });
  }

  /** Applies normalised properties; returns the changed ones. Bumps the modified date only on a change. */
  update(type: ObjectTypeDef, record: StoredRecord, props: Record<string, string>, source: string): [string, string][] {
    const changes: [string, string][] = [];
    const td = this.td(type);
    this.searchIndex.beforeChange(type, record);
    for (const [name, value] of Object.entries(props)) {
      const before = record.properties[name] ?? '';
      if (before === value) continue;
      changes.push([name, value]);
      if (type.properties.get(name)?.hasUniqueValue && !record.archived) {
        if (before !== '') td.unique.get(name)?.delete(this.uniqueKey(name, before));
        if (value !== '') this.uniqueIndex(td, name).set(this.uniqueKey(name, value), record.id);
      }
      if (value === '') delete record.properties[name];
      else record.properties[name] = value;
    }
    if (changes.length > 0) {
      const at = this.clock.now();
      for (const [name, value] of changes) remember(record, name, value, at, source);
      this.touch(type, record, at);
      this.searchIndex.afterChange(type, record);
      this.emit({ kind: 'propertyChange', type, id: record.id, changes, occurredAt: at, source });
    }
    return changes;
  }

  /** Archives a record (idempotent); frees its unique values. */
  archive(type: ObjectTypeDef, record: StoredRecord, source: string): void {
    if (record.archived) return;
    const at = this.clock.now();
    this.searchIndex.beforeChange(type, record);
    record.archived = true;
    record.archivedAt = at;
    record.updatedAt = at;
    this.unindex(type, record);
    this.searchIndex.afterChange(type, record);
    this.emit({ kind: 'deletion', type, id: record.id, changes: [], occurredAt: at, source });
  }

  /** Restores an archived record (as from HubSpot's recycle bin); 409 when a unique value is taken meanwhile. */
  restore(type: ObjectTypeDef, record: StoredRecord, source: string): void {
    if (!record.archived) return;
    this.checkUnique(type, record.properties, record.id);
    this.searchIndex.beforeChange(type, record);
    record.archived = false;
    delete record.archivedAt;
    this.index(type, record);
    const at = this.clock.now();
    this.touch(type, record, at);
    this.searchIndex.afterChange(type, record);
    this.emit({ kind: 'restore', type, id: record.id, changes: [], occurredAt: at, source });
  }

  /** Announces a merge of `mergedIds` into `primary` (the caller moved the values). */
  announceMerge(type: ObjectTypeDef, primary: StoredRecord, mergedIds: string[], source: string): void {
    this.emit({ kind: 'merge', type, id: primary.id, changes: [], occurredAt: this.clock.now(), source, mergedIds });
  }

  /** Drops every record of every type (reset with reseed). */
  clear(): void {
    this.searchIndex.clear();
    for (const t of this.types.values())
      this.data.set(t.name, { byId: new Map(), order: [], unique: new Map(), nextId: 1 });
  }

  private insert(
    type: ObjectTypeDef,
    props: Record<string, string>,
    createdAt: number,
    modifiedAt: number,
  ): StoredRecord {
    const td = this.td(type);
    const id = String(td.nextId);
    td.nextId += 1;
    const properties: Record<string, string> = {};
    for (const [k, v] of Object.entries(props)) if (v !== '') properties[k] = v;
    properties.hs_object_id = id;
    properties[type.createdProperty] = new Date(createdAt).toISOString();
    const record: StoredRecord = { id, properties, createdAt, updatedAt: createdAt, archived: false };
    this.touch(type, record, modifiedAt);
    td.byId.set(id, record);
    td.order.push(record);
    this.index(type, record);
    return record;
  }

  private touch(type: ObjectTypeDef, record: StoredRecord, at: number): void {
    record.updatedAt = at;
    record.properties[type.modifiedProperty] = new Date(at).toISOString();
    if (record.history) remember(record, type.modifiedProperty, new Date(at).toISOString(), at, 'CALCULATED');
  }

  private index(type: ObjectTypeDef, record: StoredRecord): void {
    const td = this.td(type);
    for (const [name, value] of Object.entries(record.properties)) {
      if (name !== 'hs_object_id' && type.properties.get(name)?.hasUniqueValue)
        this.uniqueIndex(td, name).set(this.uniqueKey(name, value), record.id);
    }
  }

  private unindex(type: ObjectTypeDef, record: StoredRecord): void {
    const td = this.td(type);
    for (const [name, value] of Object.entries(record.properties)) {
      const idx = td.unique.get(name);
      if (idx?.get(this.uniqueKey(name, value)) === record.id) idx.delete(this.uniqueKey(name, value));
    }
  }

  private uniqueIndex(td: TypeData, prop: string): Map<string, string> {
    let idx = td.unique.get(prop);
    if (!idx) td.unique.set(prop, (idx = new Map()));
    return idx;
  }

  private uniqueKey(prop: string, value: string): string {
    return prop === 'email' ? value.toLowerCase() : value;
  }

  private td(type: ObjectTypeDef): TypeData {
    const td = this.data.get(type.name);
    if (!td) throw hubspotErrors.unknownObjectType(type.name);
    return td;
  }

  private emit(change: StoreChange): void {
    for (const l of this.listeners) l(change);
  }
}
