/**
 * An idle engine loop (what `frontback start` runs) over records that do not change: every
 * pass re-reads the records in its overlap window and finds them as last synced. Those are
 * counted in the run (`unchanged`), not audited one by one (ARCHITECTURE invariant 6): the
 * audit log holds decisions, and stays as it was while nothing happens.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadMappings } from '../../../src/mapping/load.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMemoryQueue } from '../../../src/queue/memory/memory-queue.ts';
import type { Run } from '../../../src/store/run-repository.ts';
import { startRunner } from '../../../src/sync/runner/index.ts';
import { projectRoot } from '../../support/env.ts';
import { startSyncRig } from './support.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('an idle engine loop', () => {
  it('adds no audit entries for records re-read unchanged; the runs count them', async () => {
    const r = await startSyncRig({ seed: 5, records: 12 });
    cleanups.push(() => r.close());
    const mappings = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot }).mappings.filter(
      (m) => m.mapping.id === 'contacts-partners',
    );
    const queue = createMemoryQueue('sync');
    const runner = startRunner({
      mappings,
      connectors: r.byName,
      store: r.store,
      queue,
      logger: createLogger({ level: 'silent' }),
      // An hour of overlap: every pass re-reads every record, as an idle `start` re-reads its overlap window.
      overlapMs: 3_600_000,
      concurrency: 2,
      everyMsOverride: 200,
      inboxEveryMs: 100,
    });
    cleanups.push(async () => {
      await runner.stop();
      await queue.close();
    });
    const finished = async (): Promise<Run[]> =>
      (await r.store.runs.list({ mappingId: 'contacts-partners' })).filter((run) => run.status !== 'running');
    // The first passes of each side link the pairs; after them nothing changes anywhere.
    await until('the first sync', async () => (await finished()).length >= 4);
    const settled = (await finished()).length;
    const head = (await r.store.audit.head())?.seq ?? 0;
    await until('three more passes', async () => (await finished()).length >= settled + 3);
    // What was in hand when `head` was read may still be recording: the passes started after it are the idle ones.
    const idle = (await finished()).slice(0, 3);
    for (const run of idle) {
      expect(run.status).toBe('succeeded');
      expect(run.counts['unchanged']).toBeGreaterThan(0);
    }
    const entries = await r.store.audit.after(head, 10_000);
    const idleRuns = new Set(idle.map((run) => run.id));
    expect(entries.filter((e) => e.runId !== null && idleRuns.has(e.runId))).toEqual([]);
    expect(entries.filter((e) => e.action === 'skipped' && /nothing changed/.test(e.rule ?? ''))).toEqual([]);
  }, 60_000);
});
