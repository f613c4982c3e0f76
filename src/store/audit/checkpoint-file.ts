/**
 * The checkpoint file: JSON lines appended to `checkpoints.jsonl` in a directory the
 * operator chooses (outside the database; see docs/audit.md for keeping it on another
 * machine or in object storage with a retention lock). Each append is fsync'd.
 */
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
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

/** Bytes read from the end of the file to find the last checkpoint (a line is about 250). */
const TAIL_BYTES = 4096;

/**
 * The last checkpoint written to `dir`, or undefined when there is none yet. Reads only
 * the end of the file: it grows by a line every checkpoint, for years.
 */
export function lastCheckpoint(dir: string): Checkpoint | undefined {
  let fd: number;
  try {
    fd = openSync(checkpointPath(dir), 'r');
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    // The first line may be cut by the window (unless the window is the whole file).
    const from = length < size ? 1 : 0;
    for (let i = lines.length - 1; i >= from; i--) {
      const text = lines[i] as string;
      if (text.trim() === '') continue;
      const parsed = parseCheckpoint(text);
      if (typeof parsed !== 'string') return parsed;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}
