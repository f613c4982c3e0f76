import { sql } from 'kysely';
import { ErrorCode, FrontbackError } from '../../errors.ts';
import type { Side } from '../link-repository.ts';
import type { MatchIndexEntry, MatchIndexRepository } from '../match-index-repository.ts';
import { chunks } from './chunks.ts';
import type { SqlContext } from './context.ts';
import type { MatchKeysTable } from './database.ts';

function ruleNumber(rule: number): number {
  if (!Number.isInteger(rule) || rule < 0) {
    throw new FrontbackError(ErrorCode.Validation, `a match rule is a non-negative integer, got ${rule}`, {
      details: { rule },
    });
  }
  return rule;
}

/** The key index over SQL: multi-row upserts into `match_keys`, lookups by (scope, side, rule, key). */
export class SqlMatchIndexRepository implements MatchIndexRepository {
  readonly #ctx: SqlContext;
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  async putMany(scope: string, side: Side, entries: readonly MatchIndexEntry[]): Promise<void> {
    // The last entry of a (rule, record) wins; PostgreSQL also refuses an upsert that
    // touches one row twice ("ON CONFLICT DO UPDATE command cannot affect row a second time").
    const last = new Map<string, MatchIndexEntry>();
    for (const entry of entries) last.set(`${ruleNumber(entry.rule)}\u0000${entry.recordId}`, entry);
    if (last.size === 0) return;
    const puts: MatchKeysTable[] = [];
    const drops: MatchIndexEntry[] = [];
    for (const e of last.values()) {
      if (e.key === null) drops.push(e);
      else puts.push({ scope, side, rule: e.rule, record_id: e.recordId, key: e.key });
    }
    await this.#ctx.atomic(async (db) => {
      for (const rows of chunks(puts)) {
        await db
          .insertInto('match_keys')
          .values(rows)
          .onConflict((oc) =>
            oc
              .columns(['scope', 'side', 'rule', 'record_id'])
              .doUpdateSet((eb) => ({ key: eb.ref('excluded.key') }))
              // An unchanged key is not rewritten (on PostgreSQL: no new row version to vacuum).
              .where((eb) => eb('match_keys.key', '<>', eb.ref('excluded.key'))),
          )
          .execute();
      }
      for (const page of chunks(drops)) {
        await db
          .deleteFrom('match_keys')
          .where('scope', '=', scope)
          .where('side', '=', side)
          .where((eb) =>
            eb(
              eb.refTuple('rule', 'record_id'),
              'in',
              page.map((e) => eb.tuple(e.rule, e.recordId)),
            ),
          )
          .execute();
      }
    });
  }

  async removeRecords(scope: string, side: Side, recordIds: readonly string[]): Promise<void> {
    const pages = chunks([...new Set(recordIds)]);
    if (pages.length === 0) return;
    await this.#ctx.atomic(async (db) => {
      for (const ids of pages) {
        await db
          .deleteFrom('match_keys')
          .where('scope', '=', scope)
          .where('side', '=', side)
          .where('record_id', 'in', ids)
          .execute();
      }
    });
  }

  async lookup(scope: string, side: Side, rule: number, keys: readonly string[]): Promise<Map<string, string[]>> {
    ruleNumber(rule);
    const found = new Map<string, string[]>();
    for (const page of chunks([...new Set(keys)])) {
      const rows = await this.#ctx.run((db) =>
        db
          .selectFrom('match_keys')
          .select(['key', 'record_id'])
          .where('scope', '=', scope)
          .where('side', '=', side)
          .where('rule', '=', rule)
          .where('key', 'in', page)
          .execute(),
      );
      for (const row of rows) {
        const ids = found.get(row.key);
        if (ids === undefined) found.set(row.key, [row.record_id]);
        else ids.push(row.record_id);
      }
    }
    // Sorted here, not by ORDER BY: PostgreSQL's collation may not order text by code unit.
    for (const ids of found.values()) ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return found;
  }

  async count(scope: string, side: Side): Promise<number> {
    const row = await this.#ctx.run((db) =>
      db
        .selectFrom('match_keys')
        .select((eb) => eb.fn.count('record_id').distinct().as('n'))
        .where('scope', '=', scope)
        .where('side', '=', side)
        .executeTakeFirst(),
    );
    return Number(row?.n ?? 0);
  }

  async prune(prefix: string, keep: string): Promise<number> {
    if (prefix === '') {
      // Every scope starts with '': that would be every mapping's index but one.
      throw new FrontbackError(ErrorCode.Validation, 'prune needs a non-empty scope prefix', { details: { keep } });
    }
    const result = await this.#ctx.write((db) =>
      db
        .deleteFrom('match_keys')
        // An exact prefix test on both databases: LIKE would read `_` and `%` in mapping ids
        // as wildcards, and SQLite's LIKE ignores ASCII case.
        .where(sql<string>`substr(scope, 1, length(cast(${prefix} as text)))`, '=', prefix)
        .where('scope', '<>', keep)
        .executeTakeFirst(),
    );
    return Number(result.numDeletedRows);
  }
}
