/**
 * The checkpointer (src/sync/runner/checkpointer.ts), on fake timers: it takes a
 * checkpoint every `everyMs` only while this process holds the scheduler lease, one at a
 * time, logs what it wrote (no key material: only the entry and the key id), and a failure
 * is logged, not thrown; stop waits for the attempt in flight.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startCheckpointer, type Checkpointer } from '../../../../src/sync/runner/checkpointer.ts';
import { recordingLogger } from './fakes.ts';

let checkpointer: Checkpointer | undefined;
beforeEach(() => vi.useFakeTimers());
afterEach(async () => {
  await checkpointer?.stop();
  checkpointer = undefined;
  vi.useRealTimers();
});

describe('checkpointer', () => {
  it('takes one every everyMs while it leads, none while another process leads', async () => {
    let leader = false;
    const take = vi.fn(() => Promise.resolve({ written: true, seq: 12, keyId: '0123456789abcdef' }));
    const log = recordingLogger();
    checkpointer = startCheckpointer({ everyMs: 60_000, take, active: () => leader, logger: log.logger });
    await vi.advanceTimersByTimeAsync(180_000);
    expect(take).not.toHaveBeenCalled();
    leader = true;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(take).toHaveBeenCalledTimes(2);
    expect(log.lines.filter((l) => l.msg === 'audit checkpoint written')).toMatchObject([
      { seq: 12, keyId: '0123456789abcdef' },
      { seq: 12, keyId: '0123456789abcdef' },
    ]);
  });

  it('one at a time: a slow attempt is not stacked; a failure is logged and the next tick tries again', async () => {
    let release: () => void = () => undefined;
    const take = vi
      .fn()
      .mockImplementationOnce(() => new Promise((resolve) => (release = () => resolve({ written: false }))))
      .mockRejectedValueOnce(new Error('disk full'))
      .mockResolvedValue({ written: false });
    const log = recordingLogger();
    checkpointer = startCheckpointer({ everyMs: 1_000, take, active: () => true, logger: log.logger });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(take).toHaveBeenCalledTimes(1);
    release();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(take).toHaveBeenCalledTimes(3);
    expect(log.said('could not write an audit checkpoint')).toBe(1);
    await checkpointer.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(take).toHaveBeenCalledTimes(3);
  });
});
