/**
 * The checkpoint parts of the `audit` commands: `audit checkpoint`, `audit keygen`, and
 * which checkpoint files `verify` and `export --checkpoints` read (docs/audit.md).
 */
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Config } from '../../config/types.ts';
import { AuditError, ErrorCode } from '../../errors.ts';
import { checkpointPath } from '../../store/audit/checkpoint-file.ts';
import { generateKeyFiles, loadSigner } from '../../store/audit/checkpoint-keys.ts';
import { takeCheckpoint } from '../../store/audit/checkpoint-writer.ts';
import type { CheckpointSigner } from '../../store/audit/checkpoint.ts';
import type { Store } from '../../store/store.ts';

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/** `audit checkpoint`: signs the head into the checkpoint directory; says what it did. */
export async function auditCheckpoint(
  store: Store,
  out: Writable,
  signer: CheckpointSigner,
  dir: string,
): Promise<void> {
  const taken = await takeCheckpoint(store.audit, signer, dir);
  if (!taken.written) {
    const why = taken.reason === 'empty log' ? 'the log is empty' : 'the log has not moved since the last checkpoint';
    await write(out, `no checkpoint written: ${why}\n`);
    return;
  }
  const c = taken.checkpoint;
  await write(out, `checkpoint written to ${checkpointPath(dir)}: entry ${c.seq}, hash ${c.hash}, key ${c.keyId}\n`);
}

/** `audit keygen`: a new key pair in `dir`, its id, and the configuration lines that use it. */
export async function auditKeygen(out: Writable, dir: string): Promise<void> {
  const keys = generateKeyFiles(dir);
  await write(
    out,
    [
      `key id ${keys.keyId}`,
      `private key: ${keys.privateKeyFile} (mode 0600; keep it secret, never in the database's backups)`,
      `public key:  ${keys.publicKeyFile}`,
      '',
      'add to the configuration (keep the keys that signed earlier checkpoints in trustedKeys):',
      'audit:',
      `  signingKeyFile: ${keys.privateKeyFile}`,
      '  trustedKeys:',
      `    ${keys.keyId}: ${keys.publicKeyFile}`,
      '  checkpointDir: /a/directory/outside/the/database   # see docs/audit.md',
      '  checkpointEvery: 15m',
      '',
    ].join('\n'),
  );
}

/** The checkpoint settings `audit checkpoint` needs, or an error naming what is missing. */
export function checkpointSettings(config: Config): { signer: CheckpointSigner; dir: string } {
  const { signingKeyFile, checkpointDir } = config.audit;
  const missing = [
    signingKeyFile === undefined ? 'audit.signingKeyFile' : '',
    checkpointDir === undefined ? 'audit.checkpointDir' : '',
  ]
    .filter((k) => k !== '')
    .join(' and ');
  if (signingKeyFile === undefined || checkpointDir === undefined) {
    throw new AuditError(ErrorCode.Config, `checkpoints need ${missing} in the configuration (see docs/audit.md)`);
  }
  return { signer: loadSigner(signingKeyFile), dir: checkpointDir };
}

/** Copies the checkpoint lines of `files` into `to`; returns how many. */
export function copyCheckpoints(files: readonly string[], to: string): number {
  const lines = files.flatMap((file) => readFileSync(file, 'utf8').split('\n')).filter((l) => l.trim() !== '');
  writeFileSync(to, lines.map((l) => `${l}\n`).join(''));
  return lines.length;
}

/** `--checkpoints`, else the configured directory's file when it exists. */
export function checkpointFiles(option: readonly string[] | undefined, config: Config): string[] {
  if (option !== undefined && option.length > 0) return [...option];
  const dir = config.audit.checkpointDir;
  if (dir === undefined) return [];
  const file = checkpointPath(dir);
  return existsSync(file) ? [file] : [];
}
