/**
 * The mapping lease (src/sync/runner/mapping-lease.ts): held while the pass runs and
 * renewed every third of its length, given up after; what happens while another process
 * holds it (wait, drop a scheduled pass of the same side, refuse); the stop signal ending
 * a wait; stopping now giving every lease up.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mappingLeases, passLease, type MappingLeases } from '../../../../src/sync/runner/mapping-lease.ts';
import { memoryLeases, recordingLogger } from './fakes.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** A promise the test settles. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function until(check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  for (const end = Date.now() + ms; !(await check()); await new Promise((r) => setTimeout(r, 5)))
    if (Date.now() > end) throw new Error('not within the deadline');
}

function setup(options: { leaseMs?: number; waitMs?: number; signal?: AbortSignal; now?: () => number } = {}) {
  const store = memoryLeases(options.now);
  const log = recordingLogger();
  const leases: MappingLeases = mappingLeases({
    leases: store,
    holder: 'p1',
    leaseMs: options.leaseMs ?? 40,
    logger: log.logger,
    ...(options.waitMs === undefined ? {} : { waitMs: options.waitMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { store, log, leases };
}

describe('mapping lease', () => {
  it('is held by <process>/<side> while the work runs and given up after', async () => {
    const { store, leases } = setup();
    let during: string | undefined;
    let held: ReadonlyMap<string, string> = new Map();
    const outcome = await leases.run('contacts', 'crm', 'wait', async () => {
      during = (await store.get(passLease('contacts')))?.holder;
      held = leases.held();
      return 7;
    });
    expect(outcome).toEqual({ ran: true, value: 7 });
    expect(during).toBe('p1/crm');
    expect([...held]).toEqual([['pass:contacts', 'p1/crm']]);
    expect(await store.get('pass:contacts')).toBeUndefined();
    expect(leases.held().size).toBe(0);
  });

  it('is given up when the work throws, and the error goes on', async () => {
    const { store, leases } = setup();
    await expect(
      leases.run('contacts', 'erp', 'wait', () => Promise.reject(new Error('Odoo said no'))),
    ).rejects.toThrow('Odoo said no');
    expect(await store.get('pass:contacts')).toBeUndefined();
  });

  it('is renewed every third of its length while the work runs, and no more once given up', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { store, leases } = setup({ leaseMs: 30 });
    const work = deferred();
    const running = leases.run('contacts', 'crm', 'wait', () => work.promise);
    await until(() => leases.held().size === 1);
    const renewals = () => store.calls.filter((c) => c === 'acquire pass:contacts p1/crm').length;
    expect(renewals()).toBe(1);
    vi.advanceTimersByTime(30);
    expect(renewals()).toBe(4);
    work.resolve();
    await running;
    vi.advanceTimersByTime(90);
    expect(renewals()).toBe(4);
    expect(await store.get('pass:contacts')).toBeUndefined();
  });

  it('says so when a renewal finds the lease taken by another process, and the work goes on', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let now = 1_000_000;
    const { store, leases, log } = setup({ leaseMs: 30, now: () => now });
    const work = deferred();
    const running = leases.run('contacts', 'crm', 'wait', () => work.promise);
    await until(() => leases.held().size === 1);
    // Its event loop was blocked past the lease: another process took it.
    now += 31;
    expect(await store.acquire('pass:contacts', 'p2/crm', 30)).toBe(true);
    vi.advanceTimersByTime(10);
    await until(() => log.lines.some((l) => String(l.msg).startsWith('lost the lease of this pass')));
    work.resolve();
    expect(await running).toEqual({ ran: true, value: undefined });
    // Giving it up afterwards leaves the other process's lease alone.
    expect((await store.get('pass:contacts'))?.holder).toBe('p2/crm');
  });

  describe('while another process holds it', () => {
    it('refuse: answers busy with who holds it, runs nothing', async () => {
      const { store, leases } = setup();
      await store.acquire('pass:contacts', 'worker-7/erp', 60_000);
      const work = vi.fn(() => Promise.resolve());
      const outcome = await leases.run('contacts', 'crm', 'refuse', work);
      expect(outcome).toMatchObject({ ran: false, reason: 'busy', lease: { holder: 'worker-7/erp' } });
      expect(work).not.toHaveBeenCalled();
    });

    it('drop-same-side: a scheduled pass of the side running elsewhere is dropped', async () => {
      const { store, leases } = setup();
      await store.acquire('pass:contacts', 'worker-7/crm', 60_000);
      const work = vi.fn(() => Promise.resolve());
      expect(await leases.run('contacts', 'crm', 'drop-same-side', work)).toEqual({ ran: false, reason: 'same-side' });
      expect(work).not.toHaveBeenCalled();
    });

    it.each(['drop-same-side', 'wait'] as const)(
      '%s: waits while the other side runs elsewhere, and runs once it is given up',
      async (whenBusy) => {
        const { store, leases } = setup();
        await store.acquire('pass:contacts', 'worker-7/erp', 60_000);
        const running = leases.run('contacts', 'crm', whenBusy, () => Promise.resolve('ran'));
        // It has asked again at least once (it waits, neither dropped nor refused).
        await until(() => store.calls.filter((c) => c === 'acquire pass:contacts p1/crm').length >= 2);
        await store.release('pass:contacts', 'worker-7/erp');
        expect(await running).toEqual({ ran: true, value: 'ran' });
      },
    );

    it('wait: the stop signal ends the wait (stopping); the work never runs', async () => {
      const stop = new AbortController();
      const { store, leases } = setup({ signal: stop.signal });
      await store.acquire('pass:contacts', 'worker-7/crm', 60_000);
      const work = vi.fn(() => Promise.resolve());
      const running = leases.run('contacts', 'crm', 'wait', work);
      await until(() => store.calls.filter((c) => c === 'acquire pass:contacts p1/crm').length >= 2);
      stop.abort();
      expect(await running).toEqual({ ran: false, reason: 'stopping' });
      expect(work).not.toHaveBeenCalled();
    });

    it('wait: gives up after waitMs with an error saying the job is retried', async () => {
      const { store, leases } = setup({ waitMs: 20 });
      await store.acquire('pass:contacts', 'worker-7/crm', 60_000);
      await expect(leases.run('contacts', 'crm', 'wait', () => Promise.resolve())).rejects.toThrow(
        "pass:contacts: another process kept this mapping's passes busy; the job is retried",
      );
    });
  });

  it('releaseAll (stopping now) gives every lease up while the work still runs', async () => {
    const { store, leases } = setup();
    const [a, b] = [deferred(), deferred()];
    const running = [
      leases.run('contacts', 'crm', 'wait', () => a.promise),
      leases.run('companies', 'erp', 'wait', () => b.promise),
    ];
    await until(() => leases.held().size === 2);
    await leases.releaseAll();
    expect(await store.get('pass:contacts')).toBeUndefined();
    expect(await store.get('pass:companies')).toBeUndefined();
    expect(leases.held().size).toBe(0);
    // The next process takes it at once; the work ending here later leaves that lease alone.
    expect(await store.acquire('pass:contacts', 'cli-host-9/crm', 60_000)).toBe(true);
    a.resolve();
    b.resolve();
    await Promise.all(running);
    expect((await store.get('pass:contacts'))?.holder).toBe('cli-host-9/crm');
  });
});
