/**
 * HubSpot's rate limits: a rolling 10-second window per app, a daily budget, and the
 * search endpoints' own per-second limit. Every vendor answer carries the
 * `X-HubSpot-RateLimit-*` headers; a refused request gets HubSpot's exact 429 body
 * (CONNECTORS.md "Rate limits"). Refused requests do not use up the window.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SandboxClock } from '../../../src/connector/sandbox/clock.ts';

/** Rate-limit settings; changeable while running (`PUT /_sandbox/limits`). */
export interface RateLimitSettings {
  /** Requests per rolling interval. Default 190 (Professional/Enterprise private app). */
  max: number;
  /** Rolling interval length, milliseconds. Default 10,000. */
  intervalMs: number;
  /** Requests per UTC day. Default 1,000,000. */
  daily: number;
  /** Search requests per second. Default 5 (unconfirmed; HubSpot documents "about 4-5"). */
  searchPerSecond: number;
}

/** The defaults. */
export function defaultRateLimits(): RateLimitSettings {
  return { max: 190, intervalMs: 10_000, daily: 1_000_000, searchPerSecond: 5 };
}

/** zod schema for a partial update (control API). */
export const rateLimitPatchSchema = z
  .object({
    max: z.number().int().min(1),
    intervalMs: z.number().int().min(1),
    daily: z.number().int().min(1),
    searchPerSecond: z.number().int().min(1),
  })
  .partial()
  .strict();

/** Outcome of {@link RateLimiter.take}. */
export interface RateDecision {
  /** Headers to send with the answer. */
  headers: Record<string, string>;
  /** When refused: the 429 body. */
  refused?: Record<string, unknown>;
}

const DAY_MS = 86_400_000;

/** Rolling-window, daily and search limits of one sandbox app. */
export class RateLimiter {
  private window: number[] = [];
  private searches: number[] = [];
  private day = -1;
  private usedToday = 0;

  constructor(
    private readonly clock: SandboxClock,
    readonly settings: RateLimitSettings = defaultRateLimits(),
  ) {}

  /** Counts one request (a search when `search`), or refuses it. */
  take(search: boolean): RateDecision {
    const now = this.clock.now();
    const s = this.settings;
    this.window = this.window.filter((t) => t > now - s.intervalMs);
    this.searches = this.searches.filter((t) => t > now - 1000);
    const today = Math.floor(now / DAY_MS);
    if (today !== this.day) {
      this.day = today;
      this.usedToday = 0;
    }
    const headers = (used: number, usedDaily: number): Record<string, string> => ({
      'X-HubSpot-RateLimit-Max': String(s.max),
      'X-HubSpot-RateLimit-Remaining': String(Math.max(0, s.max - used)),
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(s.intervalMs),
      'X-HubSpot-RateLimit-Daily': String(s.daily),
      'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, s.daily - usedDaily)),
    });
    const refuse = (message: string, policyName: string): RateDecision => ({
      headers: headers(this.window.length, this.usedToday),
      refused: { status: 'error', message, errorType: 'RATE_LIMIT', correlationId: randomUUID(), policyName },
    });
    if (this.usedToday >= s.daily) return refuse('You have reached your daily limit.', 'DAILY');
    if (this.window.length >= s.max)
      return refuse('You have reached your ten_secondly_rolling limit.', 'TEN_SECONDLY_ROLLING');
    if (search && this.searches.length >= s.searchPerSecond)
      return refuse('You have reached your secondly limit.', 'SECONDLY');
    this.window.push(now);
    if (search) this.searches.push(now);
    this.usedToday += 1;
    return { headers: headers(this.window.length, this.usedToday) };
  }

  /** Forgets all usage (reset). */
  reset(): void {
    this.window = [];
    this.searches = [];
    this.usedToday = 0;
  }
}
