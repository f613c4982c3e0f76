import { XMLParser } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../../src/connector/sandbox/clock.ts';
import { normalizeId } from '../../../../../connectors/salesforce/sandbox/ids.ts';
import {
  attemptsWithin,
  createOutboundMessages,
  isOutboundAck,
  outboundBackoffMs,
  type OutboundMessages,
} from '../../../../../connectors/salesforce/sandbox/push/outbound-messages.ts';
import type { SObjectChange, SObjectRow } from '../../../../../connectors/salesforce/sandbox/records.ts';
import { startReceiver, type Receiver } from './push-receiver.ts';

const ORG = '00D5g000004XyZaEAK';
const ACK =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">' +
  '<soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack>' +
  '</notificationsResponse></soapenv:Body></soapenv:Envelope>';
const NACK = ACK.replace('<Ack>true</Ack>', '<Ack>false</Ack>');

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  parseTagValue: false,
  isArray: (name) => name === 'Notification',
});

interface ParsedNotification {
  Id: string;
  sObject: Record<string, string>;
}

function notificationsOf(body: string): { header: Record<string, unknown>; items: ParsedNotification[] } {
  const doc = parser.parse(body) as { Envelope: { Body: { notifications: Record<string, unknown> } } };
  const n = doc.Envelope.Body.notifications;
  return { header: n, items: (n['Notification'] as ParsedNotification[] | undefined) ?? [] };
}

let seq = 0;
function change(kind: SObjectChange['kind'], type: string, n: number, row: SObjectRow = {}): SObjectChange {
  const id = `${type === 'Account' ? '001' : '003'}5g000000${String(n).padStart(4, '0')}`;
  const full = normalizeId(id) ?? id;
  return {
    type,
    id: full,
    kind,
    row: { Id: full, Name: `Acme ${n}`, Phone: null, IsDeleted: kind === 'deleted', ...row },
    changedFields: ['Name'],
    at: 1_700_000_000_000,
    origin: 'api',
    transactionKey: `tx-${++seq}`,
    sequenceNumber: 1,
  };
}

describe('Salesforce sandbox Outbound Messages', () => {
  let receiver: Receiver;
  let clock: ManualClock;
  let om: OutboundMessages;

  beforeEach(async () => {
    receiver = await startReceiver();
    receiver.respond(() => ({ status: 200, body: ACK }));
    clock = new ManualClock(1_700_000_000_000);
  });
  afterEach(async () => {
    await om?.stop();
    await receiver.close();
  });

  const make = (extra: Partial<Parameters<typeof createOutboundMessages>[0]> = {}) =>
    createOutboundMessages({
      url: receiver.url,
      orgId: ORG,
      baseUrl: () => 'https://acme.my.salesforce.com',
      clock,
      flushIntervalMs: 0,
      ...extra,
    });

  it('posts a SOAP notifications message with the configured envelope and escaped fields', async () => {
    om = make();
    om.listener(change('created', 'Account', 1, { Name: 'Smith & <Sons>', Description: 'a "q"' }));
    await om.flush();
    expect(receiver.requests).toHaveLength(1);
    const req = receiver.requests[0]!;
    expect(req.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(req.headers['soapaction']).toBe('""');
    expect(req.body).toContain('<notifications xmlns="http://soap.sforce.com/2005/09/outbound">');
    expect(req.body).toContain('<SessionId xsi:nil="true"/>');
    expect(req.body).toContain('xsi:type="sf:Account" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"');
    expect(req.body).toContain('<sf:Name>Smith &amp; &lt;Sons&gt;</sf:Name>');
    const { header, items } = notificationsOf(req.body);
    expect(header['OrganizationId']).toBe(ORG);
    expect(header['ActionId']).toMatch(/^04k/);
    expect(header['EnterpriseUrl']).toBe('https://acme.my.salesforce.com/services/Soap/c/60.0/00D5g000004XyZa');
    expect(header['PartnerUrl']).toBe('https://acme.my.salesforce.com/services/Soap/u/60.0/00D5g000004XyZa');
    expect(items).toHaveLength(1);
    expect(items[0]!.Id).toMatch(/^04l[0-9A-Za-z]{15}$/);
    const sobject = items[0]!.sObject;
    expect(sobject['Id']).toBe(change('created', 'Account', 1).id);
    expect(sobject['Name']).toBe('Smith & <Sons>');
    expect(sobject['Description']).toBe('a "q"');
    expect(sobject['IsDeleted']).toBe('false');
    // Null fields are left out.
    expect(sobject).not.toHaveProperty('Phone');
    expect(om.stats()).toMatchObject({ delivered: 1, pending: 0, attempts: 1 });
  });

  it('sends only the configured fields and the session id when asked', async () => {
    om = make({ fields: { Account: ['Name'] }, sessionId: () => 'SESSION<1>' });
    om.listener(change('updated', 'Account', 2, { Description: 'hidden' }));
    await om.flush();
    const { header, items } = notificationsOf(receiver.requests[0]!.body);
    expect(header['SessionId']).toBe('SESSION<1>');
    expect(Object.keys(items[0]!.sObject).filter((k) => !k.startsWith('@_'))).toEqual(['Id', 'Name']);
  });

  it('puts at most 100 notifications in a message, one outbound message per object', async () => {
    om = make();
    for (let i = 0; i < 250; i++) om.listener(change('created', 'Account', i));
    om.listener(change('created', 'Contact', 1));
    await om.flush();
    const sizes = receiver.requests.map((r) => notificationsOf(r.body).items.length).sort((a, b) => b - a);
    expect(sizes).toEqual([100, 100, 50, 1]);
    const ids = receiver.requests.flatMap((r) => notificationsOf(r.body).items.map((n) => n.Id));
    expect(new Set(ids).size).toBe(251);
    const actions = new Set(receiver.requests.map((r) => notificationsOf(r.body).header['ActionId']));
    expect(actions).toEqual(new Set([om.actionIds['Account'], om.actionIds['Contact']]));
    expect(om.stats()).toMatchObject({ delivered: 251, pending: 0 });
  });

  it('retries until the receiver acks: refusal, no Ack and Ack false all count as failures', async () => {
    om = make();
    receiver.respond((_req, i) =>
      i === 0
        ? { status: 500, body: 'boom' }
        : i === 1
          ? { status: 200, body: '<ok/>' }
          : i === 2
            ? { status: 200, body: NACK }
            : { status: 200, body: ACK },
    );
    om.listener(change('created', 'Account', 1));
    await om.flush();
    expect(om.stats()).toMatchObject({ delivered: 0, pending: 1, attempts: 1 });
    // Not due yet: nothing goes.
    clock.advance(29_000);
    await om.flush();
    expect(receiver.requests).toHaveLength(1);
    for (const wait of [30_000, 60_000, 120_000]) {
      clock.advance(wait);
      await om.flush();
    }
    expect(receiver.requests).toHaveLength(4);
    expect(om.stats()).toMatchObject({ delivered: 1, pending: 0, attempts: 4, failed: 0 });
    // The same notification id on every retry.
    const ids = receiver.requests.map((r) => notificationsOf(r.body).items[0]!.Id);
    expect(new Set(ids).size).toBe(1);
  });

  it('gives up after 24 hours of retries', async () => {
    om = make();
    receiver.respond(() => ({ status: 503, body: '' }));
    om.listener(change('created', 'Account', 1));
    for (let i = 0; i < 40; i++) {
      await om.flush();
      clock.advance(2 * 3_600_000);
    }
    const attempts = attemptsWithin(24 * 3_600_000, outboundBackoffMs);
    expect(attempts).toBeGreaterThan(10);
    expect(om.stats()).toMatchObject({ delivered: 0, failed: 1, pending: 0, attempts });
  });

  it('delivers out of order with a seed: a retried old message arrives after a newer one', async () => {
    om = make({ seed: 7 });
    let refuseFirst = true;
    receiver.respond((req) => {
      if (refuseFirst && req.body.includes('Acme 0<')) {
        refuseFirst = false;
        return { status: 503, body: '' };
      }
      return { status: 200, body: ACK };
    });
    om.listener(change('created', 'Account', 0));
    await om.flush();
    for (let i = 1; i <= 120; i++) om.listener(change('updated', 'Account', i));
    clock.advance(30_000);
    await om.flush();
    const names = receiver.requests.map((r) => notificationsOf(r.body).items.map((n) => n.sObject['Name']));
    // The old message (retried) is not the first of the second flush: newer ones overtook it.
    expect(names.slice(1)).toHaveLength(3);
    const retried = names.slice(1).findIndex((items) => items.includes('Acme 0'));
    expect(retried).toBeGreaterThan(0);
    expect(om.stats()).toMatchObject({ pending: 0, failed: 0 });
  });

  it('sends nothing for deletes, undeletes or seed data, and sends the latest data of the record', async () => {
    om = make();
    om.listener(change('deleted', 'Account', 1));
    om.listener(change('undeleted', 'Account', 2));
    om.listener({ ...change('created', 'Account', 3), origin: 'seed' });
    om.listener(change('created', 'Opportunity', 4));
    await om.flush();
    expect(receiver.requests).toHaveLength(0);
    receiver.respond((_req, i) => (i === 0 ? { status: 500, body: '' } : { status: 200, body: ACK }));
    om.listener(change('created', 'Account', 5, { Name: 'Before' }));
    await om.flush();
    om.listener(change('merged', 'Account', 5, { Name: 'After' }));
    clock.advance(30_000);
    await om.flush();
    const bodies = receiver.requests.slice(1).map((r) => notificationsOf(r.body).items.map((n) => n.sObject['Name']));
    expect(bodies.flat()).toEqual(['After', 'After']);
  });

  it('recognises an Ack only in a 2xx SOAP notificationsResponse', () => {
    expect(isOutboundAck(200, ACK)).toBe(true);
    expect(isOutboundAck(500, ACK)).toBe(false);
    expect(isOutboundAck(200, NACK)).toBe(false);
    expect(isOutboundAck(200, 'not xml <')).toBe(false);
    expect(isOutboundAck(200, '')).toBe(false);
  });
});
