/**
 * The audit log against signed checkpoints, over SQLite and PostgreSQL: whoever can write
 * the database (here: a raw connection that drops the triggers first, as an attacker
 * would) can cut, empty, recreate or re-chain the log, and a checkpoint kept outside the
 * database names each of these; what the checkpoints do not cover is reported as such.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sealEntry } from '../../../src/store/audit/canonical.ts';
import { checkpointPath, readCheckpointFile } from '../../../src/store/audit/checkpoint-file.ts';
import { verifyWithCheckpoints, type CheckpointVerdict } from '../../../src/store/audit/checkpoint-verify.ts';
import { takeCheckpoint } from '../../../src/store/audit/checkpoint-writer.ts';
import { keyIdOf, type CheckpointSigner } from '../../../src/store/audit/checkpoint.ts';
import type { AuditEntryInput, Store } from '../../../src/store/store.ts';
import { backends, type RawDb, type TestDb } from './backends.ts';

const all = await backends();

function entry(i: number, tag = 'real'): AuditEntryInput {
  return {
    action: 'applied',
    actor: 'poll',
    mappingId: 'm1',
    crmId: `${tag}-${i}`,
    changes: { n: { before: i, after: i + 1 } },
  };
}

function newSigner(): CheckpointSigner & { publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { keyId: keyIdOf(publicKey), key: privateKey, publicKey };
}

function sqlText(value: string | number | null): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  return `'${value.replaceAll("'", "''")}'`;
}

for (const backend of all) {
  describe.skipIf(!backend.available)(`audit checkpoints on ${backend.name}`, () => {
    let db: TestDb;
    let store: Store;
    let raw: RawDb | undefined;
    let triggersDropped = false;
    let dir: string;
    let now: Date;
    const signer = newSigner();
    const trusted = new Map([[signer.keyId, signer.publicKey]]);

    beforeEach(async () => {
      db = await backend.fresh();
      now = new Date('2025-03-01T10:00:00.000Z');
      store = await db.open({ clock: () => now });
      dir = mkdtempSync(join(tmpdir(), 'frontback-ckpt-'));
      triggersDropped = false;
    });
    afterEach(async () => {
      await raw?.close();
      raw = undefined;
      await db.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    async function rawDb(): Promise<RawDb> {
      raw ??= await db.raw();
      return raw;
    }

    async function append(from: number, to: number, tag = 'real'): Promise<void> {
      const inputs: AuditEntryInput[] = [];
      for (let i = from; i <= to; i++) inputs.push(entry(i, tag));
      await store.audit.appendMany(inputs);
    }

    async function checkpoint(): Promise<void> {
      const taken = await takeCheckpoint(store.audit, signer, dir, () => now);
      expect(taken.written).toBe(true);
    }

    /** What an attacker with the database's credentials does: the triggers go, then rows. */
    async function tamper(sql: string): Promise<void> {
      const r = await rawDb();
      if (!triggersDropped) await r.exec(db.dropTriggersSql);
      triggersDropped = true;
      await r.exec(sql);
    }

    function verify(): Promise<CheckpointVerdict> {
      return verifyWithCheckpoints(store.audit, readCheckpointFile(checkpointPath(dir)), trusted);
    }

    function problems(verdict: CheckpointVerdict): string {
      expect(verdict.ok).toBe(false);
      return verdict.ok ? '' : verdict.problems.join('\n');
    }

    it('an intact log verifies, with the entries after the last checkpoint reported unanchored', async () => {
      await append(1, 30);
      await checkpoint();
      await append(31, 100);
      await checkpoint();
      await append(101, 107);
      const verdict = await verify();
      expect(verdict).toMatchObject({ ok: true, count: 107, checkpoints: 2, anchored: 100, unanchored: 7 });
      // Nothing moved: no second checkpoint of the same head.
      expect(await takeCheckpoint(store.audit, signer, dir)).toMatchObject({ written: true });
      expect(await takeCheckpoint(store.audit, signer, dir)).toEqual({ written: false, reason: 'unchanged' });
    });

    for (const cut of [1, 50]) {
      it(`the last ${cut} entries cut after a checkpoint are detected`, async () => {
        await append(1, 120);
        await checkpoint();
        await tamper(`delete from audit_log where seq > ${120 - cut}`);
        expect(problems(await verify())).toMatch(
          new RegExp(
            `^cut: the log ends at ${120 - cut}, checkpoint at .*checkpoints\\.jsonl:1 anchors entry 120$`,
            'm',
          ),
        );
        // And the checkpointer refuses to bless the cut.
        await expect(takeCheckpoint(store.audit, signer, dir)).rejects.toThrow(/ends at .* last checkpoint anchors/);
      });
    }

    it('a forged, correctly chained tail replacing checkpointed entries is detected at the first anchored one', async () => {
      await append(1, 60);
      await checkpoint();
      await append(61, 80);
      await checkpoint();
      await tamper('delete from audit_log where seq > 50');
      // The store itself appends the forgery: every hash and link is right.
      await append(51, 90, 'forged');
      expect((await store.audit.verify()).ok).toBe(true);
      expect(problems(await verify())).toMatch(
        /audit log broken at entry 60: rewritten or forged: entry 60's hash differs from the checkpoint's \(.*checkpoints\.jsonl:1\)/,
      );
    });

    it('an emptied log is an error, never intact', async () => {
      await append(1, 10);
      await checkpoint();
      await tamper('delete from audit_log');
      expect((await store.audit.verify()).ok).toBe(true);
      expect(problems(await verify())).toMatch(
        /^emptied or recreated: the log ends at 0, checkpoint at .*:1 anchors entry 10$/m,
      );
    });

    it('a recreated log (emptied, then new entries) is an error, never intact', async () => {
      await append(1, 10);
      await checkpoint();
      await tamper('delete from audit_log');
      await append(1, 25, 'recreated');
      expect(problems(await verify())).toMatch(/entry 10: rewritten or forged: entry 10's hash differs/);
      await tamper('delete from audit_log');
      await append(1, 4, 'recreated');
      expect(problems(await verify())).toMatch(/the log ends at 4, checkpoint at .* anchors entry 10/);
    });

    it('`at` going backwards along the chain is detected, naming the entry', async () => {
      await append(1, 5);
      await tamper('delete from audit_log where seq = 5');
      const [fourth] = await store.audit.tail(1);
      const forged = sealEntry(entry(5, 'late'), 5, '2025-03-01T09:00:00.000Z', fourth!.hash);
      const values = [
        forged.seq,
        forged.at,
        null,
        null,
        forged.mappingId,
        null,
        forged.crmId,
        null,
        forged.action,
        null,
        forged.actor,
        forged.prevHash,
        forged.hash,
        forged.canonical,
      ];
      await (
        await rawDb()
      ).exec(
        'insert into audit_log (seq, at, run_id, job_id, mapping_id, mapping_version, crm_id, erp_id, action, rule, ' +
          `actor, prev_hash, hash, canonical) values (${values.map(sqlText).join(', ')})`,
      );
      const result = await store.audit.verify();
      expect(result).toMatchObject({ ok: false, count: 4, firstBroken: { seq: 5 } });
      expect(result.ok ? '' : result.firstBroken.reason).toBe(
        "at goes backwards: 2025-03-01T09:00:00.000Z is before entry 4's 2025-03-01T10:00:00.000Z",
      );
    });
  });
}
