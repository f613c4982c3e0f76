/**
 * Leases: a named right, held by one process at a time until it expires, taken and renewed
 * by compare-and-set in SQL. What keeps the processes of distributed mode apart without
 * anything but the store: one scheduler among the workers, one pass of a mapping at a
 * time. A holder that dies loses its leases when they expire; one whose lease expired
 * while it still works (a blocked event loop) finds out at the next renewal. The work
 * itself must stay safe when run twice (invariants 3 and 5): a lease saves work and
 * races, it does not carry correctness alone.
 */

/** A lease as stored. */
export interface Lease {
  /** What it guards, e.g. `scheduler` or `pass:contacts-partners`. */
  name: string;
  /** Who holds it (a process id such as `worker-<host>-<pid>-<random>`). */
  holder: string;
  /** When it runs out unless renewed (ISO 8601). */
  expiresAt: string;
}

/** Named leases. */
export interface LeaseRepository {
  /**
   * Takes lease `name` for `holder` for `ttlMs` when nobody holds it, its holder let it
   * expire, or `holder` holds it already (a renewal). True when `holder` holds it now.
   */
  acquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives it up, if `holder` holds it (else nothing). */
  release(name: string, holder: string): Promise<void>;
  /** The lease, expired or not, or undefined. */
  get(name: string): Promise<Lease | undefined>;
}
