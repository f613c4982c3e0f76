/**
 * The lease of a mapping's passes (`pass:<mapping>`, one for both sides: they create links
 * of the same pairs, so they never run side by side either): taken for a pass, renewed
 * every third of its length while the pass runs, given up after it. What keeps the passes
 * of one mapping apart across processes (`worker`, `start`, `sync`), with nothing but the
 * store (src/store/lease-repository.ts). The holder names the side (`<process>/<side>`),
 * so a process waiting can tell which side runs elsewhere.
 *
 * A lease saves work and races; it does not carry correctness alone (the store keeps a
 * pass run twice safe): a renewal that finds the lease gone is logged, not fatal.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Side } from '../../mapping/spec.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Lease, LeaseRepository } from '../../store/lease-repository.ts';

/** The lease of the passes of one mapping (both sides: they create links of the same pairs). */
export const passLease = (mapping: string): string => `pass:${mapping}`;

/** How long a pass waits for its mapping at most by default before giving up (the job is retried), ms. */
export const WAIT_FOR_MAPPING_MS = 10 * 60_000;

/**
 * What to do while another process holds the mapping's lease:
 * - `wait`: wait for it (a webhook's pass: its deliveries need a pass after theirs);
 * - `drop-same-side`: a scheduled pass: dropped when the other process runs the same side
 *   (that pass, or the next slot, covers it), else wait;
 * - `refuse`: answer at once that it is busy (`frontback sync`: a person is waiting).
 */
export type WhenBusy = 'wait' | 'drop-same-side' | 'refuse';

/** What {@link MappingLeases.run} answers. */
export type LeaseOutcome<T> =
  | { readonly ran: true; readonly value: T }
  /**
   * Not run: `busy` (refused: `lease` says who holds it), `same-side` (dropped: that side
   * runs elsewhere), `stopping` (the signal was aborted while it waited).
   */
  | { readonly ran: false; readonly reason: 'busy' | 'same-side' | 'stopping'; readonly lease?: Lease };

/** Options of {@link mappingLeases}. */
export interface MappingLeaseOptions {
  readonly leases: LeaseRepository;
  /** This process's name in leases; the side is appended (`<holder>/<side>`). */
  readonly holder: string;
  /** How long the lease lasts unless renewed (renewed every third of it), ms. */
  readonly leaseMs: number;
  /** Where a lost or failed renewal is said. */
  readonly logger: Logger;
  /** Epoch ms; default Date.now. */
  readonly clock?: () => number;
  /** How long a pass waits for its mapping at most, ms; default {@link WAIT_FOR_MAPPING_MS}. */
  readonly waitMs?: number;
  /** Aborted when the process stops: waits for a mapping end at once (answered `stopping`). */
  readonly signal?: AbortSignal;
}

/** The mapping leases of one process. */
export interface MappingLeases {
  /**
   * Takes the lease of `mapping` for a pass of `side` (what `whenBusy` says while another
   * process holds it), runs `work` renewing it every third of its length, gives it up.
   * Throws when it waited longer than `waitMs` (the job is retried), or what `work` throws.
   */
  run<T>(mapping: string, side: Side, whenBusy: WhenBusy, work: () => Promise<T>): Promise<LeaseOutcome<T>>;
  /** The leases held now, by name, with this process's holder of each. */
  held(): ReadonlyMap<string, string>;
  /**
   * Stopping now (Ctrl-C twice): stops renewing and gives up every lease held, so another
   * process (or the next `sync`) goes on at once instead of after the lease runs out. The
   * work still running is not waited for.
   */
  releaseAll(): Promise<void>;
}

interface Held {
  readonly name: string;
  readonly holder: string;
  readonly renew: NodeJS.Timeout;
  readonly context: Readonly<Record<string, unknown>>;
}

/** The mapping leases of a process named `holder`. */
export function mappingLeases(options: MappingLeaseOptions): MappingLeases {
  const { leases, leaseMs, logger } = options;
  const clock = options.clock ?? Date.now;
  const waitMs = options.waitMs ?? WAIT_FOR_MAPPING_MS;
  /** Held leases by name: this process's holder of it, its renewal timer, what to log about it. */
  const held = new Map<string, Held>();

  const release = async (entry: Held): Promise<void> => {
    clearInterval(entry.renew);
    if (held.get(entry.name) === entry) held.delete(entry.name);
    await leases
      .release(entry.name, entry.holder)
      .catch((err: unknown) => logger.warn({ err, ...entry.context }, 'could not release the lease of this pass'));
  };

  /** Answers undefined once the lease is taken, else why not. */
  const take = async (
    name: string,
    me: string,
    side: Side,
    whenBusy: WhenBusy,
  ): Promise<Exclude<LeaseOutcome<never>, { ran: true }> | undefined> => {
    const until = clock() + waitMs;
    while (!(await leases.acquire(name, me, leaseMs))) {
      if (whenBusy === 'refuse') {
        const lease = await leases.get(name);
        return { ran: false, reason: 'busy', ...(lease ? { lease } : {}) };
      }
      if (whenBusy === 'drop-same-side' && (await leases.get(name))?.holder.endsWith(`/${side}`) === true)
        return { ran: false, reason: 'same-side' };
      if (options.signal?.aborted === true) return { ran: false, reason: 'stopping' };
      if (clock() > until)
        throw new Error(`${name}: another process kept this mapping's passes busy; the job is retried`);
      try {
        await sleep(Math.min(1_000, leaseMs / 4), undefined, options.signal ? { signal: options.signal } : {});
      } catch {
        return { ran: false, reason: 'stopping' };
      }
    }
    return undefined;
  };

  return {
    async run(mapping, side, whenBusy, work) {
      const name = passLease(mapping);
      const me = `${options.holder}/${side}`;
      const context = { mapping, side, holder: options.holder };
      const refused = await take(name, me, side, whenBusy);
      if (refused) return refused;
      const renew = setInterval(() => {
        leases.acquire(name, me, leaseMs).then(
          (still) => {
            if (!still)
              logger.warn(
                context,
                'lost the lease of this pass (it ran past the lease, another process may run it too); the store keeps the writes safe',
              );
          },
          (err: unknown) => logger.warn({ err, ...context }, 'could not renew the lease of this pass'),
        );
      }, leaseMs / 3);
      const entry: Held = { name, holder: me, renew, context };
      held.set(name, entry);
      try {
        return { ran: true, value: await work() };
      } finally {
        // Given up already when the process stopped now (releaseAll): releasing again changes nothing.
        await release(entry);
      }
    },
    held: () => new Map([...held].map(([name, { holder }]) => [name, holder])),
    async releaseAll() {
      await Promise.all([...held.values()].map(release));
    },
  };
}
