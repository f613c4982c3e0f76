/**
 * In-memory tables with transactions. Rows are immutable objects replaced on write, so
 * an undo log of "put the old object back" gives all-or-nothing RPC calls (Odoo runs
 * each call in one database transaction) and savepoints (what `load` uses).
 */
import type { Row } from './types.ts';

/** Tables of rows keyed by id, id sequences, and named sequences. */
export class Database {
  private readonly tables = new Map<string, Map<number, Row>>();
  private readonly counters = new Map<string, number>();
  private undoLog: (() => void)[] | undefined;

  /** The table of a model (created empty on first use). Iterates in insertion (= id) order. */
  table(model: string): ReadonlyMap<number, Row> {
    return this.mutableTable(model);
  }

  /** One row, or undefined. */
  get(model: string, id: number): Row | undefined {
    return this.tables.get(model)?.get(id);
  }

  /** Inserts or replaces a row. */
  put(model: string, row: Row): void {
    const table = this.mutableTable(model);
    const before = table.get(row.id);
    this.remember(() => {
      if (before) table.set(row.id, before);
      else table.delete(row.id);
    });
    table.set(row.id, row);
  }

  /** Removes a row. */
  remove(model: string, id: number): void {
    const table = this.mutableTable(model);
    const before = table.get(id);
    if (!before) return;
    this.remember(() => {
      table.set(id, before);
      // Keep id order on iteration: reinsert everything after it.
      const rest = [...table.entries()].filter(([k]) => k > id);
      for (const [k, r] of rest) {
        table.delete(k);
        table.set(k, r);
      }
    });
    table.delete(id);
  }

  /** Next value of a counter (`id:<model>` for ids, anything else for sequences). */
  next(counter: string): number {
    const before = this.counters.get(counter) ?? 0;
    this.remember(() => this.counters.set(counter, before));
    this.counters.set(counter, before + 1);
    return before + 1;
  }

  /** Runs `fn` atomically: on a throw every change made inside is undone. Nests as a savepoint. */
  transaction<T>(fn: () => T): T {
    const outer = this.undoLog;
    const log: (() => void)[] = [];
    this.undoLog = log;
    try {
      const result = fn();
      if (outer) outer.push(...log);
      return result;
    } catch (err) {
      for (let i = log.length - 1; i >= 0; i -= 1) log[i]?.();
      throw err;
    } finally {
      this.undoLog = outer;
    }
  }

  /** Drops every table and counter. */
  clear(): void {
    this.tables.clear();
    this.counters.clear();
  }

  private mutableTable(model: string): Map<number, Row> {
    let table = this.tables.get(model);
    if (!table) {
      table = new Map();
      this.tables.set(model, table);
    }
    return table;
  }

  private remember(undo: () => void): void {
    this.undoLog?.push(undo);
  }
}
