/**
 * The console's Conflicts page (GET /console/conflicts?mapping=&field=&status=): fields
 * both sides changed differently, parked by the rule `manual`, each with both values, what
 * both sides last agreed on and when each side changed (conflict-view.ts); per row, take
 * the CRM's or the ERP's value; for many rows at once (filter by a field, select all), one
 * side for the whole selection. Every decision goes through `resolveConflict`, as the admin
 * API's and `frontback conflicts resolve` do, attributed to the signed-in admin, and is
 * decided row by row (decision-outcomes.ts). Keyset-paged by id (`after`).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ErrorCode, FrontbackError } from '../../../errors.ts';
import { resolveConflict } from '../../../sync/resolve.ts';
import { parseInput as parse } from '../input.ts';
import type { ConsolePages } from '../index.ts';
import { conflictViews } from './conflict-view.ts';
import { backTo, decideEach, filterQuery, flashQuery, selectedIds } from './decision-outcomes.ts';
import { shown } from './shown-value.ts';

/** Conflicts a page shows unless `limit` says otherwise. */
export const CONFLICTS_PAGE = 50;

const filters = {
  mapping: z.string().min(1).max(200).optional(),
  field: z.string().min(1).max(200).optional(),
  status: z.enum(['open', 'resolved']).optional(),
};
const listQuery = z.strictObject({
  ...filters,
  after: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(CONFLICTS_PAGE),
  ...flashQuery,
});
const decideQuery = z.strictObject(filters);
const take = z.enum(['crm', 'erp'], { error: 'take crm or erp' });
// Not strict: the one-row buttons post the whole bulk form (its checkboxes too), which a one-row decision ignores.
const oneBody = z.object({ take });
const bulkBody = z.object({ take, id: selectedIds });
const idParams = z.strictObject({ id: z.string().min(1).max(200) });

/** Registers the Conflicts page and its decisions. */
export function conflictsPage(app: FastifyInstance, pages: ConsolePages): void {
  const { store, engine } = pages;
  pages.nav({ href: '/console/conflicts', label: 'Conflicts' });

  app.get('/conflicts', async (request, reply) => {
    const q = parse(listQuery, request.query, 'query');
    const status = q.status ?? 'open';
    const listed = await store.conflicts.list({
      status,
      ...(q.mapping ? { mappingId: q.mapping } : {}),
      ...(q.field ? { field: q.field } : {}),
      ...(q.after ? { afterId: q.after } : {}),
      limit: q.limit + 1,
    });
    const conflicts = listed.slice(0, q.limit);
    const { rows, notes } = await conflictViews(store, engine, conflicts);
    const kept = { mapping: q.mapping, field: q.field, status: q.status };
    const fields = [...new Set([...engine.mappings.flatMap((m) => m.fields), ...(q.field ? [q.field] : [])])].sort();
    return pages.page(
      request,
      reply,
      'conflicts',
      'Conflicts',
      {
        rows,
        notes,
        status,
        filter: { mapping: q.mapping ?? '', field: q.field ?? '', status },
        mappings: engine.mappings.map((m) => m.id),
        fields,
        query: filterQuery(kept),
        next:
          listed.length > q.limit
            ? `/console/conflicts?${filterQuery({ ...kept, after: conflicts.at(-1)?.id, limit: String(q.limit) })}`
            : undefined,
        first: q.after === undefined ? undefined : `/console/conflicts?${filterQuery(kept)}`,
        done: q.done,
        failed: q.failed,
      },
      '/console/conflicts',
    );
  });

  /** Takes `side`'s value for conflict `id`, as the signed-in admin; answers what was done. */
  const decide = async (id: string, side: 'crm' | 'erp', by: string): Promise<string> => {
    const conflict = await store.conflicts.get(id);
    if (conflict === undefined) throw new FrontbackError(ErrorCode.NotFound, `no conflict ${id}`);
    const what = `${conflict.field} (${conflict.mappingId})`;
    try {
      const outcome = await resolveConflict(engine.context(conflict.mappingId), id, side, by);
      const value = shown(side === 'crm' ? conflict.crmValue : conflict.erpValue);
      return `${what}: took the ${side.toUpperCase()} value ${value.empty ? '(empty)' : `"${value.short}"`} (run ${outcome.runId})`;
    } catch (err) {
      if (err instanceof FrontbackError) throw new FrontbackError(err.code, `${what}: ${err.message}`, { cause: err });
      throw err;
    }
  };

  app.post('/conflicts/:id/resolve', { preHandler: app.csrfProtection }, async (request, reply) => {
    const { id } = parse(idParams, request.params, 'path');
    const kept = parse(decideQuery, request.query, 'query');
    const body = parse(oneBody, request.body, 'form');
    const outcomes = await decideEach([id], (one) => decide(one, body.take, pages.who(request)), request.log);
    return reply.redirect(
      backTo('/console/conflicts', kept, outcomes, ([o]) => o?.says ?? ''),
      303,
    );
  });

  app.post('/conflicts/resolve', { preHandler: app.csrfProtection }, async (request, reply) => {
    const kept = parse(decideQuery, request.query, 'query');
    const body = parse(bulkBody, request.body, 'form');
    const outcomes = await decideEach(body.id, (one) => decide(one, body.take, pages.who(request)), request.log);
    const summary = (done: readonly unknown[]) =>
      `Took the ${body.take.toUpperCase()} value for ${done.length} of ${outcomes.length} selected conflict${outcomes.length === 1 ? '' : 's'}.`;
    return reply.redirect(backTo('/console/conflicts', kept, outcomes, summary), 303);
  });
}
