/**
 * The canonical form of an audit entry and its hash. Shared by every adapter and
 * by verification, so what is hashed on append is exactly what is re-hashed on
 * verify.
 */
import { hash } from 'node:crypto';
import { configure } from 'safe-stable-stringify';
import { AuditError, ErrorCode } from '../../errors.ts';
import type { AuditEntry, AuditEntryInput } from '../audit-repository.ts';

/** The prev hash of entry 1. */
export const GENESIS_HASH = '0'.repeat(64);

/** Format version written into every canonical entry as `v`. */
export const AUDIT_FORMAT_VERSION = 1;

/** The fields that are hashed: the entry without `hash` and `canonical`, plus `v`. */
export type HashedEntry = Omit<AuditEntry, 'hash' | 'canonical'> & { v: number };

/** Builds the hashed form of an input at a position in the chain. */
export function toHashedEntry(input: AuditEntryInput, seq: number, at: string, prevHash: string): HashedEntry {
  return {
    v: AUDIT_FORMAT_VERSION,
    seq,
    at,
    runId: input.runId ?? null,
    jobId: input.jobId ?? null,
    mappingId: input.mappingId ?? null,
    mappingVersion: input.mappingVersion ?? null,
    crmId: input.crmId ?? null,
    erpId: input.erpId ?? null,
    action: input.action,
    rule: input.rule ?? null,
    actor: input.actor,
    changes: input.changes ?? {},
    details: input.details ?? null,
    prevHash,
  };
}

/**
 * RFC 8785 (JCS) serialisation. For JSON data, JCS is JSON.stringify with object
 * keys sorted by UTF-16 code units, which is what safe-stable-stringify's
 * deterministic mode does, about twice as fast as the `canonicalize` reference
 * implementation (a property test holds the two equal). `strict` makes values JSON
 * cannot carry (NaN, Infinity, functions, bigint) an error instead of `null`.
 */
const jcs = configure({ deterministic: true, strict: true, bigint: false, circularValue: Error });

/** RFC 8785 JSON text of a hashed entry. Throws AuditError for values JSON cannot carry. */
export function canonicalText(entry: HashedEntry): string {
  let text: string | undefined;
  try {
    text = jcs(entry);
  } catch (err) {
    throw new AuditError(ErrorCode.Validation, `audit entry cannot be canonicalised: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (text === undefined) throw new AuditError(ErrorCode.Validation, 'audit entry cannot be canonicalised');
  return text;
}

/** SHA-256 of the UTF-8 bytes of `canonical`, lowercase hex. */
export function hashCanonical(canonical: string): string {
  // crypto.hash (one-shot) is about twice as fast as createHash() for ~500-byte inputs.
  return hash('sha256', canonical, 'hex');
}

/** Seals an input: its canonical text and hash at a position in the chain. */
export function sealEntry(input: AuditEntryInput, seq: number, at: string, prevHash: string): AuditEntry {
  const hashed = toHashedEntry(input, seq, at, prevHash);
  const canonical = canonicalText(hashed);
  const { v: _v, ...fields } = hashed;
  return { ...fields, hash: hashCanonical(canonical), canonical };
}
