/**
 * Fault injection settings shared by every sandbox. The kit applies them to vendor
 * requests (everything outside `/_sandbox/`); they can be changed while running through
 * `PUT /_sandbox/faults`.
 */
import { z } from 'zod';

/** What goes wrong, on purpose, with vendor requests. */
export interface FaultSettings {
  /** Milliseconds added to each vendor request before it is handled. Default 0. */
  latencyMs: number;
  /** Share (0..1) of vendor requests answered with an injected 500. Default 0. */
  errorRate: number;
  /** The next N vendor requests answer 503; counts down. Default 0. */
  burst5xx: number;
  /**
   * The next N writes are committed and then the socket is destroyed without a
   * response (a "lost response"); counts down. Default 0.
   */
  dropAfterCommit: number;
  /**
   * The next `count` writes are committed and then their responses are held back for
   * `ms` milliseconds (a slow answer after the commit); the count goes down with each.
   * A hold ends early when the client goes away. Default `{ count: 0, ms: 0 }`.
   */
  holdAfterCommit: HoldAfterCommit;
}

/** How many committed writes have their responses held back, and for how long. */
export interface HoldAfterCommit {
  /** Writes still to hold; counts down. */
  count: number;
  /** How long each response is held, ms. */
  ms: number;
}

/** The defaults: no faults at all. */
export function defaultFaults(): FaultSettings {
  return { latencyMs: 0, errorRate: 0, burst5xx: 0, dropAfterCommit: 0, holdAfterCommit: { count: 0, ms: 0 } };
}

/** zod schema for a partial update of the fault settings (control API input). */
export const faultPatchSchema = z
  .object({
    latencyMs: z.number().int().min(0).max(600_000),
    errorRate: z.number().min(0).max(1),
    burst5xx: z.number().int().min(0),
    dropAfterCommit: z.number().int().min(0),
    holdAfterCommit: z.object({ count: z.number().int().min(0), ms: z.number().int().min(0).max(600_000) }).strict(),
  })
  .partial()
  .strict();

/** A validated partial update of {@link FaultSettings}. */
export type FaultPatch = z.infer<typeof faultPatchSchema>;
