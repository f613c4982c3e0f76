/**
 * Inbox retention (src/sync/runner/inbox-retention.ts), tick by tick over an inbox kept
 * in memory: it purges only while this process holds the scheduler lease, cuts at the
 * clock less the retention, takes at most BATCHES_PER_TICK statements of BATCH rows per
 * tick (the next tick takes the rest), stops at a partial batch, and logs a failure
 * instead of throwing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { InboxRepository } from '../../../../src/store/inbox-repository.ts';
import {
  BATCH,
  BATCHES_PER_TICK,
  startInboxRetention,
  type InboxRetention,
} from '../../../../src/sync/runner/inbox-retention.ts';
import { recordingLogger } from './fakes.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-03T12:00:00.000Z');

/** Done rows by received time, and the calls `purgeDone` got. */
function memoryInbox(receivedAt: readonly number[]): Pick<InboxRepository, 'purgeDone'> & {
  left: () => number;
  calls: { before: string; limit: number }[];
} {
  let rows = receivedAt.map((t) => new Date(t).toISOString());
  const calls: { before: string; limit: number }[] = [];
  return {
    calls,
    left: () => rows.length,
    purgeDone(before, limit) {
      calls.push({ before, limit });
      const old = rows.filter((r) => r < before).slice(0, limit);
      rows = rows.filter((r) => !old.includes(r));
      return Promise.resolve(old.length);
    },
  };
}

let retention: InboxRetention | undefined;
afterEach(async () => {
  await retention?.stop();
  retention = undefined;
});

describe('inbox retention', () => {
  it('purges only while this process leads, rows received before now less the retention', async () => {
    let leader = false;
    const inbox = memoryInbox([NOW - 8 * DAY, NOW - 7 * DAY - 1, NOW - 7 * DAY + 1, NOW - DAY]);
    const log = recordingLogger();
    retention = startInboxRetention({
      inbox,
      retentionMs: 7 * DAY,
      active: () => leader,
      logger: log.logger,
      clock: () => NOW,
    });
    expect(await retention.tick()).toBe(0);
    expect(inbox.calls).toEqual([]);
    leader = true;
    expect(await retention.tick()).toBe(2);
    expect(inbox.calls[0]).toEqual({ before: new Date(NOW - 7 * DAY).toISOString(), limit: BATCH });
    expect(inbox.left()).toBe(2);
    expect(log.lines.filter((l) => l.msg === 'inbox: done deliveries past retention removed')).toMatchObject([
      { removed: 2 },
    ]);
  });

  it('takes at most BATCHES_PER_TICK statements per tick; the next tick goes on', async () => {
    const total = BATCH * BATCHES_PER_TICK + BATCH + 7;
    const inbox = memoryInbox(Array.from({ length: total }, (_, i) => NOW - 30 * DAY + i));
    retention = startInboxRetention({
      inbox,
      retentionMs: DAY,
      active: () => true,
      logger: recordingLogger().logger,
      clock: () => NOW,
    });
    expect(await retention.tick()).toBe(BATCH * BATCHES_PER_TICK);
    expect(inbox.calls).toHaveLength(BATCHES_PER_TICK);
    expect(await retention.tick()).toBe(BATCH + 7);
    expect(inbox.calls).toHaveLength(BATCHES_PER_TICK + 2);
    expect(inbox.left()).toBe(0);
  });

  it('a failing store is logged, not thrown', async () => {
    const log = recordingLogger();
    retention = startInboxRetention({
      inbox: { purgeDone: () => Promise.reject(new Error('database is locked')) },
      retentionMs: DAY,
      active: () => true,
      logger: log.logger,
      clock: () => NOW,
    });
    expect(await retention.tick()).toBe(0);
    expect(log.said('inbox retention: could not remove old deliveries')).toBe(1);
  });
});
