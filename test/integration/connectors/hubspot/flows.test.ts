import { afterEach, describe, expect, it } from 'vitest';
import type { Cursor, WriteOp } from '../../../../src/connector/index.ts';
import { ManualClock } from '../../../../src/connector/sandbox/clock.ts';
import type { HubSpotConnector } from '../../../../connectors/hubspot/index.ts';
import { sandboxConnector, startRig, type SandboxRig } from './support.ts';

let rig: SandboxRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const T0 = Date.UTC(2024, 0, 1);
const searches = (r: SandboxRig): number => r.sent.filter((s) => s.path.endsWith('/search')).length;

describe('HubSpot connector against the sandbox', () => {
  it('with a lagging search index, a record changed before another but indexed after it is found only thanks to the overlap', async () => {
    const clock = new ManualClock(T0);
    // The change of contact 1 at T0 + 1 s takes 20 s to reach search; every other change is indexed at once.
    const searchLag = (_type: string, id: string, at: number): number => (id === '1' && at === T0 + 1_000 ? 20_000 : 0);
    const searchRateLimit = { requests: 1_000, perMs: 1_000 };
    rig = await startRig({ clock, searchLag }, { options: { searchRateLimit, overlapMinutes: 0 } });
    const { connector } = rig;
    const list = async (
      c: HubSpotConnector,
      since: Cursor | null,
    ): Promise<{ ids: string[]; cursor: Cursor | null }> => {
      const ids: string[] = [];
      let cursor = since;
      for await (const page of c.listChanges('contacts', since, { fields: ['email'] })) {
        ids.push(...page.records.map((r) => r.id));
        cursor = page.cursor;
      }
      return { ids, cursor };
    };
    await connector.write('contacts', [
      { op: 'create', ref: 'a', fields: { email: 'a@lag.test' } },
      { op: 'create', ref: 'b', fields: { email: 'b@lag.test' } },
    ]);
    const first = await list(connector, null);
    expect(first.ids).toEqual(['1', '2']);
    clock.set(T0 + 1_000);
    await connector.write('contacts', [{ op: 'update', ref: 'a', id: '1', fields: { firstname: 'Ann' } }]);
    clock.set(T0 + 2_000);
    await connector.write('contacts', [{ op: 'update', ref: 'b', id: '2', fields: { firstname: 'Bob' } }]);
    clock.set(T0 + 3_000);
    // Search still shows contact 1 as it was at T0: only contact 2 is new, and the cursor moves past contact 1's change.
    const second = await list(connector, first.cursor);
    expect(second.ids).toEqual(['2']);
    expect(second.cursor?.timestamp).toBe(new Date(T0 + 2_000).toISOString());
    clock.set(T0 + 30_000);
    // Without an overlap the change is lost for good; with the connector's default (1 minute) it is read.
    expect((await list(connector, second.cursor)).ids).toEqual([]);
    const patient = sandboxConnector(rig.url, { options: { searchRateLimit } });
    try {
      expect((await list(patient, second.cursor)).ids).toEqual(['1', '2']);
    } finally {
      await patient.close?.();
    }
  });

  it('reads when each property last changed (property history), for the conflict rule newest', async () => {
    const clock = new ManualClock(T0);
    rig = await startRig({ clock });
    const { connector, sandbox } = rig;
    const [created] = await connector.write('contacts', [
      { op: 'create', ref: 'a', fields: { email: 'times@x.test', firstname: 'Ann', city: 'Paris' } },
    ]);
    const id = created?.ok ? created.id : '';
    clock.set(T0 + 5_000);
    const contacts = sandbox.store.requireType('contacts');
    sandbox.store.update(contacts, sandbox.store.get(contacts, id)!, { firstname: 'Anna' }, 'CRM_UI');
    clock.set(T0 + 9_000);
    await connector.write('contacts', [{ op: 'update', ref: 'b', id, fields: { city: null } }]);
    const [withTimes] = await connector.read('contacts', [id], ['email', 'firstname', 'city'], { fieldTimes: true });
    expect(withTimes?.fieldModifiedAt).toEqual({
      email: new Date(T0).toISOString(),
      firstname: new Date(T0 + 5_000).toISOString(),
      city: new Date(T0 + 9_000).toISOString(),
    });
    expect(withTimes?.fields).toMatchObject({ firstname: 'Anna', city: null });
    const [plain] = await connector.read('contacts', [id], ['email']);
    expect(plain?.fieldModifiedAt).toBeUndefined();
    const sentHistory = rig.sent
      .filter((r) => r.path.endsWith('/batch/read'))
      .map((r) => (r.body as { propertiesWithHistory?: string[] }).propertiesWithHistory);
    expect(sentHistory).toEqual([['email', 'firstname', 'city'], undefined]);
  });

  it('lists 20,000 contacts, 12,000 sharing one lastmodifieddate, missing none and repeating none', async () => {
    rig = await startRig({ rateLimits: { max: 100_000, searchPerSecond: 1_000 } });
    const { sandbox, connector } = rig;
    const contacts = sandbox.store.requireType('contacts');
    let n = 0;
    const rows = (count: number) => Array.from({ length: count }, () => ({ email: `c${++n}@bulk.test` }));
    for (let i = 0; i < 2_000; i++)
      sandbox.store.bulkInsert(contacts, rows(2), { createdAt: T0, modifiedAt: T0 + i * 1000 });
    sandbox.store.bulkInsert(contacts, rows(12_000), { createdAt: T0, modifiedAt: T0 + 5_000_000 });
    for (let i = 0; i < 1_000; i++)
      sandbox.store.bulkInsert(contacts, rows(4), { createdAt: T0, modifiedAt: T0 + 6_000_000 + i * 1000 });

    const seen = new Map<string, number>();
    let previous = '';
    for await (const page of connector.listChanges('contacts', null, { fields: ['email'] })) {
      for (const record of page.records) {
        seen.set(record.id, (seen.get(record.id) ?? 0) + 1);
        const position = `${record.modifiedAt}|${record.id.padStart(8, '0')}`;
        expect(position > previous, 'ascending (modifiedAt, id)').toBe(true);
        previous = position;
      }
    }
    expect(seen.size).toBe(20_000);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    expect(searches(rig)).toBeLessThanOrEqual(110);
    expect(rig.statuses.filter((s) => s !== 200)).toEqual([]);
  }, 30_000);

  it('writes 250 creates with 3 invalid emails and 2 existing ones: 245 created, 3 failed with HubSpot message, 2 updates', async () => {
    rig = await startRig({ rateLimits: { max: 100_000 } });
    const { sandbox, connector } = rig;
    const contacts = sandbox.store.requireType('contacts');
    const [existingA, existingB] = sandbox.store.bulkInsert(contacts, [
      { email: 'taken.1@acme.test', firstname: 'Old' },
      { email: 'taken.2@acme.test', firstname: 'Old' },
    ]);
    const bad = new Set([17, 130, 249]);
    const taken = new Map([
      [60, 'taken.1@acme.test'],
      [201, 'TAKEN.2@acme.test'],
    ]);
    const ops: WriteOp[] = Array.from({ length: 250 }, (_, i) => ({
      op: 'create',
      ref: `r${i}`,
      fields: {
        email: bad.has(i) ? `broken-${i}-at-acme` : (taken.get(i) ?? `new.${i}@acme.test`),
        firstname: `N${i}`,
      },
    }));
    const results = await connector.write('contacts', ops);
    expect(results).toHaveLength(250);
    const created = results.filter((r) => r.ok && r.outcome === 'created');
    const updated = results.filter((r) => r.ok && r.outcome === 'updated');
    const failed = results.filter((r) => !r.ok);
    expect(created).toHaveLength(245);
    expect(updated.map((r) => [r.ref, r.ok && r.id]).sort()).toEqual([
      ['r201', existingB?.id],
      ['r60', existingA?.id],
    ]);
    expect(failed.map((r) => r.ref).sort()).toEqual(['r130', 'r17', 'r249']);
    for (const f of failed) {
      expect(f.ok === false && f.error).toMatchObject({
        vendorCode: 'VALIDATION_ERROR',
        status: 400,
        retryable: false,
        fields: ['email'],
        message: expect.stringMatching(/broken-\d+-at-acme/),
      });
    }
    expect(sandbox.store.count(contacts)).toBe(247);
    expect(sandbox.store.findByUnique(contacts, 'email', 'taken.1@acme.test')?.properties.firstname).toBe('N60');
  });

  it('an upsert retried after a dropped response creates nothing twice', async () => {
    rig = await startRig();
    const { sandbox, connector } = rig;
    const contacts = sandbox.store.requireType('contacts');
    sandbox.kit.faults.dropAfterCommit = 1;
    const ops: WriteOp[] = Array.from({ length: 10 }, (_, i) => ({
      op: 'create',
      ref: `r${i}`,
      idempotencyKey: { field: 'email', value: `once.${i}@acme.test` },
      fields: { firstname: `F${i}` },
    }));
    const results = await connector.write('contacts', ops);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(rig.statuses).toContain('network');
    expect(sandbox.store.count(contacts)).toBe(10);
    expect(sandbox.kit.counters().writes['POST /crm/v3/objects/:objectType/batch/upsert']).toBe(20);
  });

  it('a plain create whose response was dropped is not repeated blindly; running it again updates the record it made', async () => {
    rig = await startRig();
    const { sandbox, connector } = rig;
    const contacts = sandbox.store.requireType('contacts');
    sandbox.kit.faults.dropAfterCommit = 1;
    const ops: WriteOp[] = [{ op: 'create', ref: 'r0', fields: { email: 'lost@acme.test', firstname: 'Lost' } }];
    await expect(connector.write('contacts', ops)).rejects.toMatchObject({ retryable: true });
    expect(sandbox.store.count(contacts)).toBe(1);
    const again = await connector.write('contacts', ops);
    expect(again[0]).toMatchObject({ ok: true, outcome: 'updated' });
    expect(sandbox.store.count(contacts)).toBe(1);
  });

  it('with the sandbox limited to 20 requests per 2 s, a 5,000-record upsert (50 requests) gets no 429', async () => {
    rig = await startRig({ rateLimits: { max: 20, intervalMs: 2_000 } }, { rateLimit: { requests: 20, perMs: 2_000 } });
    const { sandbox, connector } = rig;
    const ops: WriteOp[] = Array.from({ length: 5_000 }, (_, i) => ({
      op: 'upsert',
      ref: `r${i}`,
      idempotencyKey: { field: 'email', value: `rl.${i}@acme.test` },
      fields: {},
    }));
    const results = await connector.write('contacts', ops);
    expect(results.filter((r) => r.ok)).toHaveLength(5_000);
    expect(rig.statuses.filter((s) => s === 429)).toEqual([]);
    expect(rig.sent.filter((s) => s.path.endsWith('/batch/upsert'))).toHaveLength(50);
    expect(sandbox.store.count(sandbox.store.requireType('contacts'))).toBe(5_000);
  }, 30_000);

  it('refreshes an OAuth token through the sandbox token endpoint', async () => {
    rig = await startRig(
      {},
      {
        auth: {
          type: 'oauth2',
          clientId: 'sandbox-client-id',
          clientSecret: 'sandbox-client-secret',
          refreshToken: 'sandbox-refresh-token',
        },
      },
    );
    expect(await rig.connector.read('contacts', ['1'])).toEqual([]);
  });
});
