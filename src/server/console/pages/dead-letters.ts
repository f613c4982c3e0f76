/**
 * The console's dead letters (GET /console/dead-letters): records a target refused, with
 * the target's own message, the payload it refused, attempts and times; filtered by
 * mapping, side and status. A person replays one (the source record as it is now, through
 * `replayDeadLetter`, like `POST /admin/dead-letters/:id/replay`), several at once (each
 * row's outcome shown), or discards one with a reason (`discardDeadLetter`). Every decision
 * is audited with the signed-in admin's name.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ErrorCode, FrontbackError } from '../../../errors.ts';
import type { DeadLetter } from '../../../store/dead-letter-repository.ts';
import { discardDeadLetter, replayDeadLetter } from '../../../sync/replay.ts';
import type { ConsolePages } from '../index.ts';
import { flashOf, parseInput } from '../input.ts';

/** Dead letters one page lists (oldest first, as the store lists them). */
export const DEAD_LETTERS_SHOWN = 200;
/** Dead letters one bulk replay takes. */
const BULK_MAX = 100;
/** The longest flash message carried in a redirect (a vendor's message may be long). */
const FLASH_MAX = 600;

const listQuery = z.object({
  mapping: z.string().max(200).optional(),
  side: z.enum(['crm', 'erp']).optional(),
  status: z.enum(['open', 'replayed', 'discarded']).default('open'),
  done: z.string().max(2000).optional(),
  failed: z.string().max(2000).optional(),
});
const idParams = z.object({ id: z.string().min(1).max(200) });
const discardForm = z.object({ reason: z.string().trim().min(1, 'a reason is needed').max(2000) });
const bulkForm = z.object({
  ids: z.union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).max(BULK_MAX)], {
    error: 'tick at least one dead letter',
  }),
});

/** One replay's outcome, for a person. */
interface ReplayLine {
  readonly id: string;
  readonly ok: boolean;
  readonly says: string;
  readonly runId?: string;
}

/** Replays `id` as `by`; the outcome in words (an error is an outcome too: the row says it). */
async function replayOne(pages: ConsolePages, id: string, by: string): Promise<ReplayLine> {
  try {
    const dl = await pages.store.deadLetters.get(id);
    if (dl === undefined) throw new FrontbackError(ErrorCode.NotFound, `no dead letter ${id}`);
    const outcome = await replayDeadLetter(pages.engine.context(dl.mappingId), id, by);
    const { status, message } = outcome.applied;
    const record = `${dl.side} ${dl.recordId}`;
    if (status === 'applied')
      return { id, ok: true, says: `${record} written to ${dl.connection}`, runId: outcome.runId };
    if (status === 'failed')
      return {
        id,
        ok: false,
        says: `${record} refused again by ${dl.connection} (attempt ${outcome.deadLetter.attempts}): ${message ?? ''}`,
        runId: outcome.runId,
      };
    return {
      id,
      ok: outcome.deadLetter.status !== 'open',
      says: `${record} ${status} (${outcome.applied.plan.reason}); the dead letter is ${outcome.deadLetter.status}`,
      runId: outcome.runId,
    };
  } catch (err) {
    if (!(err instanceof FrontbackError)) throw err;
    return { id, ok: false, says: err.message };
  }
}

/** Where to go back to after a decision on `dl`, with `flash`. */
function back(dl: Pick<DeadLetter, 'mappingId'> | undefined, flash: { done?: string; failed?: string }): string {
  const params = new URLSearchParams();
  if (dl) params.set('mapping', dl.mappingId);
  for (const [k, v] of Object.entries(flash)) params.set(k, v.length > FLASH_MAX ? `${v.slice(0, FLASH_MAX)}…` : v);
  return `/console/dead-letters?${params.toString()}`;
}

/** The dead letter at `request`'s `:id`, or a 404. */
async function deadLetterOf(pages: ConsolePages, request: FastifyRequest): Promise<DeadLetter> {
  const { id } = parseInput(idParams, request.params, 'path');
  const dl = await pages.store.deadLetters.get(id);
  if (dl === undefined) throw new FrontbackError(ErrorCode.NotFound, `no dead letter ${id}`);
  return dl;
}

/** Registers the dead-letter pages. */
export function deadLettersPage(app: FastifyInstance, pages: ConsolePages): void {
  pages.nav({ href: '/console/dead-letters', label: 'Dead letters' });

  app.get('/dead-letters', async (request, reply) => {
    const q = parseInput(listQuery, request.query, 'query');
    const letters = await pages.store.deadLetters.list({
      status: q.status,
      ...(q.mapping ? { mappingId: q.mapping } : {}),
      ...(q.side ? { side: q.side } : {}),
      limit: DEAD_LETTERS_SHOWN + 1,
    });
    return pages.page(
      request,
      reply,
      'dead-letters',
      'Dead letters',
      {
        q,
        mappings: pages.engine.mappings.map((m) => m.id),
        letters: letters.slice(0, DEAD_LETTERS_SHOWN).map((dl) => ({
          ...dl,
          payloadText: JSON.stringify(dl.payload, null, 2),
        })),
        more: letters.length > DEAD_LETTERS_SHOWN,
        shown: DEAD_LETTERS_SHOWN,
        ...flashOf(q),
      },
      '/console/dead-letters',
    );
  });

  app.post('/dead-letters/:id/replay', { preHandler: app.csrfProtection }, async (request, reply) => {
    const dl = await deadLetterOf(pages, request);
    const line = await replayOne(pages, dl.id, pages.who(request));
    const says = `Dead letter ${dl.id}: ${line.says}${line.runId ? ` (run ${line.runId})` : ''}`;
    return reply.redirect(back(dl, line.ok ? { done: says } : { failed: says }), 303);
  });

  app.post('/dead-letters/:id/discard', { preHandler: app.csrfProtection }, async (request, reply) => {
    const dl = await deadLetterOf(pages, request);
    const { reason } = parseInput(discardForm, request.body, 'form');
    await discardDeadLetter(pages.store, dl.id, pages.who(request), reason);
    return reply.redirect(
      back(dl, { done: `Dead letter ${dl.id} (${dl.side} ${dl.recordId}) discarded: ${reason}` }),
      303,
    );
  });

  // Bulk: one by one (each replay is its own run and audit entry), each row's outcome shown.
  app.post('/dead-letters/replay', { preHandler: app.csrfProtection }, async (request, reply) => {
    const { ids } = parseInput(bulkForm, request.body, 'form');
    const by = pages.who(request);
    const lines: ReplayLine[] = [];
    for (const id of [...new Set(typeof ids === 'string' ? [ids] : ids)]) lines.push(await replayOne(pages, id, by));
    return pages.page(
      request,
      reply,
      'dead-letters-replayed',
      'Dead letters replayed',
      { lines, written: lines.filter((l) => l.ok).length },
      '/console/dead-letters',
    );
  });
}
