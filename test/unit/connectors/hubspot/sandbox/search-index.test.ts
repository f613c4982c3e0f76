/**
 * The sandbox's lagging search index: without a lag search sees every record as it
 * is; with one, a change shows up only once indexed (the old version until then, a new
 * record not at all), later changes of one record never overtake earlier ones, a
 * numeric lag spreads changes deterministically, and setting 0 makes search exact again.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../../src/connector/sandbox/clock.ts';
import { HubSpotStore } from '../../../../../connectors/hubspot/sandbox/data-store.ts';
import { standardObjectTypes } from '../../../../../connectors/hubspot/sandbox/properties.ts';

const T0 = Date.UTC(2025, 0, 1);

function setup(lag: number | ((type: string, id: string, at: number) => number)) {
  const clock = new ManualClock(T0);
  const store = new HubSpotStore(clock, standardObjectTypes(), 1);
  store.searchIndex.setLag(lag);
  const contacts = store.requireType('contacts');
  const seen = (id: string) => {
    const record = store.get(contacts, id);
    return record ? store.searchIndex.view(contacts, record) : undefined;
  };
  return { clock, store, contacts, seen };
}

describe('SearchIndex', () => {
  it('without a lag, search sees the record itself', () => {
    const { store, contacts, seen } = setup(0);
    const record = store.create(contacts, { email: 'a@x.test' }, 'INTEGRATION');
    expect(seen(record.id)).toBe(record);
  });

  it('shows a new record only once indexed, and an older version until a change is', () => {
    const { clock, store, contacts, seen } = setup(() => 5_000);
    const record = store.create(contacts, { email: 'a@x.test' }, 'INTEGRATION');
    expect(seen(record.id)).toBeUndefined();
    clock.set(T0 + 5_000);
    expect(seen(record.id)).toBe(record);
    clock.set(T0 + 6_000);
    store.update(contacts, record, { firstname: 'Ann' }, 'INTEGRATION');
    expect(seen(record.id)?.properties.firstname).toBeUndefined();
    clock.set(T0 + 10_999);
    expect(seen(record.id)?.updatedAt).toBe(T0);
    clock.set(T0 + 11_000);
    expect(seen(record.id)).toBe(record);
    store.archive(contacts, record, 'INTEGRATION');
    expect(seen(record.id)?.archived).toBe(false);
    clock.set(T0 + 16_000);
    expect(seen(record.id)?.archived).toBe(true);
  });

  it('never lets a later change of one record overtake an earlier one', () => {
    const { clock, store, contacts, seen } = setup((_t, _id, at) => (at === T0 + 1_000 ? 10_000 : 0));
    const record = store.create(contacts, { email: 'a@x.test' }, 'INTEGRATION');
    clock.set(T0 + 1_000);
    store.update(contacts, record, { firstname: 'Ann' }, 'INTEGRATION');
    clock.set(T0 + 2_000);
    store.update(contacts, record, { firstname: 'Anna' }, 'INTEGRATION');
    // The second change (lag 0) waits for the first (visible at T0 + 11 s).
    expect(seen(record.id)?.properties.firstname).toBeUndefined();
    clock.set(T0 + 11_000);
    expect(seen(record.id)?.properties.firstname).toBe('Anna');
  });

  it('spreads a numeric lag over 0..max, the same way every run; 0 makes search exact again', () => {
    const delays = (): number[] => {
      const { clock, store, contacts, seen } = setup(10_000);
      const ids = Array.from(
        { length: 50 },
        (_, i) => store.create(contacts, { email: `c${i}@x.test` }, 'INTEGRATION').id,
      );
      const out: number[] = [];
      for (const id of ids) {
        let t = 0;
        while (seen(id) === undefined && t <= 10_000) clock.set(T0 + (t += 500));
        out.push(t);
        clock.set(T0);
      }
      return out;
    };
    const first = delays();
    expect(delays()).toEqual(first);
    expect(Math.max(...first)).toBeLessThanOrEqual(10_000);
    expect(new Set(first).size).toBeGreaterThan(5);
    const { store, contacts, seen } = setup(10_000);
    const record = store.create(contacts, { email: 'z@x.test' }, 'INTEGRATION');
    store.searchIndex.setLag(0);
    expect(seen(record.id)).toBe(record);
  });
});
