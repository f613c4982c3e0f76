/**
 * The cursor of a stream whose pages are handled concurrently. Pages finish in any order;
 * the cursor may only name a position whose page and every page before it are handled
 * (ARCHITECTURE invariant 2: the cursor never passes a record not handled). Each page's
 * store transaction asks {@link PageOrder.cursorFor} for the cursor to write with its
 * outcomes: the position after the longest run of handled pages that this page completes,
 * or nothing while an earlier page is still in hand. Once a page's transaction has
 * committed, {@link PageOrder.handled} says so; a page that will not be finished (stopped
 * at the guard, failed) is never marked, so no cursor passes it.
 *
 * Two transactions racing (PostgreSQL) can both see the other unfinished and leave the
 * cursor behind: {@link PageOrder.behind} names the position to catch up to once the
 * pages in hand are done. A cursor behind only makes the next pass read a few records again.
 */
import type { CursorInput } from '../store/cursor-repository.ts';

/** Keeps the order of a stream's pages and the cursor each may write. */
export class PageOrder<C extends CursorInput = CursorInput> {
  private readonly cursors: C[] = [];
  private readonly done = new Set<number>();
  /** Every page below this one is handled. */
  private handledUpTo = 0;
  /** Pages up to this one (exclusive) have had their cursor written. */
  private writtenUpTo = 0;
  private readonly offered = new Map<number, number>();

  /** Registers the next page read, with the cursor after it; answers its sequence number. */
  add(cursor: C): number {
    this.cursors.push(cursor);
    return this.cursors.length - 1;
  }

  /**
   * The cursor page `seq` writes in its transaction: after the last page of the handled run
   * it completes, or undefined while an earlier page is in hand.
   */
  cursorFor(seq: number): C | undefined {
    if (seq !== this.handledUpTo) return undefined;
    let last = seq;
    while (this.done.has(last + 1)) last += 1;
    this.offered.set(seq, last + 1);
    return this.cursors[last];
  }

  /** Page `seq` is handled and its transaction committed (with the cursor it was offered, if any). */
  handled(seq: number): void {
    this.done.add(seq);
    const offered = this.offered.get(seq);
    if (offered !== undefined && offered > this.writtenUpTo) this.writtenUpTo = offered;
    this.offered.delete(seq);
    while (this.done.has(this.handledUpTo)) {
      this.done.delete(this.handledUpTo);
      this.handledUpTo += 1;
    }
  }

  /** The cursor to catch up to when handled pages ran ahead of the cursor written; undefined when none. */
  behind(): C | undefined {
    if (this.handledUpTo <= this.writtenUpTo) return undefined;
    this.writtenUpTo = this.handledUpTo;
    return this.cursors[this.handledUpTo - 1];
  }

  /** The cursor after the last page of the handled run (null before any). */
  position(): C | null {
    return this.handledUpTo === 0 ? null : (this.cursors[this.handledUpTo - 1] ?? null);
  }
}
