/**
 * The Salesforce sandbox's records: one table per sObject, writes validated against the
 * catalogue (schema.ts, validate.ts) and the objects' own rules (rules.ts), all-or-none
 * transactions, a recycle bin (deleted rows stay, `IsDeleted` true, for `queryAll` and
 * getDeleted, 15 days), merges, and a change feed announced after each commit. It is
 * also the {@link SoqlSource} the query routes run SOQL against.
 */
import type { SandboxClock } from '../../../src/connector/sandbox/clock.ts';
import { notFound, SalesforceApiError } from './errors.ts';
import { IdFactory, keyPrefix, normalizeId } from './ids.ts';
import { formatSfDatetime, type SObjectChange, type SObjectRow, type SObjectValue } from './records.ts';
import { applyRules, cascadeTargets, rollupTarget, type RuleHost } from './rules.ts';
import { findField, linkChildren, type SObjectField, type SObjectType } from './schema.ts';
import type { SoqlSource } from './soql/source.ts';
import { coerceValue, requiredMissing, writableField, type IdResolver } from './validate.ts';

/** Who writes, and how. */
export interface WriteContext {
  /** Where the write comes from (the change feed says so). */
  origin: SObjectChange['origin'];
  /** The acting user's id (CreatedById, LastModifiedById). */
  userId: string;
  /** Save despite a duplicate rule (the `Sforce-Duplicate-Rule-Header: allowSave=true` request header). */
  allowDuplicates?: boolean;
  /** Commit time instead of the clock's now (seeding history). */
  at?: number;
}

/** Deleted rows are kept this long (the recycle bin; getDeleted's window). */
export const RECYCLE_BIN_MS = 15 * 24 * 3600_000;

interface Table {
  type: SObjectType;
  rows: Map<string, SObjectRow>;
}

interface Journal {
  undo: (() => void)[];
  changes: SObjectChange[];
  key: string;
}

/** The org's records. */
export class SalesforceStore implements SoqlSource, RuleHost {
  readonly ids: IdFactory;
  private readonly tables = new Map<string, Table>();
  private readonly prefixes = new Map<string, Table>();
  private readonly deletedAt = new Map<string, number>();
  private readonly listeners: ((change: SObjectChange) => void)[] = [];
  private journal: Journal | undefined;
  private transactions = 0;
  /** Newest deletion time physically purged from the bin (getDeleted's `earliestDateAvailable`). */
  purgedUpTo: number;
  /** Contacts with the same e-mail are refused (`DUPLICATES_DETECTED`) unless the caller allows the save. */
  duplicateRuleOnContactEmail = true;

  constructor(
    readonly clock: SandboxClock,
    types: SObjectType[],
    /** When the org was created, epoch ms (the bin's earliest date before anything is purged). */
    readonly orgCreatedAt: number,
    pod = '5g',
  ) {
    this.ids = new IdFactory(pod);
    for (const t of types) this.addType(t);
    this.purgedUpTo = orgCreatedAt;
  }

  /** Adds or replaces an sObject type. */
  addType(type: SObjectType): void {
    const table: Table = { type, rows: this.tables.get(type.name.toLowerCase())?.rows ?? new Map() };
    this.tables.set(type.name.toLowerCase(), table);
    this.prefixes.set(type.keyPrefix, table);
    linkChildren([...this.tables.values()].map((t) => t.type));
  }

  /** Adds a field to a type (the Tooling API's CustomField create). */
  addField(typeName: string, f: SObjectField): void {
    const type = this.requireType(typeName);
    if (findField(type, f.name)) {
      throw new SalesforceApiError(
        400,
        'DUPLICATE_DEVELOPER_NAME',
        `There is already a field named ${f.name} on ${type.name}.`,
      );
    }
    type.fields.push(f);
  }

  /** Every type. */
  types(): SObjectType[] {
    return [...this.tables.values()].map((t) => t.type);
  }

  type(name: string): SObjectType | undefined {
    return this.tables.get(name.toLowerCase())?.type;
  }

  /** The type, or NOT_FOUND as the REST API answers an unknown sObject in a URL. */
  requireType(name: string): SObjectType {
    const t = this.type(name);
    if (!t) throw notFound();
    return t;
  }

  /** Receives every committed change. */
  onChange(listener: (change: SObjectChange) => void): void {
    this.listeners.push(listener);
  }

  now(): number {
    return this.clock.now();
  }

  *rows(typeName: string, includeDeleted: boolean): Iterable<SObjectRow> {
    this.purge();
    for (const row of this.tables.get(typeName.toLowerCase())?.rows.values() ?? []) {
      if (includeDeleted || row['IsDeleted'] !== true) yield row;
    }
  }

  byId(id: string, includeDeleted: boolean): { type: string; row: SObjectRow } | undefined {
    const full = normalizeId(id);
    const table = full ? this.prefixes.get(keyPrefix(full)) : undefined;
    const row = full ? table?.rows.get(full) : undefined;
    if (!table || !row || (!includeDeleted && row['IsDeleted'] === true)) return undefined;
    return { type: table.type.name, row };
  }

  /** A live record of a type, or NOT_FOUND (ENTITY_IS_DELETED when in the bin). */
  get(typeName: string, id: string): SObjectRow {
    const type = this.requireType(typeName);
    const found = this.byId(id, true);
    if (!found || found.type !== type.name) throw notFound();
    if (found.row['IsDeleted'] === true) throw new SalesforceApiError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
    return found.row;
  }

  /** Live records whose `field` equals `value` (case-insensitive unless the field is case-sensitive). */
  findBy(typeName: string, field: SObjectField, value: string): SObjectRow[] {
    const wanted = field.caseSensitive ? value : value.toLowerCase();
    return [...this.rows(typeName, false)].filter((row) => {
      const v = row[field.name];
      return typeof v === 'string' && (field.caseSensitive ? v : v.toLowerCase()) === wanted;
    });
  }

  /** Runs `fn` as one transaction: every write in it commits, or none does (then it rethrows). */
  transaction<T>(fn: () => T): T {
    if (this.journal) return fn();
    this.transactions += 1;
    const journal: Journal = { undo: [], changes: [], key: `${this.clock.now().toString(16)}-${this.transactions}` };
    this.journal = journal;
    try {
      const result = fn();
      this.journal = undefined;
      journal.changes.forEach((c, i) => {
        c.sequenceNumber = i + 1;
        for (const listener of this.listeners) listener(c);
      });
      return result;
    } catch (err) {
      this.journal = undefined;
      for (const undo of journal.undo.reverse()) undo();
      throw err;
    }
  }

  /** Creates a record; answers its stored row. */
  create(typeName: string, values: Record<string, unknown>, ctx: WriteContext): SObjectRow {
    const type = this.requireType(typeName);
    return this.transaction(() => {
      const row: SObjectRow = {};
      for (const [key, raw] of Object.entries(values)) {
        if (key === 'attributes') continue;
        const f = ctx.origin === 'seed' ? this.seedField(type, key) : writableField(type, key, 'create');
        row[f.name] = coerceValue(f, raw, this.resolver);
      }
      for (const f of type.fields) {
        if (!(f.name in row)) row[f.name] = f.type === 'boolean' ? false : null;
      }
      const missing = type.fields.filter(
        (f) => f.createable && !f.nillable && !f.defaultedOnCreate && (row[f.name] === null || row[f.name] === ''),
      );
      if (missing.length > 0) throw requiredMissing(missing.map((f) => f.name));
      const at = ctx.at ?? this.clock.now();
      const id = this.ids.next(type.keyPrefix);
      Object.assign(row, {
        Id: id,
        IsDeleted: false,
        CreatedDate: formatSfDatetime(at),
        CreatedById: ctx.userId,
        LastModifiedDate: formatSfDatetime(at),
        LastModifiedById: ctx.userId,
        SystemModstamp: formatSfDatetime(at),
      });
      if ('OwnerId' in row && row['OwnerId'] === null) row['OwnerId'] = ctx.userId;
      applyRules(this, type, row, undefined, ctx);
      this.checkUnique(type, row);
      this.put(type, id, row, undefined);
      this.announce(
        type,
        row,
        'created',
        Object.keys(row).filter((k) => row[k] !== null),
        ctx,
        at,
      );
      this.rollup(type, row, ctx);
      return row;
    });
  }

  /** Updates a live record; answers its stored row. */
  update(typeName: string, id: string, values: Record<string, unknown>, ctx: WriteContext): SObjectRow {
    const type = this.requireType(typeName);
    return this.transaction(() => {
      const prev = this.get(type.name, id);
      const row: SObjectRow = { ...prev };
      for (const [key, raw] of Object.entries(values)) {
        if (key === 'attributes' || key.toLowerCase() === 'id') continue;
        const f = ctx.origin === 'seed' ? this.seedField(type, key) : writableField(type, key, 'update');
        row[f.name] = coerceValue(f, raw, this.resolver);
        if (!f.nillable && row[f.name] === null && !f.defaultedOnCreate) throw requiredMissing([f.name]);
      }
      const changed = Object.keys(row).filter((k) => row[k] !== prev[k]);
      return this.save(type, row, prev, changed, ctx, 'updated');
    });
  }

  /** Writes a changed row of a live record (rules, audit fields, journal, change). */
  save(
    type: SObjectType,
    row: SObjectRow,
    prev: SObjectRow,
    changed: string[],
    ctx: WriteContext,
    kind: SObjectChange['kind'],
  ): SObjectRow {
    const at = Math.max(ctx.at ?? this.clock.now(), Date.parse(String(prev['SystemModstamp']).replace('+0000', 'Z')));
    applyRules(this, type, row, prev, ctx);
    this.checkUnique(type, row);
    row['LastModifiedDate'] = formatSfDatetime(at);
    row['LastModifiedById'] = ctx.userId;
    row['SystemModstamp'] = formatSfDatetime(at);
    const id = String(row['Id']);
    this.put(type, id, row, prev);
    this.announce(type, row, kind, changed, ctx, at);
    this.rollup(type, row, ctx);
    return row;
  }

  /** Moves a live record (and what it owns) to the recycle bin. */
  delete(typeName: string, id: string, ctx: WriteContext, masterRecordId?: string): void {
    const type = this.requireType(typeName);
    this.transaction(() => {
      const prev = this.get(type.name, id);
      for (const child of cascadeTargets(this, type, String(prev['Id']))) {
        if (child.row['IsDeleted'] !== true) this.delete(child.type, String(child.row['Id']), ctx);
      }
      const at = ctx.at ?? this.clock.now();
      const row: SObjectRow = { ...prev, IsDeleted: true, SystemModstamp: formatSfDatetime(at) };
      if (masterRecordId) row['MasterRecordId'] = masterRecordId;
      const full = String(prev['Id']);
      this.put(type, full, row, prev);
      const before = this.deletedAt.get(full);
      this.deletedAt.set(full, at);
      this.journal?.undo.push(() =>
        before === undefined ? this.deletedAt.delete(full) : this.deletedAt.set(full, before),
      );
      this.announce(
        type,
        row,
        'deleted',
        ['IsDeleted', ...(masterRecordId ? ['MasterRecordId'] : [])],
        ctx,
        at,
        masterRecordId,
      );
      this.rollup(type, row, ctx);
    });
  }

  /** When a record was deleted, epoch ms (undefined while live). */
  deletedTime(id: string): number | undefined {
    return this.deletedAt.get(id);
  }

  /** Empties every table (a data reset). */
  clear(): void {
    for (const t of this.tables.values()) t.rows.clear();
    this.deletedAt.clear();
    this.ids.reset();
    this.purgedUpTo = this.orgCreatedAt;
  }

  /** The id resolver the validator uses. */
  readonly resolver: IdResolver = {
    lookup: (id) => {
      const found = this.byId(id, true);
      return found ? { type: found.type, deleted: found.row['IsDeleted'] === true } : undefined;
    },
    typeForPrefix: (prefix) => this.prefixes.get(prefix)?.type.name,
  };

  /** Sets a computed or system value from a rule (bypasses createable checks). */
  setSystemValue(row: SObjectRow, name: string, value: SObjectValue): void {
    row[name] = value;
  }

  /** DUPLICATE_VALUE when a unique field's value is held by another live record. */
  private checkUnique(type: SObjectType, row: SObjectRow): void {
    for (const f of type.fields) {
      const value = row[f.name];
      if (!f.unique || typeof value !== 'string' || f.name === 'Id') continue;
      const other = this.findBy(type.name, f, value).find((r) => r['Id'] !== row['Id']);
      if (other) {
        throw new SalesforceApiError(
          400,
          'DUPLICATE_VALUE',
          `duplicate value found: ${f.name} duplicates value on record with id: ${String(other['Id'])}`,
          [f.name],
        );
      }
    }
  }

  /** Recomputes the parent whose computed fields depend on `row` (an opportunity's amount). */
  private rollup(type: SObjectType, row: SObjectRow, ctx: WriteContext): void {
    const target = rollupTarget(type, row);
    const found = target ? this.byId(target.id, false) : undefined;
    if (!found) return;
    const parentType = this.requireType(found.type);
    const next: SObjectRow = { ...found.row };
    applyRules(this, parentType, next, found.row, ctx);
    const changed = Object.keys(next).filter((k) => next[k] !== found.row[k]);
    if (changed.length > 0) this.save(parentType, next, found.row, changed, ctx, 'updated');
  }

  private seedField(type: SObjectType, key: string): SObjectField {
    const f = findField(type, key);
    if (!f) throw new Error(`seed: no field ${key} on ${type.name}`);
    return f;
  }

  private put(type: SObjectType, id: string, row: SObjectRow, prev: SObjectRow | undefined): void {
    const table = this.tables.get(type.name.toLowerCase());
    if (!table) throw notFound();
    table.rows.set(id, row);
    this.journal?.undo.push(() => (prev ? table.rows.set(id, prev) : table.rows.delete(id)));
  }

  private announce(
    type: SObjectType,
    row: SObjectRow,
    kind: SObjectChange['kind'],
    changedFields: string[],
    ctx: WriteContext,
    at: number,
    masterRecordId?: string,
  ): void {
    const journal = this.journal;
    if (!journal) return;
    journal.changes.push({
      type: type.name,
      id: String(row['Id']),
      kind,
      row: { ...row },
      changedFields,
      at,
      origin: ctx.origin,
      transactionKey: journal.key,
      sequenceNumber: 0,
      ...(masterRecordId ? { masterRecordId } : {}),
    });
  }

  /** Empties the bin of rows deleted more than 15 days ago. */
  private purge(): void {
    if (this.journal) return;
    const horizon = this.clock.now() - RECYCLE_BIN_MS;
    for (const [id, at] of this.deletedAt) {
      if (at > horizon) continue;
      this.prefixes.get(keyPrefix(id))?.rows.delete(id);
      this.deletedAt.delete(id);
      this.purgedUpTo = Math.max(this.purgedUpTo, at);
    }
  }
}
