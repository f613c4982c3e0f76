/**
 * The console's Matches page (GET /console/matches?mapping=&kind=&status=): records the
 * engine will not link or create on its own, ambiguous (several candidates, weak evidence)
 * or waiting (no partner, and the mapping may not create one), each with its candidates
 * side by side (match-view.ts). Per row: link to a chosen candidate (or to a record id
 * typed in), create a new partner, or never link; for many rows at once, create new or
 * never link (a link needs its own candidate, so it is per row). Every decision goes
 * through `resolveMatch`, as the admin API's and `frontback matches resolve` do,
 * attributed to the signed-in admin, and is decided row by row (decision-outcomes.ts).
 * Keyset-paged by id (`after`).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ErrorCode, FrontbackError } from '../../../errors.ts';
import type { MatchDecision } from '../../../store/match-repository.ts';
import { resolveMatch } from '../../../sync/matches.ts';
import { other } from '../../../sync/sides.ts';
import { parseInput as parse } from '../input.ts';
import type { ConsolePages } from '../index.ts';
import { backTo, decideEach, filterQuery, flashQuery, selectedIds } from './decision-outcomes.ts';
import { matchViews } from './match-view.ts';

/** Matches a page shows unless `limit` says otherwise (each row reads its record and candidates). */
export const MATCHES_PAGE = 25;

const filters = {
  mapping: z.string().min(1).max(200).optional(),
  kind: z.enum(['ambiguous', 'waiting']).optional(),
  status: z.enum(['open', 'resolved']).optional(),
};
const listQuery = z.strictObject({
  ...filters,
  after: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(MATCHES_PAGE),
  ...flashQuery,
});
const decideQuery = z.strictObject(filters);
const choice = z.enum(['create', 'never'], { error: 'choose create or never' });
// Not strict: a row's buttons post the whole bulk form (its checkboxes too), which a one-row decision ignores.
const oneBody = z
  .object({ choice: choice.optional(), partner: z.string().trim().min(1).max(200).optional() })
  .refine((b) => (b.choice === undefined) !== (b.partner === undefined), {
    message: 'link to a partner, create new or never link: one of them',
    path: ['choice'],
  });
const bulkBody = z.object({ choice, id: selectedIds });
const idParams = z.strictObject({ id: z.string().min(1).max(200) });

/** Registers the Matches page and its decisions. */
export function matchesPage(app: FastifyInstance, pages: ConsolePages): void {
  const { store, engine } = pages;
  pages.nav({ href: '/console/matches', label: 'Matches' });

  app.get('/matches', async (request, reply) => {
    const q = parse(listQuery, request.query, 'query');
    const status = q.status ?? 'open';
    const listed = await store.matches.list({
      status,
      ...(q.mapping ? { mappingId: q.mapping } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.after ? { afterId: q.after } : {}),
      limit: q.limit + 1,
    });
    const matches = listed.slice(0, q.limit);
    const { rows, notes } = await matchViews(store, engine, matches);
    const kept = { mapping: q.mapping, kind: q.kind, status: q.status };
    return pages.page(
      request,
      reply,
      'matches',
      'Matches',
      {
        rows,
        notes,
        status,
        filter: { mapping: q.mapping ?? '', kind: q.kind ?? '', status },
        mappings: engine.mappings.map((m) => m.id),
        query: filterQuery(kept),
        next:
          listed.length > q.limit
            ? `/console/matches?${filterQuery({ ...kept, after: matches.at(-1)?.id, limit: String(q.limit) })}`
            : undefined,
        first: q.after === undefined ? undefined : `/console/matches?${filterQuery(kept)}`,
        done: q.done,
        failed: q.failed,
      },
      '/console/matches',
    );
  });

  /** Carries out `decision` for match `id`, as the signed-in admin; answers what was done. */
  const decide = async (id: string, decision: MatchDecision, by: string): Promise<string> => {
    const match = await store.matches.get(id);
    if (match === undefined) throw new FrontbackError(ErrorCode.NotFound, `no match ${id}`);
    const to = other(match.side);
    const what = `${match.side} ${match.recordId} (${match.mappingId})`;
    try {
      const outcome = await resolveMatch(engine.context(match.mappingId), id, decision, by);
      const applied = outcome.applied;
      if (applied?.status === 'failed')
        throw new FrontbackError(
          ErrorCode.Conflict,
          `decided (${decision.choice}), but the write was refused: ${applied.message ?? 'no message'} (see the dead letters)`,
        );
      if (decision.choice === 'never') return `${what}: never linked`;
      const partner = applied?.partnerId ?? (decision.choice === 'link' ? decision.partnerId : undefined);
      const done = decision.choice === 'link' ? 'linked' : 'created';
      return `${what}: ${done}${partner ? ` with ${to} ${partner}` : ''} (${applied?.status ?? 'decided'}${outcome.runId ? `, run ${outcome.runId}` : ''})`;
    } catch (err) {
      if (err instanceof FrontbackError) throw new FrontbackError(err.code, `${what}: ${err.message}`, { cause: err });
      throw err;
    }
  };

  app.post('/matches/:id/resolve', { preHandler: app.csrfProtection }, async (request, reply) => {
    const { id } = parse(idParams, request.params, 'path');
    const kept = parse(decideQuery, request.query, 'query');
    const body = parse(oneBody, request.body, 'form');
    const decision: MatchDecision =
      body.partner !== undefined ? { choice: 'link', partnerId: body.partner } : { choice: body.choice ?? 'never' };
    const outcomes = await decideEach([id], (one) => decide(one, decision, pages.who(request)), request.log);
    return reply.redirect(
      backTo('/console/matches', kept, outcomes, ([o]) => o?.says ?? ''),
      303,
    );
  });

  app.post('/matches/resolve', { preHandler: app.csrfProtection }, async (request, reply) => {
    const kept = parse(decideQuery, request.query, 'query');
    const body = parse(bulkBody, request.body, 'form');
    const decision: MatchDecision = { choice: body.choice };
    const outcomes = await decideEach(body.id, (one) => decide(one, decision, pages.who(request)), request.log);
    const did = body.choice === 'never' ? 'Never link' : 'Create new';
    const summary = (done: readonly unknown[]) =>
      `${did}: done for ${done.length} of ${outcomes.length} selected record${outcomes.length === 1 ? '' : 's'}.`;
    return reply.redirect(backTo('/console/matches', kept, outcomes, summary), 303);
  });
}
