/**
 * Signed checkpoints of the audit log: (seq, hash, at, keyId) signed with Ed25519, kept
 * outside the database so that whoever can write the database cannot rewrite what was
 * checkpointed (Certificate Transparency's signed tree heads do the same for a log).
 * Node's crypto does the signing; this file only decides the bytes that are signed.
 */
import { createPrivateKey, createPublicKey, hash, sign, verify, type KeyObject } from 'node:crypto';
import { AuditError, ErrorCode } from '../../errors.ts';

/** First line of the signed text: names the format, so a signature means nothing in another context. */
export const CHECKPOINT_DOMAIN = 'frontback-audit-checkpoint-v1';

/** One checkpoint: the head of the log at a moment, and who signed it. */
export interface Checkpoint {
  /** Format version, 1. */
  v: 1;
  /** The seq of the last entry when it was taken (its chain position). */
  seq: number;
  /** That entry's chain hash (64 lowercase hex). */
  hash: string;
  /** When it was taken (ISO 8601, UTC). */
  at: string;
  /** Id of the signing key: the first 16 hex characters of SHA-256 of its public key (SPKI DER). */
  keyId: string;
  /** Ed25519 signature of {@link checkpointBytes}, base64. */
  sig: string;
}

/** A private key ready to sign, with its id. */
export interface CheckpointSigner {
  readonly keyId: string;
  readonly key: KeyObject;
}

const HEX64 = /^[0-9a-f]{64}$/;
const KEY_ID = /^[0-9a-f]{16}$/;

/**
 * The canonical bytes that are signed: UTF-8 of five lines, each ended by `\n`:
 * the domain `frontback-audit-checkpoint-v1`, seq in decimal, hash, at, keyId.
 * No field can contain `\n` (checked), so the encoding is unambiguous.
 */
export function checkpointBytes(c: Pick<Checkpoint, 'seq' | 'hash' | 'at' | 'keyId'>): Buffer {
  return Buffer.from(`${CHECKPOINT_DOMAIN}\n${c.seq}\n${c.hash}\n${c.at}\n${c.keyId}\n`, 'utf8');
}

/** The id of a public key: the first 16 hex characters of SHA-256 of its SPKI DER encoding. */
export function keyIdOf(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return hash('sha256', publicKey.export({ type: 'spki', format: 'der' }), 'hex').slice(0, 16);
}

/** A signer from a PEM private key (Ed25519 only). Errors never repeat the key's text. */
export function signerFromPem(pem: string, source: string): CheckpointSigner {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new AuditError(ErrorCode.Config, `${source} is not a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new AuditError(
      ErrorCode.Config,
      `${source} is a ${key.asymmetricKeyType ?? 'unknown'} key; expected Ed25519`,
    );
  }
  return { keyId: keyIdOf(key), key };
}

/** A public key from PEM (Ed25519 only). */
export function publicKeyFromPem(pem: string, source: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new AuditError(ErrorCode.Config, `${source} is not a PEM public key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new AuditError(
      ErrorCode.Config,
      `${source} is a ${key.asymmetricKeyType ?? 'unknown'} key; expected Ed25519`,
    );
  }
  return key;
}

/** Signs the head `seq`/`hash` at time `at`. */
export function signCheckpoint(signer: CheckpointSigner, head: { seq: number; hash: string }, at: string): Checkpoint {
  const fields = { seq: head.seq, hash: head.hash, at, keyId: signer.keyId };
  return { v: 1, ...fields, sig: sign(null, checkpointBytes(fields), signer.key).toString('base64') };
}

/** One checkpoint as a JSON line (fields in a fixed order). */
export function checkpointLine(c: Checkpoint): string {
  return `${JSON.stringify({ v: c.v, seq: c.seq, hash: c.hash, at: c.at, keyId: c.keyId, sig: c.sig })}\n`;
}

/** Parses one JSON line; a string saying what is wrong when it is not a checkpoint. */
export function parseCheckpoint(line: string): Checkpoint | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  const c = value as Partial<Checkpoint> | null;
  if (c === null || typeof c !== 'object') return 'not a JSON object';
  if (c.v !== 1) return `unknown format version ${JSON.stringify(c.v)}`;
  if (!Number.isSafeInteger(c.seq) || (c.seq as number) < 1) return 'seq is not a positive whole number';
  if (typeof c.hash !== 'string' || !HEX64.test(c.hash)) return 'hash is not 64 lowercase hex characters';
  if (typeof c.at !== 'string' || Number.isNaN(Date.parse(c.at)) || c.at.includes('\n')) return 'at is not a time';
  if (typeof c.keyId !== 'string' || !KEY_ID.test(c.keyId)) return 'keyId is not 16 lowercase hex characters';
  if (typeof c.sig !== 'string' || c.sig.length === 0) return 'sig is missing';
  return { v: 1, seq: c.seq as number, hash: c.hash, at: c.at, keyId: c.keyId, sig: c.sig };
}

/** Why a checkpoint's signature is not accepted, or undefined when a trusted key signed it. */
export function signatureProblem(c: Checkpoint, trusted: ReadonlyMap<string, KeyObject>): string | undefined {
  const key = trusted.get(c.keyId);
  if (key === undefined) return `signed by key ${c.keyId}, which is not in audit.trustedKeys`;
  const ok = verify(null, checkpointBytes(c), key, Buffer.from(c.sig, 'base64'));
  return ok ? undefined : `bad signature (key ${c.keyId})`;
}
