/**
 * The checkpoint file: JSON lines appended to `checkpoints.jsonl` in a directory the
 * operator chooses (outside the database; see docs/audit.md for keeping it on another
 * machine or in object storage with a retention lock). Each append is fsync'd.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointLine, parseCheckpoint, type Checkpoint } from './checkpoint.ts';

/** The file name inside `audit.checkpointDir`. */
export const CHECKPOINT_FILE = 'checkpoints.jsonl';

/** The checkpoint file of a directory. */
export function checkpointPath(dir: string): string {
  return join(dir, CHECKPOINT_FILE);
}

/** One line of a checkpoint file: the checkpoint, or what is wrong with the line. */
export interface CheckpointLine {
  /** `file:line`, as errors name it. */
  readonly where: string;
  readonly checkpoint: Checkpoint | undefined;
  /** Set when the line is not a checkpoint. */
  readonly problem: string | undefined;
}

/** Appends a checkpoint to `dir/checkpoints.jsonl` (created with the directory), then fsyncs file and directory. */
export function appendCheckpoint(dir: string, checkpoint: Checkpoint): void {
  mkdirSync(dir, { recursive: true });
  const fd = openSync(checkpointPath(dir), 'a', 0o644);
  try {
    writeSync(fd, checkpointLine(checkpoint));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // The directory entry too, so a new file survives a crash (not possible on every platform).
  try {
    const dirFd = openSync(dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // Windows cannot open a directory; the file's own fsync is what matters there.
  }
}

/** Every non-empty line of a checkpoint file, numbered from 1. */
export function readCheckpointFile(file: string): CheckpointLine[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: CheckpointLine[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    const parsed = parseCheckpoint(text);
    const where = `${file}:${i + 1}`;
    out.push(
      typeof parsed === 'string'
        ? { where, checkpoint: undefined, problem: parsed }
        : { where, checkpoint: parsed, problem: undefined },
    );
  });
  return out;
}

/** The last checkpoint written to `dir`, or undefined when there is none yet. */
export function lastCheckpoint(dir: string): Checkpoint | undefined {
  let lines: CheckpointLine[];
  try {
    lines = readCheckpointFile(checkpointPath(dir));
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return undefined;
    throw err;
  }
  for (let i = lines.length - 1; i >= 0; i--) {
    const c = lines[i]?.checkpoint;
    if (c) return c;
  }
  return undefined;
}
