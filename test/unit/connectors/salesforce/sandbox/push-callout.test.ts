import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../../src/connector/sandbox/clock.ts';
import {
  calloutSignature,
  createCallouts,
  verifyCalloutSignature,
  type CalloutBody,
  type Callouts,
} from '../../../../../connectors/salesforce/sandbox/push/callout.ts';
import type { SObjectChange } from '../../../../../connectors/salesforce/sandbox/records.ts';
import { startReceiver, type Receiver } from './push-receiver.ts';

const ORG = '00D5g000004XyZaEAK';
const SECRET = 'shared-secret';
const A1 = '0015g00000000AAAAA';
const A2 = '0015g00000000BBAAA';

function change(kind: SObjectChange['kind'], id: string, extra: Partial<SObjectChange> = {}): SObjectChange {
  return {
    type: 'Account',
    id,
    kind,
    row: { Id: id, Name: 'Acme', Phone: null, Industry: 'Energy', IsDeleted: kind === 'deleted' },
    changedFields: kind === 'created' ? ['Name', 'Industry'] : ['Name', 'LastModifiedDate'],
    at: 1_700_000_000_123,
    origin: 'api',
    transactionKey: 'tx-1',
    sequenceNumber: 1,
    ...extra,
  };
}

describe('Salesforce sandbox signed callouts', () => {
  let receiver: Receiver;
  let clock: ManualClock;
  let callouts: Callouts;

  beforeEach(async () => {
    receiver = await startReceiver();
    clock = new ManualClock(1_700_000_000_000);
    callouts = createCallouts({
      url: receiver.url,
      secret: SECRET,
      orgId: ORG,
      clock,
      flushIntervalMs: 0,
      userId: '0055g00000000AAAAA',
    });
  });
  afterEach(async () => {
    await callouts.stop();
    await receiver.close();
  });

  const bodyOf = (i: number) => JSON.parse(receiver.requests[i]!.body) as CalloutBody;

  it('signs <timestamp>.<body> with HMAC-SHA256: verifies with the secret, fails with another', async () => {
    callouts.listener(change('created', A1));
    await callouts.flush();
    const req = receiver.requests[0]!;
    const ts = req.headers['x-salesforce-timestamp'] as string;
    const sig = req.headers['x-salesforce-signature'] as string;
    expect(req.headers['content-type']).toBe('application/json');
    expect(ts).toBe(String(clock.now()));
    // Computed independently of the module: what the doc tells a receiver to do.
    expect(sig).toBe(createHmac('sha256', SECRET).update(`${ts}.${req.body}`).digest('base64'));
    expect(verifyCalloutSignature(SECRET, ts, req.body, sig)).toBe(true);
    expect(verifyCalloutSignature('another-secret', ts, req.body, sig)).toBe(false);
    expect(verifyCalloutSignature(SECRET, String(Number(ts) + 1), req.body, sig)).toBe(false);
    expect(verifyCalloutSignature(SECRET, ts, req.body.replace('Acme', 'Acne'), sig)).toBe(false);
    expect(verifyCalloutSignature(SECRET, undefined, req.body, sig)).toBe(false);
    expect(calloutSignature(SECRET, ts, req.body)).toBe(sig);
  });

  it('sends CDC-shaped events: all values on CREATE, changed ones on UPDATE, MasterRecordId on a merge loser', async () => {
    callouts.listener(change('created', A1));
    callouts.listener(change('updated', A1, { origin: 'control' }));
    callouts.listener(change('merged', A1, { transactionKey: 'tx-2', sequenceNumber: 1 }));
    callouts.listener(
      change('deleted', A2, { masterRecordId: A1, transactionKey: 'tx-2', sequenceNumber: 2, changedFields: [] }),
    );
    callouts.listener(change('undeleted', A2));
    callouts.listener(change('created', A1, { origin: 'seed' }));
    await callouts.flush();
    expect(receiver.requests).toHaveLength(1);
    const body = bodyOf(0);
    expect(body.orgId).toBe(ORG);
    const [created, updated, merged, deleted, undeleted] = body.events;
    expect(body.events).toHaveLength(5);
    expect(created).toEqual({
      ChangeEventHeader: {
        entityName: 'Account',
        recordIds: [A1],
        changeType: 'CREATE',
        changedFields: [],
        changeOrigin: 'com/salesforce/api/rest/60.0',
        transactionKey: 'tx-1',
        sequenceNumber: 1,
        commitTimestamp: 1_700_000_000_123,
        commitUser: '0055g00000000AAAAA',
      },
      Name: 'Acme',
      Industry: 'Energy',
      IsDeleted: false,
    });
    expect(updated!.ChangeEventHeader).toMatchObject({
      changeType: 'UPDATE',
      changeOrigin: '',
      changedFields: ['Name', 'LastModifiedDate'],
    });
    expect(updated).toMatchObject({ Name: 'Acme' });
    expect(updated).not.toHaveProperty('Industry');
    expect(merged!.ChangeEventHeader).toMatchObject({ changeType: 'UPDATE', transactionKey: 'tx-2' });
    expect(deleted).toEqual({
      ChangeEventHeader: expect.objectContaining({
        changeType: 'DELETE',
        recordIds: [A2],
        changedFields: [],
        sequenceNumber: 2,
      }),
      MasterRecordId: A1,
    });
    expect(undeleted!.ChangeEventHeader.changeType).toBe('UNDELETE');
  });

  it('batches up to 100 events per call', async () => {
    for (let i = 0; i < 205; i++) callouts.listener(change('updated', A1, { sequenceNumber: i + 1 }));
    await callouts.flush();
    expect(receiver.requests.map((r) => (JSON.parse(r.body) as CalloutBody).events.length)).toEqual([100, 100, 5]);
  });

  it('retries non-2xx with backoff, re-signed, and gives up after 5 attempts', async () => {
    receiver.respond((_req, i) => (i < 2 ? { status: 502, body: '' } : { status: 204, body: '' }));
    callouts.listener(change('created', A1));
    await callouts.flush();
    clock.advance(60_000);
    await callouts.flush();
    clock.advance(120_000);
    await callouts.flush();
    expect(receiver.requests).toHaveLength(3);
    expect(callouts.stats()).toMatchObject({ delivered: 1, attempts: 3, pending: 0 });
    const last = receiver.requests[2]!;
    const ts = last.headers['x-salesforce-timestamp'] as string;
    expect(ts).toBe(String(clock.now()));
    expect(verifyCalloutSignature(SECRET, ts, last.body, last.headers['x-salesforce-signature'] as string)).toBe(true);

    receiver.respond(() => ({ status: 500, body: '' }));
    callouts.listener(change('updated', A2));
    for (let i = 0; i < 10; i++) {
      await callouts.flush();
      clock.advance(3_600_000);
    }
    expect(callouts.stats()).toMatchObject({ delivered: 1, failed: 1, pending: 0, attempts: 8 });
  });

  it('sends only the watched objects when a list is given', async () => {
    await callouts.stop();
    callouts = createCallouts({
      url: receiver.url,
      secret: SECRET,
      orgId: ORG,
      clock,
      flushIntervalMs: 0,
      objects: ['Contact'],
    });
    callouts.listener(change('created', A1));
    callouts.listener({ ...change('created', '0035g00000000AAAAA'), type: 'Contact' });
    await callouts.flush();
    expect(bodyOf(0).events.map((e) => e.ChangeEventHeader.entityName)).toEqual(['Contact']);
  });
});
