/** Signed checkpoints: the signed bytes, signatures, key ids and rotation, the file, and the keys' files. */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendCheckpoint, lastCheckpoint, readCheckpointFile } from '../../../src/store/audit/checkpoint-file.ts';
import { generateKeyFiles, loadSigner, loadTrustedKeys } from '../../../src/store/audit/checkpoint-keys.ts';
import { verifyWithCheckpoints } from '../../../src/store/audit/checkpoint-verify.ts';
import {
  checkpointBytes,
  checkpointLine,
  keyIdOf,
  parseCheckpoint,
  signatureProblem,
  signCheckpoint,
  type Checkpoint,
  type CheckpointSigner,
} from '../../../src/store/audit/checkpoint.ts';
import type { AuditVerifyOptions, AuditVerifyResult } from '../../../src/store/audit-repository.ts';

const tmp = mkdtempSync(join(tmpdir(), 'frontback-ckpt-unit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function newSigner(): CheckpointSigner & { publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { keyId: keyIdOf(publicKey), key: privateKey, publicKey };
}

const HASH = 'ab'.repeat(32);
const AT = '2025-03-01T10:00:00.000Z';

describe('checkpoint encoding and signatures', () => {
  const oldKey = newSigner();
  const newKey = newSigner();
  const trusted = new Map([
    [oldKey.keyId, oldKey.publicKey],
    [newKey.keyId, newKey.publicKey],
  ]);

  it('signs five newline-ended lines: domain, seq, hash, at, key id', () => {
    expect(checkpointBytes({ seq: 42, hash: HASH, at: AT, keyId: '0123456789abcdef' }).toString('utf8')).toBe(
      `frontback-audit-checkpoint-v1\n42\n${HASH}\n${AT}\n0123456789abcdef\n`,
    );
  });

  it('key ids are the first 16 hex characters of SHA-256 of the public key, the same from either half', () => {
    expect(oldKey.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(keyIdOf(oldKey.key)).toBe(oldKey.keyId);
    expect(newKey.keyId).not.toBe(oldKey.keyId);
  });

  it('a checkpoint verifies, through its JSON line too', () => {
    const c = signCheckpoint(newKey, { seq: 7, hash: HASH }, AT);
    expect(signatureProblem(c, trusted)).toBeUndefined();
    const parsed = parseCheckpoint(checkpointLine(c).trimEnd());
    expect(parsed).toEqual(c);
    expect(signatureProblem(parsed as Checkpoint, trusted)).toBeUndefined();
  });

  it('a checkpoint signed with a rotated-out key still verifies while that key stays trusted', () => {
    const old = signCheckpoint(oldKey, { seq: 3, hash: HASH }, AT);
    expect(signatureProblem(old, trusted)).toBeUndefined();
    expect(signatureProblem(old, new Map([[newKey.keyId, newKey.publicKey]]))).toBe(
      `signed by key ${oldKey.keyId}, which is not in audit.trustedKeys`,
    );
  });

  const good = signCheckpoint(newKey, { seq: 7, hash: HASH }, AT);
  const otherSig = signCheckpoint(newKey, { seq: 8, hash: HASH }, AT).sig;
  it.each<[string, Checkpoint]>([
    ['another seq', { ...good, seq: 8 }],
    ['another hash', { ...good, hash: 'cd'.repeat(32) }],
    ['another time', { ...good, at: '2025-03-01T10:00:00.001Z' }],
    ["another checkpoint's signature", { ...good, sig: otherSig }],
    ['a truncated signature', { ...good, sig: good.sig.slice(0, 20) }],
    ['the other trusted key id', { ...good, keyId: oldKey.keyId }],
  ])('a bad signature is refused: %s', (_name, forged) => {
    expect(signatureProblem(forged, trusted)).toMatch(/^bad signature \(key [0-9a-f]{16}\)$/);
  });

  it('an unknown key id is refused, even with a valid signature of that key', () => {
    const stranger = newSigner();
    expect(signatureProblem(signCheckpoint(stranger, { seq: 1, hash: HASH }, AT), trusted)).toMatch(
      /not in audit\.trustedKeys/,
    );
  });

  it.each([
    ['not json', 'not JSON'],
    ['[1]', 'unknown format version undefined'],
    [JSON.stringify({ ...good, v: 2 }), 'unknown format version 2'],
    [JSON.stringify({ ...good, seq: 0 }), 'seq is not a positive whole number'],
    [JSON.stringify({ ...good, hash: 'AB'.repeat(32) }), 'hash is not 64 lowercase hex characters'],
    [JSON.stringify({ ...good, at: 'yesterday' }), 'at is not a time'],
    [JSON.stringify({ ...good, keyId: 'k1' }), 'keyId is not 16 lowercase hex characters'],
    [JSON.stringify({ ...good, sig: '' }), 'sig is missing'],
  ])('a line that is not a checkpoint says why: %s', (line, problem) => {
    expect(parseCheckpoint(line)).toBe(problem);
  });
});

describe('checkpoint file and keys', () => {
  it('appends JSON lines and reads them back numbered, with the last one found', () => {
    const dir = join(tmp, 'ckpts');
    const signer = newSigner();
    expect(lastCheckpoint(dir)).toBeUndefined();
    const a = signCheckpoint(signer, { seq: 1, hash: HASH }, AT);
    const b = signCheckpoint(signer, { seq: 2, hash: HASH }, AT);
    appendCheckpoint(dir, a);
    appendCheckpoint(dir, b);
    expect(lastCheckpoint(dir)).toEqual(b);
    const lines = readCheckpointFile(join(dir, 'checkpoints.jsonl'));
    expect(lines.map((l) => [l.where.replace(dir, ''), l.checkpoint?.seq])).toEqual([
      ['/checkpoints.jsonl:1', 1],
      ['/checkpoints.jsonl:2', 2],
    ]);
  });

  it('finds the last checkpoint of a long file from its end, past a line that is not one', () => {
    const dir = join(tmp, 'long');
    const signer = newSigner();
    for (let seq = 1; seq <= 60; seq++) appendCheckpoint(dir, signCheckpoint(signer, { seq, hash: HASH }, AT));
    expect(statSync(join(dir, 'checkpoints.jsonl')).size).toBeGreaterThan(8192);
    expect(lastCheckpoint(dir)?.seq).toBe(60);
    writeFileSync(join(dir, 'checkpoints.jsonl'), 'half a li', { flag: 'a' });
    expect(lastCheckpoint(dir)?.seq).toBe(60);
  });

  it('keygen writes a pair (private key mode 0600) that signs and verifies by its id', () => {
    const keys = generateKeyFiles(join(tmp, 'keys'));
    expect(statSync(keys.privateKeyFile).mode & 0o777).toBe(0o600);
    const signer = loadSigner(keys.privateKeyFile);
    expect(signer.keyId).toBe(keys.keyId);
    const fromPath = loadTrustedKeys({ [keys.keyId]: keys.publicKeyFile });
    const fromPem = loadTrustedKeys({ [keys.keyId]: readFileSync(keys.publicKeyFile, 'utf8') });
    const c = signCheckpoint(signer, { seq: 5, hash: HASH }, AT);
    expect(signatureProblem(c, fromPath)).toBeUndefined();
    expect(signatureProblem(c, fromPem)).toBeUndefined();
  });

  it('a trusted key listed under another id is refused; key errors never show key material', () => {
    const keys = generateKeyFiles(join(tmp, 'keys2'));
    expect(() => loadTrustedKeys({ '0000000000000000': keys.publicKeyFile })).toThrow(
      `holds the key with id ${keys.keyId}, not 0000000000000000`,
    );
    const notAKey = join(tmp, 'not-a-key.pem');
    writeFileSync(notAKey, '-----BEGIN PRIVATE KEY-----\nc2VjcmV0IHNlY3JldA==\n-----END PRIVATE KEY-----\n');
    let message = '';
    try {
      loadSigner(notAKey);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(`audit.signingKeyFile ${notAKey} is not a PEM private key`);
    expect(message).not.toContain('c2VjcmV0');
  });
});

describe('verifyWithCheckpoints', () => {
  const signer = newSigner();
  const trusted = new Map([[signer.keyId, signer.publicKey]]);
  const log = (count: number): { verify(o?: AuditVerifyOptions): Promise<AuditVerifyResult> } => ({
    verify: () => Promise.resolve({ ok: true, count, head: count === 0 ? null : { seq: count, hash: HASH } }),
  });
  const line = (c: Checkpoint | undefined, n: number, problem?: string) => ({
    where: `c.jsonl:${n}`,
    checkpoint: c,
    problem,
  });

  it('names every refused or unreadable checkpoint by its line, and is never intact then', async () => {
    const good = signCheckpoint(signer, { seq: 3, hash: HASH }, AT);
    const verdict = await verifyWithCheckpoints(
      log(5),
      [line(good, 1), line({ ...good, seq: 4 }, 2), line(undefined, 3, 'not JSON')],
      trusted,
    );
    expect(verdict).toEqual({
      ok: false,
      intact: 5,
      problems: [
        `checkpoint at c.jsonl:2 is refused: bad signature (key ${signer.keyId})`,
        'checkpoint at c.jsonl:3 is not readable: not JSON',
      ],
    });
  });

  it('two valid checkpoints that disagree about one entry are an error', async () => {
    const a = signCheckpoint(signer, { seq: 3, hash: HASH }, AT);
    const b = signCheckpoint(signer, { seq: 3, hash: 'cd'.repeat(32) }, AT);
    const verdict = await verifyWithCheckpoints(log(5), [line(a, 1), line(b, 2)], trusted);
    expect(verdict.ok ? [] : verdict.problems).toEqual([
      "checkpoints at c.jsonl:1 and c.jsonl:2 disagree about entry 3's hash",
    ]);
  });

  it('counts the anchored and the not yet anchored entries', async () => {
    const a = signCheckpoint(signer, { seq: 3, hash: HASH }, AT);
    expect(await verifyWithCheckpoints(log(10), [line(a, 1)], trusted)).toMatchObject({
      ok: true,
      checkpoints: 1,
      anchored: 3,
      unanchored: 7,
    });
  });
});
