/**
 * The inbox reconciler (src/sync/runner/inbox-reconciler.ts) over an SQLite store: open
 * deliveries become one pass job per mapping side that reads their connection and object,
 * named by the first row's attempts; a delivery nothing reads is done; it looks only while
 * this process is the scheduler, and a takeover includes rows left `processing`. Then what
 * becomes of the rows once their pass ran (done, failed, back to pending).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CompiledMapping } from '../../../../src/mapping/types.ts';
import { createStore } from '../../../../src/store/sql/create-store.ts';
import type { Store } from '../../../../src/store/store.ts';
import {
  deliveries,
  startInboxReconciler,
  type InboxReconciler,
} from '../../../../src/sync/runner/inbox-reconciler.ts';
import { recordingLogger, recordingQueue } from './fakes.ts';

const mappings = [
  {
    id: 'contacts-partners',
    sides: { crm: { connection: 'hubspot', object: 'contacts' }, erp: { connection: 'odoo', object: 'res.partner' } },
  },
] as unknown as Pick<CompiledMapping, 'id' | 'sides'>[];

let store: Store;
let reconciler: InboxReconciler | undefined;
beforeEach(async () => {
  store = await createStore({ url: ':memory:' });
});
afterEach(async () => {
  reconciler?.stop();
  reconciler = undefined;
  vi.useRealTimers();
  await store.close();
});

let deliveryKeys = 0;
const deliver = async (source: string, object: string): Promise<string> =>
  (await store.inbox.accept({ source, deliveryKey: `d${(deliveryKeys += 1)}`, payload: { object, id: '1' } })).id;

function start(active: () => boolean = () => true, everyMs = 1_000) {
  const queue = recordingQueue();
  reconciler = startInboxReconciler({
    mappings,
    inbox: store.inbox,
    queue,
    logger: recordingLogger().logger,
    everyMs,
    active,
  });
  return { queue, reconciler };
}

describe('inbox reconciler', () => {
  it('makes one pass job per mapping side concerned, with every row of it; a delivery nothing reads is done', async () => {
    const [c1, c2] = [await deliver('hubspot', 'contacts'), await deliver('hubspot', 'contacts')];
    const p1 = await deliver('odoo', 'res.partner');
    const deal = await deliver('hubspot', 'deals');
    const { queue, reconciler: r } = start();
    await r.reconcile(['pending']);
    expect(queue.added).toEqual([
      {
        name: 'pass',
        data: { mapping: 'contacts-partners', side: 'crm', inbox: [c1, c2] },
        options: { jobId: `inbox-${c1}-a0-contacts-partners-crm` },
      },
      {
        name: 'pass',
        data: { mapping: 'contacts-partners', side: 'erp', inbox: [p1] },
        options: { jobId: `inbox-${p1}-a0-contacts-partners-erp` },
      },
    ]);
    expect((await store.inbox.get(deal))?.status).toBe('done');
    expect((await store.inbox.get(c1))?.status).toBe('pending');
  });

  it('a row back to pending after an attempt gets a job of a new id (the queue keeps ended ids a while)', async () => {
    const id = await deliver('hubspot', 'contacts');
    const { queue, reconciler: r } = start();
    await r.reconcile(['pending']);
    await deliveries(store.inbox).taken([id]);
    await deliveries(store.inbox).ran([id], true);
    await r.reconcile(['pending']);
    expect(queue.added.map((a) => a.options.jobId)).toEqual([
      `inbox-${id}-a0-contacts-partners-crm`,
      `inbox-${id}-a1-contacts-partners-crm`,
    ]);
  });

  it('looks every everyMs while this process is the scheduler, never otherwise', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let active = false;
    const listed = vi.spyOn(store.inbox, 'listOpen');
    start(() => active, 100);
    vi.advanceTimersByTime(1_000);
    expect(listed).not.toHaveBeenCalled();
    active = true;
    vi.advanceTimersByTime(100);
    expect(listed).toHaveBeenCalledTimes(1);
    expect(listed).toHaveBeenLastCalledWith({ statuses: ['pending'], limit: 500 });
  });

  it('takeOver: also takes the rows a stopped or crashed process left processing', async () => {
    const id = await deliver('hubspot', 'contacts');
    await store.inbox.markProcessing(id);
    const { queue, reconciler: r } = start();
    await r.reconcile(['pending']);
    expect(queue.added).toEqual([]);
    r.takeOver();
    await vi.waitFor(() =>
      expect(queue.added.map((a) => a.options.jobId)).toEqual([`inbox-${id}-a1-contacts-partners-crm`]),
    );
  });
});

describe('deliveries: what becomes of the rows a pass took care of', () => {
  it('taken, then done, back to pending (stopped between pages) or failed with the message', async () => {
    const rows = deliveries(store.inbox);
    const [a, b, c] = [
      await deliver('hubspot', 'contacts'),
      await deliver('hubspot', 'contacts'),
      await deliver('hubspot', 'contacts'),
    ];
    await rows.taken([a, b, c]);
    expect(await store.inbox.get(a)).toMatchObject({ status: 'processing', attempts: 1 });
    await rows.ran([a], false);
    await rows.ran([b], true);
    await rows.failed([c], 'Odoo said no');
    expect(await store.inbox.get(a)).toMatchObject({ status: 'done' });
    expect(await store.inbox.get(b)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await store.inbox.get(c)).toMatchObject({ status: 'failed', lastError: 'Odoo said no' });
  });

  it('givenBack (the process stops): back to pending with an attempt counted; a settled row stays as it is', async () => {
    const rows = deliveries(store.inbox);
    const [waiting, taken, done] = [
      await deliver('hubspot', 'contacts'),
      await deliver('hubspot', 'contacts'),
      await deliver('hubspot', 'contacts'),
    ];
    await rows.taken([taken, done]);
    await rows.ran([done], false);
    await rows.givenBack([waiting, taken, done]);
    expect(await store.inbox.get(waiting)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await store.inbox.get(taken)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await store.inbox.get(done)).toMatchObject({ status: 'done', attempts: 1 });
  });
});
