/**
 * The Salesforce sandbox's push channels as the server wires them: a write through the
 * REST API reaches an Outbound Message receiver (SOAP, the org's id, retried on the
 * sandbox clock until acknowledged) and a signed JSON callout receiver; a merge sends the
 * survivor; the control API flushes and `/_sandbox/stats` counts deliveries.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/connector/sandbox/clock.ts';
import { verifyCalloutSignature } from '../../../connectors/salesforce/sandbox/push/callout.ts';
import { createSalesforceSandbox, type SalesforceSandbox } from '../../../connectors/salesforce/sandbox/server.ts';
import { startReceiver, type Receiver } from '../../unit/connectors/salesforce/sandbox/push-receiver.ts';

const T0 = Date.UTC(2026, 2, 2, 12, 0, 0);
const V = '/services/data/v60.0';
const TOKEN = 'push-test-token';
const SECRET = 'push-test-secret';
const ACK =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">' +
  '<soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack>' +
  '</notificationsResponse></soapenv:Body></soapenv:Envelope>';

let sb: SalesforceSandbox;
let clock: ManualClock;
let outbound: Receiver;
let callout: Receiver;

async function api(method: 'POST' | 'PATCH', url: string, payload: Record<string, unknown>) {
  const res = await sb.app.inject({ method, url, payload, headers: { authorization: `Bearer ${TOKEN}` } });
  return res.json() as Record<string, unknown>;
}

beforeEach(async () => {
  clock = new ManualClock(T0);
  outbound = await startReceiver();
  callout = await startReceiver();
  sb = await createSalesforceSandbox({
    clock,
    records: 0,
    accessTokens: [TOKEN],
    outboundMessages: { url: outbound.url, objects: ['Account'], fields: { Account: ['Name'] }, flushIntervalMs: 0 },
    callout: { url: callout.url, secret: SECRET, objects: ['Account'], flushIntervalMs: 0 },
  });
});

afterEach(async () => {
  await sb.close();
  await outbound.close();
  await callout.close();
});

describe('Salesforce sandbox push, as wired by the server', () => {
  it('sends an API write as an Outbound Message, retried until acked, and as a signed callout', async () => {
    outbound.respond((_req, i) => (i === 0 ? { status: 500, body: 'down' } : { status: 200, body: ACK }));
    const created = await api('POST', `${V}/sobjects/Account`, { Name: 'Pushed & Co' });
    await sb.app.inject({ method: 'POST', url: '/_sandbox/push/flush' });

    expect(outbound.requests).toHaveLength(1);
    const message = outbound.requests[0]!.body;
    expect(message).toContain(`<OrganizationId>${sb.orgId}</OrganizationId>`);
    expect(message).toContain(`<sf:Id>${String(created['id'])}</sf:Id>`);
    expect(message).toContain('<sf:Name>Pushed &amp; Co</sf:Name>');

    // Not acknowledged: due again 30 s later on the sandbox clock, not before.
    await sb.flushPush();
    expect(outbound.requests).toHaveLength(1);
    clock.advance(30_000);
    await sb.flushPush();
    expect(outbound.requests).toHaveLength(2);
    expect(outbound.requests[1]!.body).toBe(message);

    expect(callout.requests).toHaveLength(1);
    const { headers, body } = callout.requests[0]!;
    const timestamp = String(headers['x-salesforce-timestamp']);
    const signature = String(headers['x-salesforce-signature']);
    expect(verifyCalloutSignature(SECRET, timestamp, body, signature)).toBe(true);
    expect(JSON.parse(body)).toMatchObject({
      orgId: sb.orgId,
      events: [{ ChangeEventHeader: { entityName: 'Account', changeType: 'CREATE', recordIds: [created['id']] } }],
    });

    const stats = (await sb.app.inject({ method: 'GET', url: '/_sandbox/stats' })).json() as Record<string, unknown>;
    expect(stats['push']).toMatchObject({
      outboundMessages: { delivered: 1, failed: 0, pending: 0, attempts: 2 },
      callout: { delivered: 1 },
    });
  });

  it('sends the survivor of a SOAP merge', async () => {
    outbound.respond(() => ({ status: 200, body: ACK }));
    const master = String((await api('POST', `${V}/sobjects/Account`, { Name: 'Survivor' }))['id']);
    const loser = String((await api('POST', `${V}/sobjects/Account`, { Name: 'SURVIVOR Inc' }))['id']);
    await sb.flushPush();
    const before = outbound.requests.length;
    const soap =
      '<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
      ' xmlns:urn="urn:partner.soap.sforce.com" xmlns:urn1="urn:sobject.partner.soap.sforce.com">' +
      `<soapenv:Header><urn:SessionHeader><urn:sessionId>${TOKEN}</urn:sessionId></urn:SessionHeader></soapenv:Header>` +
      '<soapenv:Body><urn:merge><urn:request><urn:masterRecord><urn1:type>Account</urn1:type>' +
      `<urn1:Id>${master}</urn1:Id><urn1:Name>Survivor GmbH</urn1:Name></urn:masterRecord>` +
      `<urn:recordToMergeIds>${loser}</urn:recordToMergeIds></urn:request></urn:merge></soapenv:Body></soapenv:Envelope>`;
    const merged = await sb.app.inject({
      method: 'POST',
      url: '/services/Soap/u/60.0',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
      payload: soap,
    });
    expect(merged.statusCode).toBe(200);
    expect(merged.body).toContain(`<mergedRecordIds>${loser}</mergedRecordIds>`);
    await sb.flushPush();
    const sent = outbound.requests.slice(before).map((r) => r.body);
    expect(sent.join('')).toContain(`<sf:Id>${master}</sf:Id>`);
    expect(sent.join('')).toContain('<sf:Name>Survivor GmbH</sf:Name>');
    expect(sent.join('')).not.toContain(`<sf:Id>${loser}</sf:Id>`);
  });
});
