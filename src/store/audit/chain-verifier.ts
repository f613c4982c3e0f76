import type { AuditBreak, AuditHead } from '../audit-repository.ts';
import { GENESIS_HASH, hashCanonical } from './canonical.ts';
import type { ChainRow } from './stored-row.ts';

/**
 * Checks audit rows one by one, in seq order, and remembers the first break.
 * Holds only the previous hash, so it verifies logs of any length in constant
 * memory. Order of checks: the seq sequence, the hash over the stored canonical
 * text, the columns against the hashed entry, then the link to the previous entry.
 */
export class ChainVerifier {
  #expectedSeq = 1;
  #prevHash = GENESIS_HASH;
  #count = 0;
  #broken: AuditBreak | undefined;

  /** Entries found intact so far. */
  get count(): number {
    return this.#count;
  }

  /** The first break, once one is found. */
  get broken(): AuditBreak | undefined {
    return this.#broken;
  }

  /** The last intact entry, or null before the first. */
  get head(): AuditHead | null {
    return this.#count === 0 ? null : { seq: this.#expectedSeq - 1, hash: this.#prevHash };
  }

  /**
   * Checks the next row. `columnIssue` is what the caller found comparing the
   * row's columns with its canonical text (see `columnMismatch`), undefined when
   * they agree. Returns false once the chain is broken (stop reading).
   */
  push(row: ChainRow, columnIssue: string | undefined): boolean {
    if (this.#broken) return false;
    this.#broken = this.#check(row, columnIssue);
    if (this.#broken) return false;
    this.#count += 1;
    this.#expectedSeq += 1;
    this.#prevHash = row.hash;
    return true;
  }

  #check(row: ChainRow, columnIssue: string | undefined): AuditBreak | undefined {
    const seq = this.#expectedSeq;
    if (row.seq !== seq) return { seq, reason: `gap: expected seq ${seq}, found ${row.seq}` };
    const computed = hashCanonical(row.canonical);
    if (computed !== row.hash) return { seq, reason: `hash mismatch (stored ${row.hash}, computed ${computed})` };
    if (columnIssue !== undefined) return { seq, reason: columnIssue };
    if (row.prev_hash !== this.#prevHash) return { seq, reason: `prev_hash does not match entry ${seq - 1}` };
    return undefined;
  }
}
