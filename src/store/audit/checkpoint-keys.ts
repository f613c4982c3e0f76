/**
 * Checkpoint keys: the signing key from a secret file (`audit.signingKeyFile`), the
 * trusted public keys by id (`audit.trustedKeys`), and `audit keygen`'s new pair.
 * Errors name files and key ids, never key material.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AuditError, ErrorCode } from '../../errors.ts';
import { keyIdOf, publicKeyFromPem, signerFromPem, type CheckpointSigner } from './checkpoint.ts';

function readKeyFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new AuditError(
      ErrorCode.Config,
      `cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
}

/** The signer of `audit.signingKeyFile` (a PEM Ed25519 private key). */
export function loadSigner(file: string): CheckpointSigner {
  return signerFromPem(readKeyFile(file, 'audit.signingKeyFile'), `audit.signingKeyFile ${file}`);
}

/**
 * The trusted public keys of `audit.trustedKeys`: each value is a PEM public key or the
 * path of one. A key whose id is not the one it is listed under is an error (a key
 * listed under the wrong id would verify nothing, or the wrong thing).
 */
export function loadTrustedKeys(entries: Readonly<Record<string, string>>): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  for (const [id, value] of Object.entries(entries)) {
    const source = `audit.trustedKeys.${id}`;
    const pem = value.includes('-----BEGIN') ? value : readKeyFile(value, source);
    const key = publicKeyFromPem(pem, source);
    const actual = keyIdOf(key);
    if (actual !== id) throw new AuditError(ErrorCode.Config, `${source} holds the key with id ${actual}, not ${id}`);
    keys.set(id, key);
  }
  return keys;
}

/** What {@link generateKeyFiles} wrote. */
export interface GeneratedKeys {
  readonly keyId: string;
  readonly privateKeyFile: string;
  readonly publicKeyFile: string;
}

/** Writes a new Ed25519 pair into `dir`: `<keyId>.key` (mode 0600) and `<keyId>.pub`; never overwrites. */
export function generateKeyFiles(dir: string): GeneratedKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const keyId = keyIdOf(publicKey);
  mkdirSync(dir, { recursive: true });
  const privateKeyFile = resolve(join(dir, `checkpoint-${keyId}.key`));
  const publicKeyFile = resolve(join(dir, `checkpoint-${keyId}.pub`));
  for (const file of [privateKeyFile, publicKeyFile]) {
    if (existsSync(file)) throw new AuditError(ErrorCode.Validation, `${file} exists; not overwritten`);
  }
  writeFileSync(privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  // The mode above is masked by the umask; set it exactly.
  chmodSync(privateKeyFile, 0o600);
  writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644, flag: 'wx' });
  return { keyId, privateKeyFile, publicKeyFile };
}
