/**
 * The console's audit log (GET /console/audit): entries searchable by record (`crm:<id>`,
 * `erp:<id>` or an id on either side), mapping, action and time (from, inclusive; to,
 * exclusive; UTC), the filter `audit tail` and `GET /admin/audit` use; each entry opens to
 * its field changes (before and after), rule, actor and details (who decided, why). Paged
 * in chain order: the newest entries first, then forward from any entry (`after`). Verify
 * (GET /console/audit/verify) runs the chain check, against the signed checkpoints when
 * they are configured, like `GET /admin/audit/verify`, and says where the chain breaks.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { verifyWithCheckpoints } from '../../../store/audit/checkpoint-verify.ts';
import { AUDIT_ACTIONS, parseAuditFilter } from '../../../store/audit/filter.ts';
import type { AuditEntry } from '../../../store/audit-repository.ts';
import { NO_CHECKPOINTS } from '../../admin-routes.ts';
import type { ConsolePages } from '../index.ts';
import { parseInput } from '../input.ts';

/** Entries per page. */
export const AUDIT_PAGE = 50;

const auditQuery = z.object({
  record: z.string().max(300).optional(),
  mapping: z.string().max(200).optional(),
  action: z.string().max(500).optional(),
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
  after: z.coerce.number().int().min(0).optional(),
});

/** A JSON value as one line of text (a field's before or after). */
const text = (value: unknown): string => (value === null || value === undefined ? '—' : JSON.stringify(value));

/** An entry as the page shows it. */
function rowOf(entry: AuditEntry) {
  const by = entry.details?.by;
  return {
    entry,
    by: typeof by === 'string' ? by : undefined,
    changes: Object.entries(entry.changes).map(([field, c]) => ({
      field,
      before: text(c.before),
      after: text(c.after),
    })),
    details: entry.details === null ? undefined : JSON.stringify(entry.details, null, 2),
  };
}

/** What Verify says: ok or where it breaks, and what the checkpoints showed (or that there are none). */
async function verdict(pages: ConsolePages): Promise<Record<string, unknown>> {
  const checkpoints = pages.checkpoints;
  if (checkpoints === undefined) {
    const result = await pages.store.audit.verify();
    return result.ok
      ? { ok: true, count: result.count, head: result.head, caveat: NO_CHECKPOINTS }
      : { ok: false, count: result.count, broken: result.firstBroken, caveat: NO_CHECKPOINTS };
  }
  const result = await verifyWithCheckpoints(pages.store.audit, checkpoints.lines(), checkpoints.trusted);
  return result.ok
    ? {
        ok: true,
        count: result.count,
        head: result.head,
        checkpoints: result.checkpoints,
        anchored: result.anchored,
        unanchored: result.unanchored,
      }
    : { ok: false, count: result.intact, problems: result.problems };
}

/** Registers the audit pages. */
export function auditPage(app: FastifyInstance, pages: ConsolePages): void {
  pages.nav({ href: '/console/audit', label: 'Audit' });

  app.get('/audit', async (request, reply) => {
    const q = parseInput(auditQuery, request.query, 'query');
    const filter = parseAuditFilter(q, {
      action: 'query.action',
      mapping: 'query.mapping',
      record: 'query.record',
      from: 'query.from',
      to: 'query.to',
    });
    const entries =
      q.after === undefined
        ? await pages.store.audit.tail(AUDIT_PAGE, filter)
        : await pages.store.audit.after(q.after, AUDIT_PAGE, filter);
    const search = Object.entries({ ...q, after: undefined }).filter(
      (kv): kv is [string, string] => kv[1] !== undefined,
    );
    const link = (after: number) => `/console/audit?${new URLSearchParams([...search, ['after', String(after)]])}`;
    const last = entries.at(-1);
    return pages.page(
      request,
      reply,
      'audit',
      'Audit log',
      {
        q,
        actions: AUDIT_ACTIONS,
        mappings: pages.engine.mappings.map((m) => m.id),
        rows: entries.map(rowOf),
        newest: q.after !== undefined,
        start: link(0),
        next: q.after !== undefined && last && entries.length === AUDIT_PAGE ? link(last.seq) : undefined,
        newestLink: `/console/audit?${new URLSearchParams(search)}`,
      },
      '/console/audit',
    );
  });

  app.get('/audit/verify', async (request, reply) => {
    const data = await verdict(pages);
    if (request.headers['hx-request'] !== undefined) return pages.fragment(request, reply, 'audit-verify', data);
    return pages.page(request, reply, 'audit-verify', 'Audit log verification', data, '/console/audit');
  });
}
