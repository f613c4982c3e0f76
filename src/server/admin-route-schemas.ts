/**
 * The schema of each admin route (admin-routes.ts): the zod schemas fastify validates its
 * path, query and body with, and what the OpenAPI document says of it (summary, tags, the
 * answers). The convention is in admin-schemas.ts.
 */
import { z } from 'zod';
import {
  AdminTag,
  adminSchemaRegistry,
  by,
  errorResponses,
  idParams,
  isoTime,
  jsonValue,
  limit,
  side,
  adminRoute,
} from './admin-schemas.ts';

// The records the API answers with, as the store keeps them: the fields a client relies on
// (loose: a field added to the store is answered before it is described here).

const run = z
  .looseObject({
    id: z.string(),
    mappingId: z.string(),
    trigger: z.string().describe('What started it: `pass:crm`, `webhook`, `resolve:<conflict>`, ...'),
    status: z
      .enum(['queued', 'running', 'succeeded', 'failed', 'guarded', 'stopped'])
      .describe('`queued` until a worker takes a plan or run asked for (POST .../plan, .../run).'),
    startedAt: isoTime,
    finishedAt: isoTime.nullable(),
    counts: z.record(z.string(), z.unknown()).describe('Counts by outcome so far: read, applied, skipped, ...'),
    timings: z.record(z.string(), z.unknown()).describe('Milliseconds by phase.'),
    error: z.string().nullable(),
    progress: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe('Per stream: pages, read, written, rate, total and ETA where known; null before the first page.'),
  })
  .describe('A pass or another run (a resolution, a replay).');
adminSchemaRegistry.add(run, { id: 'Run' });

const hold = z
  .looseObject({
    mappingId: z.string(),
    mappingVersion: z.string(),
    runId: z.string(),
    reason: z.string(),
    counts: z.record(z.string(), z.unknown()),
    heldAt: isoTime,
    acceptedAt: isoTime.nullable(),
    acceptedBy: z.string().nullable(),
  })
  .describe("A mapping's create guard stopped a pass; its passes wait until a person accepts.");
adminSchemaRegistry.add(hold, { id: 'Hold' });

const conflict = z
  .looseObject({
    id: z.string(),
    mappingId: z.string(),
    linkId: z.string(),
    field: z.string(),
    crmValue: jsonValue,
    erpValue: jsonValue,
    status: z.enum(['open', 'resolved']),
    resolution: z.record(z.string(), z.unknown()).nullable(),
    resolvedBy: z.string().nullable(),
    resolvedAt: isoTime.nullable(),
    createdAt: isoTime,
  })
  .describe('A field changed on both sides that the rules left to a person.');
adminSchemaRegistry.add(conflict, { id: 'Conflict' });

const match = z
  .looseObject({
    id: z.string(),
    mappingId: z.string(),
    side,
    recordId: z.string(),
    kind: z.enum(['ambiguous', 'waiting']),
    reason: z.string(),
    candidates: z.array(z.record(z.string(), z.unknown())),
    status: z.enum(['open', 'resolved', 'closed']),
    decision: z.record(z.string(), z.unknown()).nullable(),
    decidedBy: z.string().nullable(),
    decidedAt: isoTime.nullable(),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .describe('A record waiting for a person (ambiguous candidates) or for its partner.');
adminSchemaRegistry.add(match, { id: 'Match' });

const deadLetter = z
  .looseObject({
    id: z.string(),
    mappingId: z.string(),
    connection: z.string().describe('The target connection.'),
    side: side.describe('The side the source record lives on.'),
    recordId: z.string(),
    payload: jsonValue,
    message: z.string().describe("The target's error message, verbatim."),
    attempts: z.number().int(),
    status: z.enum(['open', 'replayed', 'discarded']),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .describe('A change a target refused.');
adminSchemaRegistry.add(deadLetter, { id: 'DeadLetter' });

const delivery = z
  .looseObject({
    id: z.string(),
    source: z.string().describe('The connection it came from.'),
    deliveryKey: z.string(),
    payload: jsonValue,
    status: z.enum(['pending', 'processing', 'done', 'failed']),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    receivedAt: isoTime,
    updatedAt: isoTime,
  })
  .describe('A webhook delivery in the inbox.');
adminSchemaRegistry.add(delivery, { id: 'Delivery' });

const problem = z
  .looseObject({
    id: z.string(),
    mappingId: z.string(),
    side,
    recordId: z.string(),
    target: side,
    field: z.string(),
    reason: z.string(),
    firstSeen: isoTime,
    lastSeen: isoTime,
    runId: z.string(),
  })
  .describe('A field a pass left out of a write.');
adminSchemaRegistry.add(problem, { id: 'Problem' });

const auditEntry = z
  .looseObject({
    seq: z.number().int(),
    at: isoTime,
    runId: z.string().nullable(),
    mappingId: z.string().nullable(),
    crmId: z.string().nullable(),
    erpId: z.string().nullable(),
    action: z.string(),
    rule: z.string().nullable(),
    actor: z.string(),
    changes: z.record(z.string(), z.unknown()),
    details: z.record(z.string(), z.unknown()).nullable(),
    prevHash: z.string(),
    hash: z.string(),
    canonical: z.string(),
  })
  .describe('An entry of the hash-chained audit log.');
adminSchemaRegistry.add(auditEntry, { id: 'AuditEntry' });

const plan = z
  .looseObject({
    seq: z.number().int(),
    from: side,
    id: z.string(),
    partnerId: z.string().optional(),
    action: z.string(),
    reason: z.string(),
    patch: z.strictObject({ crm: z.record(z.string(), z.unknown()), erp: z.record(z.string(), z.unknown()) }),
    decisions: z.array(z.record(z.string(), z.unknown())),
    problems: z.array(z.record(z.string(), z.unknown())),
  })
  .describe("A dry run's plan for one record.");
adminSchemaRegistry.add(plan, { id: 'Plan' });

// The requests.

const mappingFilter = z.string().min(1).optional().describe('Only this mapping.');
const mappingQuery = z.strictObject({ mapping: mappingFilter, limit });
const openFirst = 'Default: open.';

/** `GET /admin/mappings`. */
export const listMappings = adminRoute({
  summary: 'The loaded mappings',
  description:
    "Each mapping's sides, rules and schedule, its last run, and `held`: the hold of its create guard, or null.",
  tags: [AdminTag.Mappings],
  response: {
    200: z.strictObject({
      mappings: z.array(
        z.looseObject({
          id: z.string(),
          version: z.string(),
          sides: z.unknown(),
          conflicts: z.unknown(),
          deletes: z.unknown(),
          schedule: z.unknown(),
          lastRun: run.nullable(),
          held: hold.nullable(),
        }),
      ),
    }),
    ...errorResponses(),
  },
});

/** `POST /admin/mappings/:id/dry-run`. */
export const dryRun = adminRoute({
  summary: 'A dry run of a mapping',
  description:
    'One pass per side with nothing written anywhere and cursors left as they are; answers each run, the ' +
    'records read, counts by action, and where to page through its stored plans.',
  tags: [AdminTag.Mappings],
  params: idParams,
  body: z
    .strictObject({ from: z.enum(['crm', 'erp', 'both']).default('both').describe('The side(s) to read from.') })
    .default({ from: 'both' }),
  response: {
    200: z.strictObject({
      mapping: z.string(),
      dryRun: z.literal(true),
      passes: z.array(
        z.strictObject({
          from: side,
          runId: z.string(),
          read: z.number().int(),
          counts: z.strictObject({
            sync: z.number().int(),
            create: z.number().int(),
            archive: z.number().int(),
            delete: z.number().int(),
            skip: z.number().int(),
          }),
          identity: z.unknown().describe('How records found their partners (linked, matched, waiting, ...).'),
          guarded: z.unknown().describe("Where a real pass would stop at the mapping's create guard."),
          plans: z.string().describe('Where to page through the stored plans.'),
        }),
      ),
    }),
    ...errorResponses(400, 404),
  },
});

/** `POST /admin/mappings/:id/accept`. */
export const acceptHold = adminRoute({
  summary: 'Let a mapping held by its create guard go on',
  description:
    'Its next pass from the held side creates without the guard. Audited. 404 without a hold, 409 when already ' +
    'accepted.',
  tags: [AdminTag.Mappings],
  params: idParams,
  body: z.strictObject({ by }).default({}),
  response: { 200: z.strictObject({ hold }), ...errorResponses(400, 404, 409) },
});

/** `GET /admin/runs`. */
export const listRuns = adminRoute({
  summary: 'Runs, newest first',
  description: 'Trigger, status, counts, timings, error and progress of each.',
  tags: [AdminTag.Runs],
  querystring: mappingQuery,
  response: { 200: z.strictObject({ runs: z.array(run) }), ...errorResponses(400) },
});

/** `GET /admin/runs/:id`. */
export const getRun = adminRoute({
  summary: 'One run',
  description: 'With its stored plans counted by action; while it runs, its counts so far and `progress`.',
  tags: [AdminTag.Runs],
  params: idParams,
  response: {
    200: z.strictObject({ run, plans: z.record(z.string(), z.number().int()).describe('Stored plans by action.') }),
    ...errorResponses(400, 404),
  },
});

/** `GET /admin/runs/:id/plans`. */
export const listPlans = adminRoute({
  summary: "A dry run's plans, in order",
  description:
    'Side, record, partner, action, reason, the patch per side, the merge decisions, fields left out. `next` ' +
    'names the following page.',
  tags: [AdminTag.Runs],
  params: idParams,
  querystring: z.strictObject({
    after: z.coerce.number().int().min(0).optional().describe('Plans after this `seq`.'),
    limit,
    action: z.enum(['sync', 'create', 'archive', 'delete', 'skip']).optional().describe('Only this action.'),
  }),
  response: {
    200: z.strictObject({
      run: z.string(),
      plans: z.array(plan),
      next: z.string().optional().describe('The following page, when this one is full.'),
    }),
    ...errorResponses(400, 404),
  },
});

/** `GET /admin/matches`. */
export const listMatches = adminRoute({
  summary: 'Records waiting for a person or for their partner',
  description: `With their candidates (docs/identity.md). ${openFirst}`,
  tags: [AdminTag.Matches],
  querystring: z.strictObject({
    mapping: mappingFilter,
    kind: z.enum(['ambiguous', 'waiting']).optional(),
    status: z.enum(['open', 'resolved', 'closed']).optional(),
    after: z.string().min(1).max(200).optional().describe('Page on after this id.'),
    limit,
  }),
  response: { 200: z.strictObject({ matches: z.array(match) }), ...errorResponses(400) },
});

/** `POST /admin/matches/:id/resolve`. */
export const resolveMatch = adminRoute({
  summary: "A person's decision on a match",
  description:
    'Link to a candidate, create the partner, or never sync the record; carried out at once and audited. 409 ' +
    'when already decided.',
  tags: [AdminTag.Matches],
  params: idParams,
  body: z
    .strictObject({
      choice: z.enum(['link', 'create', 'never']),
      partnerId: z.string().trim().min(1).max(200).optional().describe('The partner to link to: with `link` only.'),
      by,
    })
    .refine((b) => (b.choice === 'link') === (b.partnerId !== undefined), {
      message: 'partnerId is needed with choice "link", and only then',
      path: ['partnerId'],
    }),
  response: {
    200: z.strictObject({
      match,
      runId: z.string().optional(),
      status: z.string().optional().describe('What carrying it out did (`applied`, `failed`, ...).'),
      partnerId: z.string().nullable().optional(),
    }),
    ...errorResponses(400, 404, 409),
  },
});

/** `GET /admin/conflicts`. */
export const listConflicts = adminRoute({
  summary: 'Parked conflicts',
  description: `With both values. ${openFirst}`,
  tags: [AdminTag.Conflicts],
  querystring: mappingQuery.extend({ status: z.enum(['open', 'resolved']).optional() }),
  response: { 200: z.strictObject({ conflicts: z.array(conflict) }), ...errorResponses(400) },
});

/** `GET /admin/conflicts/:id`. */
export const getConflict = adminRoute({
  summary: 'One conflict',
  tags: [AdminTag.Conflicts],
  params: idParams,
  response: { 200: z.strictObject({ conflict }), ...errorResponses(400, 404) },
});

/** `POST /admin/conflicts/:id/resolve`. */
export const resolveConflict = adminRoute({
  summary: 'Resolve a conflict',
  description:
    "The chosen side's value is written to the other side now, the conflict closed, the decision audited. 409 " +
    'when already resolved.',
  tags: [AdminTag.Conflicts],
  params: idParams,
  body: z.strictObject({ take: side.describe('The side whose value wins.'), by }),
  response: {
    200: z.strictObject({
      conflict,
      runId: z.string(),
      written: z
        .strictObject({ crm: z.record(z.string(), z.unknown()), erp: z.record(z.string(), z.unknown()) })
        .describe('What was written to each side.'),
    }),
    ...errorResponses(400, 404, 409),
  },
});

/** `GET /admin/dead-letters`. */
export const listDeadLetters = adminRoute({
  summary: 'Changes a target refused',
  description: `With the target's message, the attempts and the side the source record lives on. ${openFirst}`,
  tags: [AdminTag.DeadLetters],
  querystring: mappingQuery.extend({
    status: z.enum(['open', 'replayed', 'discarded']).optional(),
    side: side.optional().describe('Only those whose source record lives on this side.'),
  }),
  response: { 200: z.strictObject({ deadLetters: z.array(deadLetter) }), ...errorResponses(400) },
});

/** `GET /admin/dead-letters/:id`. */
export const getDeadLetter = adminRoute({
  summary: 'One dead letter',
  tags: [AdminTag.DeadLetters],
  params: idParams,
  response: { 200: z.strictObject({ deadLetter }), ...errorResponses(400, 404) },
});

/** `POST /admin/dead-letters/:id/replay`. */
export const replayDeadLetter = adminRoute({
  summary: 'Replay a dead letter',
  description:
    "Syncs the source record again as it is now; answers `applied`, or `failed` with the target's new message " +
    'and the dead letter still open.',
  tags: [AdminTag.DeadLetters],
  params: idParams,
  body: z.strictObject({ by }).default({}),
  response: {
    200: z.strictObject({
      deadLetter,
      runId: z.string(),
      status: z.string().describe('`applied` or `failed`, ...'),
      message: z.string().optional().describe("The target's message, when it refused again."),
      reason: z.string(),
    }),
    ...errorResponses(400, 404, 409),
  },
});

/** `POST /admin/dead-letters/:id/discard`. */
export const discardDeadLetter = adminRoute({
  summary: 'Discard a dead letter',
  description: 'Closes it without writing; audited with the reason. 409 when already closed.',
  tags: [AdminTag.DeadLetters],
  params: idParams,
  body: z.strictObject({ reason: z.string().trim().min(1).max(2000).describe('Why, for the audit log.'), by }),
  response: { 200: z.strictObject({ deadLetter }), ...errorResponses(400, 404, 409) },
});

/** `GET /admin/inbox`. */
export const listInbox = adminRoute({
  summary: 'Webhook deliveries not done',
  description: 'With the last error. Default: pending, processing and failed.',
  tags: [AdminTag.Inbox],
  querystring: z.strictObject({ status: z.enum(['pending', 'processing', 'failed']).optional(), limit }),
  response: { 200: z.strictObject({ deliveries: z.array(delivery) }), ...errorResponses(400) },
});

/** `POST /admin/inbox/:id/retry`. */
export const retryDelivery = adminRoute({
  summary: 'Put a delivery back to pending',
  description: 'The running loop takes it again (a delivery is only a hint; retrying is always safe).',
  tags: [AdminTag.Inbox],
  params: idParams,
  response: {
    200: z.strictObject({ delivery, was: z.string().describe('Its status before.') }),
    ...errorResponses(400, 404),
  },
});

/** `GET /admin/problems`. */
export const listProblems = adminRoute({
  summary: 'Fields passes left out of a write',
  description: 'Per record, oldest first, with counts per field and reason (docs/problems.md).',
  tags: [AdminTag.Problems],
  querystring: z.strictObject({
    mapping: z.string().min(1).max(200).optional().describe('Only this mapping.'),
    field: z.string().min(1).max(200).optional().describe("Only this field rule's."),
    after: z.string().min(1).max(200).optional().describe('Page on after this id.'),
    limit,
  }),
  response: {
    200: z.strictObject({
      problems: z.array(problem),
      counts: z.array(
        z.looseObject({ mappingId: z.string(), field: z.string(), reason: z.string(), count: z.number().int() }),
      ),
    }),
    ...errorResponses(400),
  },
});

/** `GET /admin/audit`. */
export const listAudit = adminRoute({
  summary: 'Audit entries',
  description:
    'After a seq (default: the last `limit`), only those of `action` (comma-separated), `mapping` and `record` ' +
    'when given (docs/audit.md).',
  tags: [AdminTag.Audit],
  querystring: z.strictObject({
    after: z.coerce.number().int().min(0).optional().describe('Entries after this seq.'),
    limit,
    action: z.string().max(500).optional().describe('Comma-separated actions: `applied,waiting`.'),
    mapping: z.string().max(200).optional().describe('Only this mapping.'),
    record: z.string().max(300).optional().describe('`crm:<id>`, `erp:<id>`, or an id on either side.'),
  }),
  response: { 200: z.strictObject({ entries: z.array(auditEntry) }), ...errorResponses(400) },
});

/** `GET /admin/audit/verify`. */
export const verifyAudit = adminRoute({
  summary: 'Check the audit chain',
  description:
    'Against the signed checkpoints when configured (docs/audit.md): `{ok: true, count, head, checkpoints, ' +
    'anchored, unanchored}` or `{ok: false, problems}`; without checkpoints, `checkpoints` says what the chain ' +
    'alone cannot prove, or the first broken entry.',
  tags: [AdminTag.Audit],
  response: {
    200: z.looseObject({
      ok: z.boolean(),
      count: z.number().int().optional(),
      checkpoints: z.union([z.number().int(), z.string()]).optional(),
      problems: z.array(z.string()).optional(),
    }),
    ...errorResponses(),
  },
});

/** The answer of `POST /admin/mappings/:id/plan` and `/run`: a queued run per side, to poll. */
const queuedRuns = z.strictObject({
  mapping: z.string(),
  runs: z.array(
    z.strictObject({
      side,
      runId: z.string(),
      href: z.string().describe('Where to poll the run (`GET /admin/runs/:id`): `queued`, then `running`, then ended.'),
      plans: z.string().describe("Where to page through the run's stored plans (`GET /admin/runs/:id/plans`)."),
    }),
  ),
});

/** The body of `POST /admin/mappings/:id/plan` and `/run`. */
const passRequest = z
  .strictObject({
    from: z.enum(['crm', 'erp', 'both']).default('both').describe('The side to read, or both (one run each).'),
    by,
  })
  .default({ from: 'both' });

/** `POST /admin/mappings/:id/plan`. */
export const planMapping = adminRoute({
  summary: 'Queue a dry run (plan) of a mapping',
  description:
    'Records a run `queued` per side (audited `requested`) and answers 202 at once; a worker (or, in an embedded ' +
    '`serve`, this process in the background) runs it without writing anything and stores its plans. 404 for an ' +
    'unknown mapping, or when this process cannot run passes.',
  tags: [AdminTag.Mappings],
  params: idParams,
  body: passRequest,
  response: {
    202: { description: 'The runs, queued', content: { 'application/json': { schema: queuedRuns } } },
    ...errorResponses(400, 404),
  },
});

/** `POST /admin/mappings/:id/run`. */
export const runMapping = adminRoute({
  summary: 'Queue a pass of a mapping now',
  description:
    'As a plan, but the pass writes (attributed to the admin: actor `admin`, `by` in the audit log). It waits for a ' +
    'pass of the same mapping running elsewhere; a mapping held by its create guard ends the run `guarded`.',
  tags: [AdminTag.Mappings],
  params: idParams,
  body: passRequest,
  response: {
    202: { description: 'The runs, queued', content: { 'application/json': { schema: queuedRuns } } },
    ...errorResponses(400, 404),
  },
});
