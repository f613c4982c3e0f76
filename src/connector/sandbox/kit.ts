/**
 * The vendor-neutral half of every sandbox: request/write counters per endpoint, fault
 * injection on vendor paths, and the control API under `/_sandbox/` (stats, reset,
 * faults, clock). A vendor sandbox calls {@link registerSandboxKit} first, so the kit's
 * hook runs before the vendor's own auth and rate limiting.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ErrorCode } from '../../errors.ts';
import { ManualClock, type SandboxClock } from './clock.ts';
import { defaultFaults, faultPatchSchema, type FaultSettings } from './faults.ts';

/** Prefix of the control routes; everything else is a vendor path. */
export const CONTROL_PREFIX = '/_sandbox/';

/** Options of {@link registerSandboxKit}. */
export interface SandboxKitOptions {
  /** Sandbox name shown in stats, e.g. `hubspot`. */
  name: string;
  /** The clock the sandbox lives in; `POST /_sandbox/clock` works only with a ManualClock. */
  clock: SandboxClock;
  /** Initial faults; unspecified fields take {@link defaultFaults}. Reset restores these defaults, not this value. */
  faults?: Partial<FaultSettings>;
  /** Vendor-shaped body for an injected 500/503 (called with that status). */
  errorBody: (status: number) => unknown;
  /** HTTP status used for injected faults instead of 500/503 (Odoo JSON-RPC answers faults as 200). */
  errorStatusOverride?: number;
  /** Called by `POST /_sandbox/reset`; with `data: true` the sandbox reseeds its records. */
  onReset?: (opts: { data: boolean }) => void | Promise<void>;
  /** Extra facts merged into `GET /_sandbox/stats`. */
  state?: () => Record<string, unknown>;
  /** Random source for `errorRate` (0..1); default Math.random. Tests pass a seeded one. */
  random?: () => number;
}

/** Per-endpoint counters, keyed by `"METHOD /route/pattern"`. */
export interface SandboxCounters {
  /** Vendor requests received (including those answered by an injected fault). */
  requests: Record<string, number>;
  /** Records committed by writes. */
  writes: Record<string, number>;
}

/** What a vendor sandbox gets back from the kit. */
export interface SandboxKit {
  /** The live, mutable fault settings. */
  faults: FaultSettings;
  /** A copy of the counters. */
  counters(): SandboxCounters;
  /** Counts `count` (default 1) committed writes against the request's endpoint. */
  recordWrite(request: FastifyRequest, count?: number): void;
  /**
   * Call right after a write committed, before replying. When a dropAfterCommit fault
   * is armed it destroys the connection and returns true: the handler must then return
   * without replying. When a holdAfterCommit fault is armed the reply, once sent, is held
   * back for its `ms` (returns false: the handler replies as usual).
   */
  afterCommit(request: FastifyRequest, reply: FastifyReply): boolean;
  /** Counters and faults back to defaults (what `POST /_sandbox/reset` does before onReset). */
  resetCounters(): void;
}

/** True when the URL is a control route rather than a vendor path. */
export function isControlPath(url: string): boolean {
  return url.startsWith(CONTROL_PREFIX) || url === '/_sandbox';
}

/** The `"METHOD /route/pattern"` key of a request (the raw path when no route matched). */
export function endpointKey(request: FastifyRequest): string {
  const pattern = request.routeOptions.url ?? request.url.split('?')[0] ?? request.url;
  return `${request.method} ${pattern}`;
}

const resetSchema = z.object({ data: z.boolean().optional() }).strict();
const clockSchema = z.union([
  z.object({ advanceMs: z.number().int().min(0) }).strict(),
  z.object({ setMs: z.number().int().min(0) }).strict(),
]);

function bump(map: Record<string, number>, key: string, by: number): void {
  map[key] = (map[key] ?? 0) + by;
}

/** Waits `ms` before a response goes out, or less if the client goes away meanwhile. */
async function holdResponse(reply: FastifyReply, ms: number): Promise<void> {
  const gone = new AbortController();
  const abort = (): void => gone.abort();
  reply.raw.once('close', abort);
  try {
    await sleep(ms, undefined, { signal: gone.signal });
  } catch {
    // The client hung up (a killed worker): nobody is waiting for this answer any more.
  } finally {
    reply.raw.off('close', abort);
  }
}

function badRequest(reply: FastifyReply, issues: z.core.$ZodIssue[]): FastifyReply {
  return reply.code(400).send({
    error: { code: ErrorCode.Validation, message: 'invalid control request', details: { issues } },
  });
}

/** Adds counters, fault injection and the `/_sandbox/` control routes to a sandbox app. */
export function registerSandboxKit(app: FastifyInstance, options: SandboxKitOptions): SandboxKit {
  const faults: FaultSettings = { ...defaultFaults(), ...options.faults };
  let requests: Record<string, number> = {};
  let writes: Record<string, number> = {};
  const random = options.random ?? Math.random;
  // Responses to hold back after their commit, and for how long (ms).
  const held = new WeakMap<FastifyRequest, number>();

  const kit: SandboxKit = {
    faults,
    counters: () => ({ requests: { ...requests }, writes: { ...writes } }),
    recordWrite: (request, count = 1) => bump(writes, endpointKey(request), count),
    afterCommit: (request, reply) => {
      if (faults.dropAfterCommit > 0) {
        faults.dropAfterCommit -= 1;
        // Tell fastify we own the response, then drop the connection: the client sees a
        // reset with no status although the write is committed (a "lost response").
        reply.hijack();
        reply.raw.destroy();
        return true;
      }
      const hold = faults.holdAfterCommit;
      if (hold.count > 0) {
        // A new object: the one given as initial faults stays as the caller wrote it.
        faults.holdAfterCommit = { count: hold.count - 1, ms: hold.ms };
        held.set(request, hold.ms);
      }
      return false;
    },
    resetCounters: () => {
      requests = {};
      writes = {};
      Object.assign(faults, defaultFaults());
    },
  };

  const injectFault = (reply: FastifyReply, status: number): FastifyReply =>
    reply.code(options.errorStatusOverride ?? status).send(options.errorBody(status));

  app.addHook('onRequest', async (request, reply) => {
    if (isControlPath(request.url)) return;
    bump(requests, endpointKey(request), 1);
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (faults.burst5xx > 0) {
      faults.burst5xx -= 1;
      return injectFault(reply, 503);
    }
    if (faults.errorRate > 0 && random() < faults.errorRate) return injectFault(reply, 500);
  });

  // The committed write's answer is ready; a holdAfterCommit fault keeps it back a while.
  app.addHook('onSend', async (request, reply) => {
    const ms = held.get(request);
    if (ms === undefined) return;
    held.delete(request);
    await holdResponse(reply, ms);
  });

  app.get('/_sandbox/stats', async () => ({
    name: options.name,
    ...kit.counters(),
    faults: { ...faults },
    ...options.state?.(),
  }));

  app.post('/_sandbox/reset', async (request, reply) => {
    const parsed = resetSchema.safeParse(request.body ?? {});
    if (!parsed.success) return badRequest(reply, parsed.error.issues);
    kit.resetCounters();
    const data = parsed.data.data ?? false;
    await options.onReset?.({ data });
    return { ok: true, data };
  });

  app.get('/_sandbox/faults', async () => ({ ...faults }));

  app.put('/_sandbox/faults', async (request, reply) => {
    const parsed = faultPatchSchema.safeParse(request.body ?? {});
    if (!parsed.success) return badRequest(reply, parsed.error.issues);
    Object.assign(faults, parsed.data);
    return { ...faults };
  });

  app.post('/_sandbox/clock', async (request, reply) => {
    const clock = options.clock;
    if (!(clock instanceof ManualClock)) {
      return reply.code(409).send({
        error: {
          code: ErrorCode.Conflict,
          message: 'this sandbox runs on the system clock; start it with a manual clock',
          details: {},
        },
      });
    }
    const parsed = clockSchema.safeParse(request.body ?? {});
    if (!parsed.success) return badRequest(reply, parsed.error.issues);
    if ('advanceMs' in parsed.data) clock.advance(parsed.data.advanceMs);
    else clock.set(parsed.data.setMs);
    return { nowMs: clock.now(), now: new Date(clock.now()).toISOString() };
  });

  return kit;
}
