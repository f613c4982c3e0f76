import type { AuditBreak, AuditHead } from '../audit-repository.ts';
import { GENESIS_HASH, hashCanonical } from './canonical.ts';
import type { ChainRow } from './stored-row.ts';

/** What a signed checkpoint says an entry's hash is, and where it says so (`file:line`). */
export interface Anchor {
  readonly hash: string;
  readonly where: string;
}

/**
 * Checks audit rows one by one, in seq order, and remembers the first break.
 * Holds only the previous hash, so it verifies logs of any length in constant
 * memory. Order of checks: the seq sequence, the hash over the stored canonical
 * text, the columns against the hashed entry, the link to the previous entry, that
 * `at` does not go backwards, then the anchor a signed checkpoint holds for that seq.
 */
export class ChainVerifier {
  #expectedSeq = 1;
  #prevHash = GENESIS_HASH;
  #prevAt = '';
  #count = 0;
  #broken: AuditBreak | undefined;
  readonly #anchors: ReadonlyMap<number, Anchor> | undefined;

  /** `anchors`: hashes that signed checkpoints hold, by seq (none: the chain alone is checked). */
  constructor(anchors?: ReadonlyMap<number, Anchor>) {
    this.#anchors = anchors !== undefined && anchors.size > 0 ? anchors : undefined;
  }

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
    this.#prevAt = row.at;
    return true;
  }

  #check(row: ChainRow, columnIssue: string | undefined): AuditBreak | undefined {
    const seq = this.#expectedSeq;
    if (row.seq !== seq) return { seq, reason: `gap: expected seq ${seq}, found ${row.seq}` };
    const computed = hashCanonical(row.canonical);
    if (computed !== row.hash) return { seq, reason: `hash mismatch (stored ${row.hash}, computed ${computed})` };
    if (columnIssue !== undefined) return { seq, reason: columnIssue };
    if (row.prev_hash !== this.#prevHash) return { seq, reason: `prev_hash does not match entry ${seq - 1}` };
    // ISO 8601 UTC times of one format compare as strings; appends never move `at` backwards.
    if (row.at < this.#prevAt)
      return { seq, reason: `at goes backwards: ${row.at} is before entry ${seq - 1}'s ${this.#prevAt}` };
    const anchor = this.#anchors?.get(seq);
    if (anchor !== undefined && anchor.hash !== row.hash) {
      return {
        seq,
        reason: `rewritten or forged: entry ${seq}'s hash differs from the checkpoint's (${anchor.where})`,
      };
    }
    return undefined;
  }
}
