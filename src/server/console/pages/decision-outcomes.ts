/**
 * Decisions taken from a list page, one row or many: each row is decided on its own, in
 * order, so a row that cannot be decided (already resolved by someone else, its record
 * gone, a write refused) is reported with why and the other rows are still done; nothing
 * is all-or-nothing. The answer is a 303 back to the list (post/redirect/get) whose query
 * carries the flash: `done` (what was done) and one `failed` per row that was not, shown
 * escaped by views/decision-flash.eta.
 */
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { FrontbackError } from '../../../errors.ts';

/** Most `failed` lines carried back to the list; the rest are counted in one more line. */
export const MAX_FAILED_LINES = 20;
/** Most rows one bulk decision takes (the largest page a list shows). */
export const MAX_BULK_ROWS = 200;

/** What happened to one row. */
export interface RowOutcome {
  /** The row's id (a conflict's, a match's). */
  readonly id: string;
  readonly ok: boolean;
  /** What was done, or why not (the error's message; an unexpected error says to see the server log). */
  readonly says: string;
}

/** The flash parameters a list page accepts in its query (zod shape, merged into the page's query schema). */
export const flashQuery = {
  done: z.string().max(2000).optional(),
  failed: z
    .union([z.string().max(2000), z.array(z.string().max(2000)).max(MAX_FAILED_LINES + 1)])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
};

/** The ids of a form's checkboxes (`id`, repeated), at least one, at most {@link MAX_BULK_ROWS}. */
export const selectedIds = z
  .union([z.string().min(1).max(200), z.array(z.string().min(1).max(200))], {
    error: 'select at least one row',
  })
  .transform((v) => (Array.isArray(v) ? v : [v]))
  .pipe(z.array(z.string()).min(1, 'select at least one row').max(MAX_BULK_ROWS));

/**
 * Decides each of `ids` with `decide` (which answers what it did), in order. A FrontbackError
 * is that row's outcome, with its message; any other error is logged and reported as internal.
 */
export async function decideEach(
  ids: readonly string[],
  decide: (id: string) => Promise<string>,
  log: FastifyBaseLogger,
): Promise<RowOutcome[]> {
  const outcomes: RowOutcome[] = [];
  for (const id of new Set(ids)) {
    try {
      outcomes.push({ id, ok: true, says: await decide(id) });
    } catch (err) {
      if (err instanceof FrontbackError) outcomes.push({ id, ok: false, says: err.message });
      else {
        log.error({ err, row: id }, 'console decision failed');
        outcomes.push({ id, ok: false, says: `${id}: internal error; see the server log` });
      }
    }
  }
  return outcomes;
}

/**
 * The list's address to go back to: `path` with `filters` (empty ones left out) and the
 * flash: `summary` when something was done, one `failed` line per row that was not.
 */
export function backTo(
  path: string,
  filters: Readonly<Record<string, string | undefined>>,
  outcomes: readonly RowOutcome[],
  summary: (done: readonly RowOutcome[]) => string,
): string {
  const query = new URLSearchParams(filterQuery(filters));
  const done = outcomes.filter((o) => o.ok);
  const failed = outcomes.filter((o) => !o.ok);
  if (done.length > 0) query.set('done', summary(done).slice(0, 2000));
  for (const f of failed.slice(0, MAX_FAILED_LINES)) query.append('failed', f.says.slice(0, 2000));
  if (failed.length > MAX_FAILED_LINES) query.append('failed', `and ${failed.length - MAX_FAILED_LINES} more not done`);
  const text = query.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** The filters of a list as a query string, empty ones left out (for links and forms that come back to the same view). */
export function filterQuery(filters: Readonly<Record<string, string | undefined>>): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v !== undefined && v !== '') query.set(k, v);
  return query.toString();
}
