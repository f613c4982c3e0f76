/**
 * Verification of the audit log against signed checkpoints: every checkpoint must be
 * signed by a trusted key, and every entry a checkpoint anchors must exist with the
 * checkpointed hash. The chain check itself streams the rows once (the anchors are
 * checked as they go by), so verifying with checkpoints costs what reading the rows costs.
 */
import type { KeyObject } from 'node:crypto';
import type { AuditHead, AuditRepository } from '../audit-repository.ts';
import type { Anchor } from './chain-verifier.ts';
import type { CheckpointLine } from './checkpoint-file.ts';
import { signatureProblem } from './checkpoint.ts';

/** The log is intact as far as the checkpoints can tell. */
export interface CheckpointVerdictOk {
  readonly ok: true;
  /** Entries in the log (all intact). */
  readonly count: number;
  readonly head: AuditHead | null;
  /** Checkpoints read (all valid). */
  readonly checkpoints: number;
  /** Entries up to the highest checkpointed seq (0 without checkpoints). */
  readonly anchored: number;
  /** Entries after the last checkpoint: not anchored yet. */
  readonly unanchored: number;
}

/** What is wrong: every problem found, each naming the entry or the checkpoint's `file:line`. */
export interface CheckpointVerdictBroken {
  readonly ok: false;
  readonly problems: readonly string[];
  /** Entries found intact before the first break of the chain (the whole log when the chain held). */
  readonly intact: number;
}

export type CheckpointVerdict = CheckpointVerdictOk | CheckpointVerdictBroken;

/** Checks the checkpoints' signatures, then the log against them. */
export async function verifyWithCheckpoints(
  audit: Pick<AuditRepository, 'verify'>,
  lines: readonly CheckpointLine[],
  trusted: ReadonlyMap<string, KeyObject>,
): Promise<CheckpointVerdict> {
  const problems: string[] = [];
  const anchors = new Map<number, Anchor>();
  let last: { seq: number; where: string } | undefined;
  for (const line of lines) {
    const c = line.checkpoint;
    if (c === undefined) {
      problems.push(`checkpoint at ${line.where} is not readable: ${line.problem ?? 'unknown'}`);
      continue;
    }
    const bad = signatureProblem(c, trusted);
    if (bad !== undefined) {
      problems.push(`checkpoint at ${line.where} is refused: ${bad}`);
      continue;
    }
    const earlier = anchors.get(c.seq);
    if (earlier !== undefined && earlier.hash !== c.hash) {
      problems.push(`checkpoints at ${earlier.where} and ${line.where} disagree about entry ${c.seq}'s hash`);
      continue;
    }
    if (earlier === undefined) anchors.set(c.seq, { hash: c.hash, where: line.where });
    if (last === undefined || c.seq > last.seq) last = { seq: c.seq, where: line.where };
  }
  // A refused checkpoint proves nothing; its entries are not checked against it.
  const result = await audit.verify({ anchors });
  if (!result.ok) {
    const { seq, reason } = result.firstBroken;
    problems.push(`audit log broken at entry ${seq}: ${reason} (${result.count} entries before it are intact)`);
    return { ok: false, problems, intact: result.count };
  }
  if (last !== undefined && last.seq > result.count) {
    const kind = result.count === 0 ? 'emptied or recreated' : 'cut';
    problems.push(`${kind}: the log ends at ${result.count}, checkpoint at ${last.where} anchors entry ${last.seq}`);
  }
  if (problems.length > 0) return { ok: false, problems, intact: result.count };
  const anchored = last?.seq ?? 0;
  return {
    ok: true,
    count: result.count,
    head: result.head,
    checkpoints: lines.length,
    anchored,
    unanchored: result.count - anchored,
  };
}
