import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type {
  AuditEntry,
  AuditEntryInput,
  AuditFilter,
  AuditHead,
  AuditRepository,
  AuditVerifyOptions,
  AuditVerifyResult,
} from '../audit-repository.ts';
import { GENESIS_HASH, sealEntry, type HashedEntry } from '../audit/canonical.ts';
import { ChainVerifier } from '../audit/chain-verifier.ts';
import { filters } from '../audit/filter.ts';
import { auditRowFromArray, columnMismatch, type ChainRow } from '../audit/stored-row.ts';
import { readFullPage } from './audit-pages.ts';
import type { SqlContext } from './context.ts';
import type { AuditLogTable, Database } from './database.ts';

// Rows per INSERT: 14 columns x 500 stays far below SQLite's 32,766 and
// PostgreSQL's 65,535 bound parameters.
const INSERT_CHUNK = 500;
const DEFAULT_PAGE = 10_000;
// Advisory lock class for the audit chain ("FBAU"); the object id is the schema's
// hash, so stores in different schemas of one database do not wait for each other.
const AUDIT_LOCK_CLASS = 0x46424155;

function toRow(entry: AuditEntry): AuditLogTable {
  return {
    seq: entry.seq,
    at: entry.at,
    run_id: entry.runId,
    job_id: entry.jobId,
    mapping_id: entry.mappingId,
    mapping_version: entry.mappingVersion,
    crm_id: entry.crmId,
    erp_id: entry.erpId,
    action: entry.action,
    rule: entry.rule,
    actor: entry.actor,
    prev_hash: entry.prevHash,
    hash: entry.hash,
    canonical: entry.canonical,
  };
}

/** Reads a stored entry from its canonical text (the hashed truth), not from the columns. */
function toEntry(row: AuditLogTable): AuditEntry {
  const { v: _v, ...fields } = JSON.parse(row.canonical) as HashedEntry;
  return { ...fields, hash: row.hash, canonical: row.canonical };
}

/**
 * The condition of `filter` over the columns (verify checks that they agree with the hashed text).
 * Only called with a filter that asks for something.
 */
function matching(filter: AuditFilter) {
  return (eb: ExpressionBuilder<Database, 'audit_log'>): Expression<SqlBool> => {
    const all: Expression<SqlBool>[] = [];
    if (filter.actions !== undefined) all.push(eb('action', 'in', [...filter.actions]));
    if (filter.mappingId !== undefined) all.push(eb('mapping_id', '=', filter.mappingId));
    const record = filter.record;
    if (record !== undefined) {
      if (record.side === 'crm') all.push(eb('crm_id', '=', record.id));
      else if (record.side === 'erp') all.push(eb('erp_id', '=', record.id));
      else all.push(eb.or([eb('crm_id', '=', record.id), eb('erp_id', '=', record.id)]));
    }
    // `at` is ISO 8601 text in UTC with milliseconds in both dialects: text order is time order.
    if (filter.from !== undefined) all.push(eb('at', '>=', filter.from));
    if (filter.to !== undefined) all.push(eb('at', '<', filter.to));
    return eb.and(all);
  };
}

/** The hash-chained audit log over SQL. */
export class SqlAuditRepository implements AuditRepository {
  readonly #ctx: SqlContext;
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  async append(input: AuditEntryInput): Promise<AuditEntry> {
    const [entry] = await this.appendMany([input]);
    return entry as AuditEntry;
  }

  appendMany(inputs: readonly AuditEntryInput[]): Promise<AuditEntry[]> {
    if (inputs.length === 0) return Promise.resolve([]);
    return this.#ctx.atomic(async (db) => {
      await this.#lockChain(db);
      const last = await db
        .selectFrom('audit_log')
        .select(['seq', 'hash', 'at'])
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      let seq = last ? Number(last.seq) : 0;
      let prevHash = last?.hash ?? GENESIS_HASH;
      // Times never go backwards along the chain, so `since` by time agrees with seq order
      // even when the clock steps back or another machine's clock is behind.
      const now = this.#ctx.now();
      const at = last && last.at > now ? last.at : now;
      const entries = inputs.map((input) => {
        seq += 1;
        const entry = sealEntry(input, seq, at, prevHash);
        prevHash = entry.hash;
        return entry;
      });
      const fast = this.#ctx.auditAccess;
      if (fast) {
        fast.insert(entries.map(toRow));
      } else {
        for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
          await db
            .insertInto('audit_log')
            .values(entries.slice(i, i + INSERT_CHUNK).map(toRow))
            .execute();
        }
      }
      return entries;
    });
  }

  /** Serialises appenders. SQLite: the transaction already holds the write lock (BEGIN IMMEDIATE). */
  async #lockChain(db: Kysely<Database>): Promise<void> {
    if (this.#ctx.kind !== 'postgres') return;
    await sql`select pg_advisory_xact_lock(${sql.lit(AUDIT_LOCK_CLASS)}, hashtext(current_schema()))`.execute(db);
  }

  async verify(options: AuditVerifyOptions = {}): Promise<AuditVerifyResult> {
    const verifier = new ChainVerifier(options.anchors);
    const pageSize = options.pageSize ?? DEFAULT_PAGE;
    let after = 0;
    for (;;) {
      const page = await this.#verifyPage(after, pageSize);
      for (const { row, issue } of page) {
        if (!verifier.push(row, issue)) return { ok: false, count: verifier.count, firstBroken: verifier.broken! };
      }
      if (page.length < pageSize) return { ok: true, count: verifier.count, head: verifier.head };
      after = (page[page.length - 1] as { row: ChainRow }).row.seq;
    }
  }

  /**
   * One page of rows with their column issue (undefined when the columns agree).
   * SQLite reads straight from the driver and lets SQLite compare the columns with
   * the canonical text; only rows it flags are re-read in full and judged in JS (for
   * the exact reason). PostgreSQL reads full rows through Kysely and judges in JS.
   */
  async #verifyPage(after: number, limit: number): Promise<Array<{ row: ChainRow; issue: string | undefined }>> {
    const fast = this.#ctx.auditAccess;
    if (!fast) {
      const rows = await this.#ctx.run((db) => readFullPage(db, after, limit));
      return rows.map((row) => ({ row, issue: columnMismatch(row) }));
    }
    return this.#ctx.run(() => {
      const out: Array<{ row: ChainRow; issue: string | undefined }> = [];
      for (const [seq, at, prevHash, hash, canonical, agrees] of fast.readVerifyPage(after, limit)) {
        const row: ChainRow = {
          seq: Number(seq),
          at: at as string,
          prev_hash: prevHash as string,
          hash: hash as string,
          canonical: canonical as string,
        };
        if (agrees === 1) {
          out.push({ row, issue: undefined });
          continue;
        }
        const [full] = fast.readPage(row.seq - 1, 1).map(auditRowFromArray);
        out.push({ row, issue: full && full.seq === row.seq ? columnMismatch(full) : 'row vanished during verify' });
      }
      return Promise.resolve(out);
    });
  }

  async *since(since: string, options: { pageSize?: number; filter?: AuditFilter } = {}): AsyncIterable<AuditEntry> {
    for await (const page of this.#pages(since, options.pageSize ?? 1000, options.filter)) {
      for (const row of page) yield toEntry(row);
    }
  }

  /** Keyset pages in seq order: constant memory, and no cursor held open between pages. */
  async *#pages(since: string | undefined, pageSize: number, filter?: AuditFilter): AsyncIterable<AuditLogTable[]> {
    let after = 0;
    for (;;) {
      const page = await this.#ctx.run((db) => {
        let query = db.selectFrom('audit_log').selectAll().where('seq', '>', after);
        if (since !== undefined) query = query.where('at', '>=', since);
        if (filters(filter)) query = query.where(matching(filter));
        return query.orderBy('seq').limit(pageSize).execute();
      });
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
      after = Number((page[page.length - 1] as AuditLogTable).seq);
    }
  }

  async after(seq: number, limit = 100, filter?: AuditFilter): Promise<AuditEntry[]> {
    const rows = await this.#ctx.run((db) => {
      let query = db.selectFrom('audit_log').selectAll().where('seq', '>', seq);
      if (filters(filter)) query = query.where(matching(filter));
      return query.orderBy('seq').limit(limit).execute();
    });
    return rows.map(toEntry);
  }

  async tail(n: number, filter?: AuditFilter): Promise<AuditEntry[]> {
    const rows = await this.#ctx.run((db) => {
      let query = db.selectFrom('audit_log').selectAll();
      if (filters(filter)) query = query.where(matching(filter));
      return query.orderBy('seq', 'desc').limit(n).execute();
    });
    return rows.reverse().map(toEntry);
  }

  async count(): Promise<number> {
    const row = await this.#ctx.run((db) =>
      db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow(),
    );
    return Number(row.n);
  }

  async head(): Promise<AuditHead | null> {
    const row = await this.#ctx.run((db) =>
      db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst(),
    );
    return row ? { seq: Number(row.seq), hash: row.hash } : null;
  }
}
