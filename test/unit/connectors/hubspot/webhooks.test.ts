import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { InboundRequest } from '../../../../src/connector/index.ts';
import { ObjectCatalog } from '../../../../connectors/hubspot/objects.ts';
import {
  hubspotWebhooks,
  parseHubSpotEvents,
  verifyHubSpotSignature,
} from '../../../../connectors/hubspot/webhooks.ts';
import { haveShared, sharedPath } from '../../../support/env.ts';

interface Vector {
  version: 'v1' | 'v2' | 'v3';
  method: string;
  uri: string;
  body: string;
  timestampMs?: number;
  signature: string;
  headers: Record<string, string>;
}

const FIXTURE = 'fixtures/hubspot-webhook-signatures.json';
const hasFixture = await haveShared(FIXTURE);
const fixture = hasFixture
  ? (JSON.parse(readFileSync(sharedPath(FIXTURE), 'utf8')) as { clientSecret: string; vectors: Vector[] })
  : { clientSecret: '', vectors: [] };

function request(method: string, url: string, body: string, headers: Record<string, string>): InboundRequest {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method, url, headers: lower, rawBody: Buffer.from(body, 'utf8'), query: {} };
}

// The fixture's clock: v3 vectors are dated; v1/v2 have no timestamp.
const clockFor = (v: Vector): number => v.timestampMs ?? Date.parse('2024-01-01T00:00:00Z');

describe.skipIf(!hasFixture)('HubSpot signature vectors', () => {
  it.each(fixture.vectors.map((v) => [`${v.version} ${v.method} ${v.body.slice(0, 20)}`, v] as const))(
    '%s verifies with the clock at its time',
    (_name, v) => {
      const verdict = verifyHubSpotSignature(request(v.method, v.uri, v.body, v.headers), clockFor(v), {
        secret: fixture.clientSecret,
      });
      expect(verdict).toEqual({ ok: true });
    },
  );

  it.each(fixture.vectors.map((v) => [v.version, v] as const))(
    '%s: the same request behind a proxy verifies with the public base URL',
    (_version, v) => {
      const local = `http://127.0.0.1:3000${new URL(v.uri).pathname}`;
      const verdict = verifyHubSpotSignature(request(v.method, local, v.body, v.headers), clockFor(v), {
        secret: fixture.clientSecret,
        publicBaseUrl: 'https://www.example.com/',
      });
      expect(verdict).toEqual({ ok: true });
      expect(
        verifyHubSpotSignature(request(v.method, local, v.body, v.headers), clockFor(v), {
          secret: fixture.clientSecret,
        }).ok,
      ).toBe(v.version === 'v1');
    },
  );

  const tamper: [string, (v: Vector) => { req: InboundRequest; now: number }][] = [
    [
      'wrong secret signature',
      (v) => ({
        req: request(v.method, v.uri, v.body, {
          ...v.headers,
          ...sig(v, v.version === 'v3' ? Buffer.alloc(32, 1).toString('base64') : 'ab'.repeat(32)),
        }),
        now: clockFor(v),
      }),
    ],
    [
      're-serialised JSON body',
      (v) => ({
        req: request(v.method, v.uri, v.body === '' ? ' ' : JSON.stringify(JSON.parse(v.body), null, 1), v.headers),
        now: clockFor(v),
      }),
    ],
    [
      'signature of the wrong length',
      (v) => ({ req: request(v.method, v.uri, v.body, { ...v.headers, ...sig(v, 'abc') }), now: clockFor(v) }),
    ],
    [
      'empty signature',
      (v) => ({ req: request(v.method, v.uri, v.body, { ...v.headers, ...sig(v, '') }), now: clockFor(v) }),
    ],
    [
      'non-ASCII signature',
      (v) => ({ req: request(v.method, v.uri, v.body, { ...v.headers, ...sig(v, 'é'.repeat(64)) }), now: clockFor(v) }),
    ],
    [
      'other method',
      (v) => ({ req: request(v.method === 'GET' ? 'POST' : 'PUT', v.uri, v.body, v.headers), now: clockFor(v) }),
    ],
  ];
  const cases = fixture.vectors.flatMap((v) =>
    tamper
      .filter(([n]) => !(v.version === 'v1' && n === 'other method'))
      .map(([name, make]) => [`${v.version} ${v.method}: ${name}`, v, make] as const),
  );
  it.each(cases)('%s is refused with 401, never an exception', (_name, v, make) => {
    const { req, now } = make(v);
    let verdict;
    expect(() => (verdict = verifyHubSpotSignature(req, now, { secret: fixture.clientSecret }))).not.toThrow();
    expect(verdict).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses a v3 signature more than 5 minutes old or ahead, accepts one within the window', () => {
    const v = fixture.vectors.find((x) => x.version === 'v3') as Vector;
    const req = request(v.method, v.uri, v.body, v.headers);
    const ts = v.timestampMs as number;
    expect(verifyHubSpotSignature(req, ts + 5 * 60_000, { secret: fixture.clientSecret }).ok).toBe(true);
    expect(verifyHubSpotSignature(req, ts + 5 * 60_000 + 1, { secret: fixture.clientSecret })).toMatchObject({
      ok: false,
      status: 401,
      reason: expect.stringMatching(/5 minutes/),
    });
    expect(verifyHubSpotSignature(req, ts - 5 * 60_000 - 1, { secret: fixture.clientSecret }).ok).toBe(false);
    expect(verifyHubSpotSignature(req, Date.now(), { secret: fixture.clientSecret }).ok).toBe(false);
  });
});

function sig(v: Vector, value: string): Record<string, string> {
  return v.version === 'v3' ? { 'X-HubSpot-Signature-v3': value } : { 'X-HubSpot-Signature': value };
}

describe('signature policy', () => {
  const secret = 'test-secret';
  const url = 'https://sync.example.com/webhooks/hubspot?x=1';
  const v3 = (body: string, ts: number, uri = url): Record<string, string> => ({
    'x-hubspot-signature-v3': createHmac('sha256', secret).update(`POST${uri}${body}${ts}`).digest('base64'),
    'x-hubspot-request-timestamp': String(ts),
  });

  it('refuses everything when no secret is configured', () => {
    expect(
      verifyHubSpotSignature(request('POST', url, '[]', v3('[]', 1000)), 1000, { secret: undefined }),
    ).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses missing headers, a malformed timestamp and a version other than the one required', () => {
    expect(verifyHubSpotSignature(request('POST', url, '[]', {}), 1000, { secret })).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(
      verifyHubSpotSignature(
        request('POST', url, '[]', { ...v3('[]', 1000), 'x-hubspot-request-timestamp': '1e3' }),
        1000,
        { secret },
      ).ok,
    ).toBe(false);
    expect(
      verifyHubSpotSignature(request('POST', url, '[]', v3('[]', 1000)), 1000, { secret, signatureVersion: 'v2' }).ok,
    ).toBe(false);
    expect(
      verifyHubSpotSignature(request('POST', url, '[]', v3('[]', 1000)), 1000, { secret, signatureVersion: 'v3' }).ok,
    ).toBe(true);
  });

  it('decodes the characters HubSpot decodes in a v3 uri', () => {
    const encoded = 'https://sync.example.com/webhooks/hubspot?cb=a%3Ab';
    const headers = v3('[]', 1000, 'https://sync.example.com/webhooks/hubspot?cb=a:b');
    expect(verifyHubSpotSignature(request('POST', encoded, '[]', headers), 1000, { secret }).ok).toBe(true);
  });

  it('the handler answers 400 instead of throwing on a request it cannot even read', () => {
    const handler = hubspotWebhooks({ secret, objects: new ObjectCatalog() });
    const broken = { method: 'POST', url, headers: {}, rawBody: undefined as unknown as Buffer, query: {} };
    expect(handler.verify(broken, 1000)).toMatchObject({ ok: false, status: 400 });
  });
});

describe('parsing events', () => {
  const objects = new ObjectCatalog([{ name: 'widgets', objectTypeId: '2-777' }]);
  const base = {
    subscriptionId: 1001,
    portalId: 62515,
    appId: 54321,
    occurredAt: 1_700_000_000_000,
    attemptNumber: 0,
    changeSource: 'CRM_UI',
  };
  const parse = (events: unknown): ReturnType<typeof parseHubSpotEvents> =>
    parseHubSpotEvents(Buffer.from(JSON.stringify(events)), objects);

  it.each([
    [
      'creation',
      { eventId: 1, subscriptionType: 'contact.creation', objectId: 51 },
      { object: 'contacts', id: '51', kind: 'upsert', deliveryKey: '1001:1:51:1700000000000' },
    ],
    [
      'propertyChange',
      {
        eventId: 2,
        subscriptionType: 'company.propertyChange',
        objectId: 7,
        propertyName: 'phone',
        propertyValue: '+33 1',
      },
      {
        object: 'companies',
        id: '7',
        kind: 'upsert',
        deliveryKey: '1001:2:7:1700000000000:phone',
        properties: { phone: '+33 1' },
      },
    ],
    [
      'deletion',
      { eventId: 3, subscriptionType: 'deal.deletion', objectId: 9 },
      { object: 'deals', id: '9', kind: 'delete' },
    ],
    [
      'privacy deletion',
      { eventId: 3, subscriptionType: 'contact.privacyDeletion', objectId: 9 },
      { object: 'contacts', kind: 'delete' },
    ],
    [
      'restore',
      { eventId: 4, subscriptionType: 'product.restore', objectId: 10 },
      { object: 'products', id: '10', kind: 'restore' },
    ],
    [
      'merge',
      { eventId: 5, subscriptionType: 'contact.merge', objectId: 20, primaryObjectId: 20, mergedObjectIds: [21, 20] },
      { object: 'contacts', id: '20', kind: 'merge', mergedIds: ['21'] },
    ],
    [
      'custom object by type id',
      { eventId: 6, subscriptionType: 'object.creation', objectTypeId: '2-777', objectId: 3 },
      { object: 'widgets', id: '3', kind: 'upsert' },
    ],
  ])('%s', (_name, event, expected) => {
    const [hint] = parse([{ ...base, ...event }]);
    expect(hint).toMatchObject({ ...expected, occurredAt: '2023-11-14T22:13:20.000Z' });
  });

  it('gives events that share an eventId different delivery keys, and a redelivery the same key', () => {
    const a = {
      ...base,
      eventId: 1,
      subscriptionType: 'contact.propertyChange',
      objectId: 51,
      propertyName: 'email',
      propertyValue: 'a@x.test',
    };
    const hints = parse([a, { ...a, objectId: 52 }, { ...a, propertyName: 'phone' }, { ...a, attemptNumber: 3 }]);
    const keys = hints.map((h) => h.deliveryKey);
    expect(new Set(keys.slice(0, 3)).size).toBe(3);
    expect(keys[3]).toBe(keys[0]);
  });

  it('leaves out events it does not follow', () => {
    expect(
      parse([
        { ...base, eventId: 1, subscriptionType: 'contact.associationChange', objectId: 1 },
        { ...base, eventId: 2, subscriptionType: 'ticket.creation', objectId: 1 },
      ]),
    ).toEqual([]);
  });

  it.each([
    ['not JSON', Buffer.from('[{"eventId":'), /not valid JSON/],
    ['an object, not an array', Buffer.from('{"eventId":1}'), /JSON array/],
    [
      'an event without objectId',
      Buffer.from(JSON.stringify([{ ...base, eventId: 1, subscriptionType: 'contact.creation' }])),
      /event 0 .*objectId/,
    ],
    ['oversized', Buffer.alloc(1024 * 1024 + 1, 0x20), /over the 1048576-byte limit/],
  ])('refuses %s with VALIDATION_FAILED', (_name, body, message) => {
    expect(() => parseHubSpotEvents(body, objects)).toThrow(message);
    try {
      parseHubSpotEvents(body, objects);
    } catch (err) {
      expect((err as { code: string }).code).toBe('VALIDATION_FAILED');
    }
  });

  it('drops __proto__ keys instead of polluting objects', () => {
    const body = Buffer.from(
      `[{"__proto__":{"polluted":true},"eventId":1,"subscriptionId":1,"occurredAt":1,"subscriptionType":"contact.creation","objectId":5}]`,
    );
    expect(parseHubSpotEvents(body, objects)).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
