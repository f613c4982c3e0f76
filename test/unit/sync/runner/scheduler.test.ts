/**
 * The scheduler (src/sync/runner/scheduler.ts), on fake timers: one scheduler among the
 * processes (the holder of the scheduler lease), both sides of every mapping enqueued when
 * it becomes the scheduler and then on each schedule (every n ms, cron), one job per slot;
 * another process's lease keeps it quiet until it runs out; stop gives the lease up.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SCHEDULER_LEASE, startScheduler, type Scheduler } from '../../../../src/sync/runner/scheduler.ts';
import { memoryLeases, recordingLogger, recordingQueue } from './fakes.ts';

const LEASE_MS = 3_000;
const mappings = [
  { id: 'contacts', schedule: { everyMs: 60_000 } },
  { id: 'deals', schedule: { cron: '0 * * * *' } },
];

let scheduler: Scheduler | undefined;
beforeEach(() => {
  vi.useFakeTimers();
  // Half past midnight, local time (cron reads local time).
  vi.setSystemTime(new Date(2026, 0, 1, 0, 30, 0));
});
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
  vi.useRealTimers();
});

function start(leases = memoryLeases()) {
  const queue = recordingQueue();
  const log = recordingLogger();
  const onLead = vi.fn();
  scheduler = startScheduler({ mappings, queue, leases, holder: 'p1', leaseMs: LEASE_MS, logger: log.logger, onLead });
  const ids = () => queue.added.map((a) => a.options.jobId);
  return { queue, log, onLead, leases, ids, scheduler };
}

describe('scheduler', () => {
  it('with the lease free: says it schedules now, takes the inbox over, enqueues both sides of every mapping', async () => {
    const { ids, log, onLead, leases, queue } = start();
    await vi.advanceTimersByTimeAsync(0);
    const at = Date.now();
    expect(ids()).toEqual([
      `pass-contacts-crm-start-${at}`,
      `pass-contacts-erp-start-${at}`,
      `pass-deals-crm-start-${at}`,
      `pass-deals-erp-start-${at}`,
    ]);
    expect(queue.added[0]).toMatchObject({ name: 'pass', data: { mapping: 'contacts', side: 'crm' } });
    expect(onLead).toHaveBeenCalledTimes(1);
    expect(log.said('this process schedules the passes and reconciles the inbox now')).toBe(1);
    expect((await leases.get(SCHEDULER_LEASE))?.holder).toBe('p1');
  });

  it('enqueues each side on its schedule: every n ms, one job per slot', async () => {
    const { ids } = start();
    await vi.advanceTimersByTimeAsync(60_000);
    const slot = Math.floor(Date.now() / 60_000);
    expect(ids().slice(4)).toEqual([`pass-contacts-crm-${slot}`, `pass-contacts-erp-${slot}`]);
    // Renewing its lease every second meanwhile did not make it "become" the scheduler again.
    expect(ids()).toHaveLength(6);
  });

  it('enqueues each side at the next time a cron expression names', async () => {
    const { ids } = start();
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    const hour = new Date(2026, 0, 1, 1, 0, 0).getTime();
    expect(ids().filter((id) => id?.startsWith('pass-deals') && !id.includes('start'))).toEqual([
      `pass-deals-crm-${hour}`,
      `pass-deals-erp-${hour}`,
    ]);
  });

  it('enqueues nothing while another process holds the lease; takes over when it runs out', async () => {
    const leases = memoryLeases();
    await leases.acquire(SCHEDULER_LEASE, 'worker-7', LEASE_MS);
    const { ids, onLead, scheduler: s } = start(leases);
    await vi.advanceTimersByTimeAsync(LEASE_MS - 100);
    expect(s.isLeader()).toBe(false);
    expect(ids()).toEqual([]);
    expect(onLead).not.toHaveBeenCalled();
    // The other process stopped renewing: the next check (every third of a lease) finds it expired.
    await vi.advanceTimersByTimeAsync(LEASE_MS);
    expect(s.isLeader()).toBe(true);
    expect(onLead).toHaveBeenCalledTimes(1);
    expect(ids().filter((id) => id?.includes('-start-'))).toHaveLength(4);
  });

  it('says so when another process took the lease, and enqueues no more', async () => {
    const { ids, log, leases, scheduler: s } = start();
    await vi.advanceTimersByTimeAsync(0);
    // Its lease ran out (a blocked event loop) and another process took it.
    await leases.release(SCHEDULER_LEASE, 'p1');
    await leases.acquire(SCHEDULER_LEASE, 'worker-7', 24 * 60 * 60_000);
    await vi.advanceTimersByTimeAsync(LEASE_MS / 3);
    expect(s.isLeader()).toBe(false);
    expect(log.said('this process no longer holds the scheduler lease; another one schedules now')).toBe(1);
    const before = ids().length;
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(ids()).toHaveLength(before);
  });

  it('stop: gives the lease up at once (another process schedules now) and enqueues no more', async () => {
    const { ids, leases, scheduler: s } = start();
    await vi.advanceTimersByTimeAsync(0);
    await s.stop();
    expect(await leases.get(SCHEDULER_LEASE)).toBeUndefined();
    expect(s.isLeader()).toBe(false);
    await vi.advanceTimersByTimeAsync(2 * 60 * 60_000);
    expect(ids()).toHaveLength(4);
  });
});
