/**
 * Who runs the passes `serve`'s admin API asks for (src/cli/admin-jobs.ts): nobody without
 * an admin token; with `queue.redis`, the workers: serve only adds the job to the shared
 * queue and the run stays queued (needs Redis: mandatory under CI=true, skipped with the
 * reason elsewhere); in embedded mode, serve itself, in the background.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serveAdminJobs } from '../../../src/cli/admin-jobs.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { loadMappings } from '../../../src/mapping/load.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createBullMqQueue, obliterateBullMqQueue } from '../../../src/queue/bullmq/bullmq-queue.ts';
import { haveRedis, projectRoot, REDIS_URL } from '../../support/env.ts';
import { startSyncRig, type SyncRig } from '../../integration/sync/support.ts';

const TOKEN = 'admin-token-for-serve-jobs-0123456789';
const MAPPING = 'contacts-partners';
const mappings = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot })
  .mappings.filter((m) => m.mapping.id === MAPPING)
  .map((m) => m.mapping);
const logger = createLogger({ level: 'silent' });
const redis = await haveRedis();

let dir: string;
let rig: SyncRig;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'frontback-serve-jobs-'));
  rig = await startSyncRig({ seed: 31, records: 6 });
});
afterEach(async () => {
  await rig.close();
  rmSync(dir, { recursive: true, force: true });
});

const load = (yaml: string) => {
  const file = join(dir, 'frontback.yaml');
  writeFileSync(file, yaml);
  return loadConfig({ file, env: {}, cwd: dir });
};
const parts = () => ({ mappings, connectors: rig.byName, store: rig.store, logger });
async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; !(await check()); await new Promise((r) => setTimeout(r, 25)))
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}

describe("serve's admin passes", () => {
  it('none without the admin API', async () => {
    const made = serveAdminJobs(load('server:\n  port: 0\n'), parts());
    expect(made.jobs).toBeUndefined();
    await made.close();
  });

  it('embedded (no queue.redis): serve runs the plan itself, in the background', async () => {
    const made = serveAdminJobs(load(`server:\n  adminToken: ${TOKEN}\n`), parts());
    expect(made.kind).toBe('in-process');
    const [asked] = await made.jobs!.plan(MAPPING, 'crm', 'dana');
    await until('the plan done', async () => (await rig.store.runs.get(asked!.runId))?.status === 'succeeded');
    await made.close();
  });

  it.skipIf(!redis)(
    'with queue.redis: serve only adds the job to the shared queue; the run waits, queued',
    async () => {
      const prefix = `fbservejobs${process.pid}`;
      const made = serveAdminJobs(
        load(`server:\n  adminToken: ${TOKEN}\nqueue:\n  redis: ${REDIS_URL}\n  prefix: ${prefix}\n`),
        parts(),
      );
      const shared = createBullMqQueue('sync', { redisUrl: REDIS_URL, prefix });
      try {
        expect(made.kind).toBe('queue');
        const [asked] = await made.jobs!.plan(MAPPING, 'crm', 'dana');
        expect(await shared.counts()).toMatchObject({ waiting: 1, active: 0 });
        await new Promise((r) => setTimeout(r, 300));
        expect(await rig.store.runs.get(asked!.runId)).toMatchObject({ status: 'queued' });
      } finally {
        await made.close();
        await shared.close();
        await obliterateBullMqQueue('sync', { redisUrl: REDIS_URL, prefix });
      }
    },
  );
});
