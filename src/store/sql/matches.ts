import { randomUUID } from 'node:crypto';
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { ErrorCode, FrontbackError, StoreError } from '../../errors.ts';
import type { Side } from '../link-repository.ts';
import type {
  Match,
  MatchCandidate,
  MatchDecision,
  MatchInput,
  MatchKind,
  MatchListOptions,
  MatchRepository,
  MatchStatus,
} from '../match-repository.ts';
import { chunks } from './chunks.ts';
import { parseJson, type SqlContext } from './context.ts';
import type { Database, MatchesTable } from './database.ts';

const LIST_DEFAULT = 100;
const LIST_MAX = 1000;
const PENDING_DEFAULT = 1000;
const KINDS: ReadonlySet<string> = new Set<MatchKind>(['ambiguous', 'waiting']);

/**
 * Open or resolved: the rows the partial unique index `matches_live` covers. A literal, so
 * both planners can use that index (neither proves a partial index from a bound parameter).
 */
const live = (eb: ExpressionBuilder<Database, 'matches'>) => eb('matches.status', '<>', sql.lit('closed'));

function toDecision(row: MatchesTable): MatchDecision | null {
  switch (row.decision) {
    case 'link':
      return { choice: 'link', partnerId: row.partner_id ?? '' };
    case 'create':
      return { choice: 'create' };
    case 'never':
      return { choice: 'never' };
    default:
      return null;
  }
}

function toMatch(row: MatchesTable): Match {
  return {
    id: row.id,
    mappingId: row.mapping_id,
    side: row.side as Side,
    recordId: row.record_id,
    kind: row.kind as MatchKind,
    reason: row.reason,
    candidates: parseJson<MatchCandidate[]>(row.candidates),
    status: row.status as MatchStatus,
    decision: toDecision(row),
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Candidates as JSON text with one key order, so an unchanged list compares equal as text. */
function candidatesJson(candidates: readonly MatchCandidate[]): string {
  return JSON.stringify(
    candidates.map((c) => ({
      id: c.id,
      rule: c.rule,
      ...(c.key === undefined ? {} : { key: c.key }),
      ...(c.label === undefined ? {} : { label: c.label }),
    })),
  );
}

function invalid(message: string, details: Record<string, unknown>): FrontbackError {
  return new FrontbackError(ErrorCode.Validation, message, { details });
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw invalid(`${name} must be a positive integer, got ${value}`, { [name]: value });
  }
  return value;
}

/** The decision as its two columns; anything but the three shapes is refused. */
function decisionColumns(decision: MatchDecision): { decision: string; partner_id: string | null } {
  const d = decision as { choice?: unknown; partnerId?: unknown };
  if (d.choice === 'link') {
    if (typeof d.partnerId !== 'string' || d.partnerId === '') {
      throw invalid('a link decision needs the partner record id (partnerId)', { decision });
    }
    return { decision: 'link', partner_id: d.partnerId };
  }
  if (d.choice === 'create' || d.choice === 'never') return { decision: d.choice, partner_id: null };
  throw invalid(`a match decision is link, create or never, got ${String(d.choice)}`, { decision });
}

/** Matches that wait for a person, over SQL: one live row per record by a partial unique index. */
export class SqlMatchRepository implements MatchRepository {
  readonly #ctx: SqlContext;
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  async upsertOpen(input: MatchInput): Promise<Match> {
    return this.#ctx.atomic(async (db) => {
      // The live row can be closed by another writer between the two statements; then the
      // upsert inserts a new one next time round.
      for (let attempt = 0; attempt < 3; attempt++) {
        await this.#upsert(db, [input]);
        const row = await db
          .selectFrom('matches')
          .selectAll()
          .where('mapping_id', '=', input.mappingId)
          .where('side', '=', input.side)
          .where('record_id', '=', input.recordId)
          .where(live)
          .executeTakeFirst();
        if (row) return toMatch(row);
      }
      throw new StoreError(`the match of ${input.side} record ${input.recordId} kept closing while it was written`, {
        retryable: true,
        details: { mappingId: input.mappingId, side: input.side, recordId: input.recordId },
      });
    });
  }

  async upsertOpenMany(inputs: readonly MatchInput[]): Promise<void> {
    if (inputs.length === 0) return;
    await this.#ctx.atomic((db) => this.#upsert(db, inputs));
  }

  async #upsert(db: Kysely<Database>, inputs: readonly MatchInput[]): Promise<void> {
    const now = this.#ctx.now();
    // The last input of a record wins; PostgreSQL refuses an upsert that touches one row twice.
    const last = new Map<string, MatchesTable>();
    for (const input of inputs) {
      if (!KINDS.has(input.kind)) {
        throw invalid(`a match kind is ambiguous or waiting, got ${input.kind}`, { kind: input.kind });
      }
      last.set(JSON.stringify([input.mappingId, input.side, input.recordId]), {
        id: randomUUID(),
        mapping_id: input.mappingId,
        side: input.side,
        record_id: input.recordId,
        kind: input.kind,
        reason: input.reason,
        candidates: candidatesJson(input.candidates),
        status: 'open',
        decision: null,
        partner_id: null,
        decided_by: null,
        decided_at: null,
        created_at: now,
        updated_at: now,
      });
    }
    for (const rows of chunks([...last.values()])) {
      await db
        .insertInto('matches')
        .values(rows)
        .onConflict((oc) =>
          oc
            .columns(['mapping_id', 'side', 'record_id'])
            // Names the partial index matches_live (its predicate, as a literal).
            .where('status', '<>', sql.lit('closed'))
            .doUpdateSet((eb) => ({
              kind: eb.ref('excluded.kind'),
              reason: eb.ref('excluded.reason'),
              candidates: eb.ref('excluded.candidates'),
              updated_at: eb.ref('excluded.updated_at'),
            }))
            // A resolved row keeps what the person decided; an unchanged open row keeps its time.
            .where((eb) =>
              eb.and([
                eb('matches.status', '=', 'open'),
                eb.or([
                  eb('matches.kind', '<>', eb.ref('excluded.kind')),
                  eb('matches.reason', '<>', eb.ref('excluded.reason')),
                  eb('matches.candidates', '<>', eb.ref('excluded.candidates')),
                ]),
              ]),
            ),
        )
        .execute();
    }
  }

  async get(id: string): Promise<Match | undefined> {
    const row = await this.#ctx.run((db) =>
      db.selectFrom('matches').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row && toMatch(row);
  }

  async list(options: MatchListOptions = {}): Promise<Match[]> {
    const limit = Math.min(positiveInteger('limit', options.limit ?? LIST_DEFAULT), LIST_MAX);
    const rows = await this.#ctx.run(async (db) => {
      let after: { created_at: string; id: string } | undefined;
      if (options.afterId !== undefined) {
        after = await db
          .selectFrom('matches')
          .select(['created_at', 'id'])
          .where('id', '=', options.afterId)
          .executeTakeFirst();
        if (!after) throw invalid(`afterId ${options.afterId} is not a match`, { afterId: options.afterId });
      }
      let query = db.selectFrom('matches').selectAll();
      query = options.status === undefined ? query.where(live) : query.where('status', '=', options.status);
      if (options.mappingId !== undefined) query = query.where('mapping_id', '=', options.mappingId);
      if (options.side !== undefined) query = query.where('side', '=', options.side);
      if (options.kind !== undefined) query = query.where('kind', '=', options.kind);
      if (after !== undefined) {
        const { created_at: at, id } = after;
        query = query.where((eb) =>
          eb.or([eb('created_at', '>', at), eb.and([eb('created_at', '=', at), eb('id', '>', id)])]),
        );
      }
      return query.orderBy('created_at').orderBy('id').limit(limit).execute();
    });
    return rows.map(toMatch);
  }

  async pendingRecordIds(mappingId: string, side: Side, limit: number = PENDING_DEFAULT): Promise<string[]> {
    positiveInteger('limit', limit);
    const rows = await this.#ctx.run((db) =>
      db
        .selectFrom('matches')
        .select('record_id')
        .where('mapping_id', '=', mappingId)
        .where('side', '=', side)
        .where(live)
        .where((eb) => eb.or([eb('decision', 'is', null), eb('decision', '<>', 'never')]))
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit)
        .execute(),
    );
    return rows.map((r) => r.record_id);
  }

  async forRecords(mappingId: string, side: Side, recordIds: readonly string[]): Promise<Map<string, Match>> {
    const found = new Map<string, Match>();
    for (const ids of chunks([...new Set(recordIds)])) {
      const rows = await this.#ctx.run((db) =>
        db
          .selectFrom('matches')
          .selectAll()
          .where('mapping_id', '=', mappingId)
          .where('side', '=', side)
          .where('record_id', 'in', ids)
          .where(live)
          .execute(),
      );
      for (const row of rows) found.set(row.record_id, toMatch(row));
    }
    return found;
  }

  async resolve(id: string, decision: MatchDecision, by: string): Promise<Match> {
    const columns = decisionColumns(decision);
    return this.#ctx.atomic(async (db) => {
      const now = this.#ctx.now();
      const updated = await db
        .updateTable('matches')
        .set({ ...columns, status: 'resolved', decided_by: by, decided_at: now, updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .executeTakeFirst();
      const row = await db.selectFrom('matches').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new FrontbackError(ErrorCode.NotFound, `match ${id} not found`, { details: { id } });
      if (updated.numUpdatedRows === 0n) {
        throw new FrontbackError(ErrorCode.Conflict, `match ${id} is ${row.status}, not open: it was decided already`, {
          details: { id, status: row.status, decidedBy: row.decided_by, decidedAt: row.decided_at },
        });
      }
      return toMatch(row);
    });
  }

  async closeMany(mappingId: string, side: Side, recordIds: readonly string[]): Promise<void> {
    const pages = chunks([...new Set(recordIds)]);
    if (pages.length === 0) return;
    const now = this.#ctx.now();
    await this.#ctx.atomic(async (db) => {
      for (const ids of pages) {
        await db
          .updateTable('matches')
          .set({ status: 'closed', updated_at: now })
          .where('mapping_id', '=', mappingId)
          .where('side', '=', side)
          .where('record_id', 'in', ids)
          .where(live)
          // A `never` decision is kept for good: it is what stops the engine next time.
          .where((eb) => eb.or([eb('decision', 'is', null), eb('decision', '<>', 'never')]))
          .execute();
      }
    });
  }

  async countOpen(): Promise<Array<{ mappingId: string; kind: MatchKind; count: number }>> {
    const rows = await this.#ctx.run((db) =>
      db
        .selectFrom('matches')
        .select((eb) => ['mapping_id', 'kind', eb.fn.countAll().as('n')])
        .where('status', '=', 'open')
        .groupBy(['mapping_id', 'kind'])
        .execute(),
    );
    const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
    return rows
      .map((r) => ({ mappingId: r.mapping_id, kind: r.kind as MatchKind, count: Number(r.n) }))
      .sort((a, b) => cmp(a.mappingId, b.mappingId) || cmp(a.kind, b.kind));
  }
}
