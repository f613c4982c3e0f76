/**
 * The mappings pages. GET /console/mappings lists every mapping (sides, schedule, held or
 * not). GET /console/mappings/:id shows one: its file as written with `frontback
 * validate`'s findings at their lines (read at each request; what runs is the version the
 * process loaded), its field rules as a table, a preview (a record by id, explained as a
 * pass would plan it, or pasted JSON translated offline: both write nothing), the create
 * guard's hold with a form to accept it, and the forms that queue a plan or a run.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ErrorCode, FrontbackError } from '../../../errors.ts';
import { readMappingFile, type MappingFile } from '../../../mapping/mapping-file.ts';
import { isJsonObject, parseJsonSafely, previewRecord, resolverOfTable } from '../../../mapping/preview.ts';
import type { CompiledMapping } from '../../../mapping/types.ts';
import type { Hold } from '../../../store/hold-repository.ts';
import { explainRecord } from '../../../sync/explain-record.ts';
import { acceptHold, describeGuard } from '../../../sync/guard.ts';
import type { ConsolePages } from '../index.ts';
import { renderPage, sendHtml } from '../render.ts';
import { fieldRowsOfCompiled, fieldRowsOfSpec } from './mapping-fields.ts';

/** The largest JSON a preview takes, characters. */
const MAX_JSON = 200_000;

const csrf = { _csrf: z.string().optional() };
const side = z.enum(['crm', 'erp'], { error: 'expected crm or erp' });
const sides = z.enum(['crm', 'erp', 'both'], { error: 'expected crm, erp or both' });
const idParams = z.strictObject({ id: z.string().min(1).max(200) });
const doneQuery = z.object({ done: z.string().max(500).optional() });
const byIdBody = z.strictObject({ ...csrf, side, record: z.string().trim().min(1, 'give a record id').max(200) });
const jsonBody = z.strictObject({
  ...csrf,
  side,
  json: z.string().trim().min(1, "paste the record's JSON").max(MAX_JSON),
  resolve: z.string().trim().max(MAX_JSON).optional(),
});
const acceptBody = z.strictObject({
  ...csrf,
  run: z.string().min(1).max(200),
  confirm: z.literal('yes', { error: 'tick the box to confirm' }),
});
const planBody = z.strictObject({ ...csrf, from: sides.default('both') });

/** Parses a form with `schema`, or throws a 400 that names each bad field. */
function formOf<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : where}: ${i.message}`);
  throw new FrontbackError(ErrorCode.Validation, problems.join('; '), { details: { problems } });
}

/** `every 5 min`, `every 30 s`, or the cron expression. */
function scheduleText(m: CompiledMapping): string {
  if (!('everyMs' in m.schedule)) return `cron ${m.schedule.cron}`;
  const s = Math.round(m.schedule.everyMs / 1000);
  return s % 60 === 0 ? `every ${s / 60} min` : `every ${s} s`;
}

/** The mapping's hold, when it stops its passes now (a hold of another version is void). */
async function heldNow(pages: ConsolePages, m: CompiledMapping): Promise<Hold | undefined> {
  const hold = await pages.store.holds.get(m.id);
  return hold && hold.acceptedAt === null && hold.mappingVersion === m.version ? hold : undefined;
}

/** How the file on disk stands towards what runs. */
type FileState = 'unavailable' | 'missing' | 'broken' | 'changed' | 'running';

function fileState(file: MappingFile | undefined, running: CompiledMapping, available: boolean): FileState {
  if (!available) return 'unavailable';
  if (file === undefined) return 'missing';
  if (file.loaded === undefined) return 'broken';
  return file.loaded.mapping.version === running.version ? 'running' : 'changed';
}

/** Everything the mapping page shows. */
async function mappingView(pages: ConsolePages, id: string): Promise<Record<string, unknown>> {
  const { mapping } = pages.engine.context(id);
  const files = pages.mappingFiles;
  const file = files ? readMappingFile(files.dir, id, { catalog: files.catalog }) : undefined;
  const state = fileState(file, mapping, files !== undefined);
  const fields = file?.loaded ? fieldRowsOfSpec(file.loaded.spec, file.loaded.mapping) : fieldRowsOfCompiled(mapping);
  const hold = await heldNow(pages, mapping);
  return {
    m: mapping,
    schedule: scheduleText(mapping),
    guard: describeGuard(mapping),
    file,
    dir: files?.dir,
    state,
    fileVersion: file?.loaded?.mapping.version,
    fields,
    fieldsFrom: file?.loaded ? 'file' : 'running',
    hold,
    holdCounts: hold ? Object.entries(hold.counts).map(([k, v]) => ({ k, v: JSON.stringify(v) })) : [],
    holdSide: hold ? String((hold.counts as { side?: unknown }).side ?? '?') : undefined,
    jobs: pages.jobs !== undefined,
  };
}

/** Answers `view` as a fragment to htmx, else as a page (a form posted without scripts). */
function answer(
  pages: ConsolePages,
  request: FastifyRequest,
  reply: FastifyReply,
  view: string,
  data: Record<string, unknown>,
): FastifyReply {
  if (request.headers['hx-request'] !== undefined) return pages.fragment(request, reply, view, data);
  return pages.page(request, reply, view, 'Preview', data, '/console/mappings');
}

/** Parses pasted JSON that must be one object; a 400 naming `field` and what is wrong. */
function pastedObject(text: string, field: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseJsonSafely(text);
  } catch (err) {
    throw new FrontbackError(ErrorCode.Validation, `${field}: not valid JSON: ${(err as Error).message}`, {
      details: { field },
    });
  }
  if (!isJsonObject(value))
    throw new FrontbackError(
      ErrorCode.Validation,
      `${field}: expected one JSON object ({ ... }), as the connector delivers a record`,
      {
        details: { field },
      },
    );
  return value;
}

/** Registers the mappings pages. */
export function mappingsPage(app: FastifyInstance, pages: ConsolePages): void {
  pages.nav({ href: '/console/mappings', label: 'Mappings' });

  app.get('/mappings', async (request, reply) => {
    const held = new Set((await pages.store.holds.listHeld()).map((h) => `${h.mappingId}@${h.mappingVersion}`));
    const mappings = pages.engine.mappings.map((m) => ({
      m,
      schedule: scheduleText(m),
      held: held.has(`${m.id}@${m.version}`),
    }));
    return pages.page(request, reply, 'mappings', 'Mappings', { mappings }, '/console/mappings');
  });

  app.get('/mappings/:id', async (request, reply) => {
    const { id } = formOf(idParams, request.params, 'path');
    const { done } = formOf(doneQuery, request.query, 'query');
    const view = await mappingView(pages, id);
    return pages.page(request, reply, 'mapping', `Mapping ${id}`, { ...view, done }, '/console/mappings');
  });

  app.post('/mappings/:id/preview/by-id', { preHandler: app.csrfProtection }, async (request, reply) => {
    const { id } = formOf(idParams, request.params, 'path');
    const body = formOf(byIdBody, request.body, 'form');
    const ctx = pages.engine.context(id);
    const e = await explainRecord(ctx, body.side, body.record);
    return answer(pages, request, reply, 'mapping-explain', { m: ctx.mapping, e, json: JSON.stringify });
  });

  app.post('/mappings/:id/preview/json', { preHandler: app.csrfProtection }, async (request, reply) => {
    const { id } = formOf(idParams, request.params, 'path');
    const body = formOf(jsonBody, request.body, 'form');
    const { mapping } = pages.engine.context(id);
    const record = pastedObject(body.json, 'json');
    const table = body.resolve ? pastedObject(body.resolve, 'resolve') : {};
    const p = previewRecord(mapping, body.side, record, resolverOfTable(table));
    return answer(pages, request, reply, 'mapping-preview', { m: mapping, p, json: JSON.stringify });
  });

  app.post('/mappings/:id/accept', { preHandler: app.csrfProtection }, async (request, reply) => {
    const { id } = formOf(idParams, request.params, 'path');
    const body = formOf(acceptBody, request.body, 'form');
    const { mapping } = pages.engine.context(id);
    const hold = await heldNow(pages, mapping);
    if (hold === undefined) throw new FrontbackError(ErrorCode.Conflict, `mapping ${id} is not held (any more)`);
    if (hold.runId !== body.run)
      throw new FrontbackError(
        ErrorCode.Conflict,
        `mapping ${id} was held again (run ${hold.runId}) since the page was shown: reload it and look again`,
      );
    const accepted = await acceptHold(pages.store, id, pages.who(request));
    const from = String((accepted.counts as { side?: unknown }).side ?? '?');
    const done = `accepted: the next pass of ${id} from ${from} goes on without the guard`;
    return reply.redirect(`/console/mappings/${encodeURIComponent(id)}?done=${encodeURIComponent(done)}`, 303);
  });

  for (const [action, label] of [
    ['plan', 'a plan'],
    ['run', 'a run'],
  ] as const) {
    app.post(`/mappings/:id/${action}`, { preHandler: app.csrfProtection }, async (request, reply) => {
      const { id } = formOf(idParams, request.params, 'path');
      const { from } = formOf(planBody, request.body, 'form');
      pages.engine.context(id);
      const jobs = pages.jobs;
      if (jobs === undefined) {
        const message = `plans and runs are not available in this process: ${label} of ${id} was not queued`;
        const html = renderPage(
          'error',
          { title: 'Not available', csrf: '', nav: [] },
          { message, back: `/console/mappings/${encodeURIComponent(id)}` },
        );
        return sendHtml(reply, html, 503);
      }
      const by = pages.who(request);
      const runs = action === 'plan' ? await jobs.plan(id, from, by) : await jobs.runNow(id, from, by);
      const first = runs[0];
      if (first === undefined) {
        const done = `nothing was queued for ${id} from ${from}`;
        return reply.redirect(`/console/mappings/${encodeURIComponent(id)}?done=${encodeURIComponent(done)}`, 303);
      }
      return reply.redirect(`/console/runs/${encodeURIComponent(first.runId)}`, 303);
    });
  }
}
