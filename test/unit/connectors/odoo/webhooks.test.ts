import { describe, expect, it } from 'vitest';
import type { InboundRequest } from '../../../../src/connector/index.ts';
import { FrontbackError } from '../../../../src/errors.ts';
import { harness, NOW } from './harness.ts';

function request(url: string, body: unknown, raw?: string): InboundRequest {
  const query = Object.fromEntries(new URL(url, 'https://sync.example.test').searchParams);
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    rawBody: Buffer.from(raw ?? JSON.stringify(body)),
    query,
  };
}

const hooks = () => {
  const handler = harness('jsonrpc').webhooks;
  if (handler === undefined) throw new Error('webhooks expected');
  return handler;
};

const UPDATE = {
  _model: 'res.partner',
  _id: 42,
  _action: 'frontback: on update(#82)',
  name: 'Acme',
  parent_id: 7,
  write_date: '2025-01-01 10:00:00',
};

describe('verify', () => {
  it.each([
    ['token as the last path segment', '/webhooks/erp/hook-token-123', true],
    ['token in the query', '/webhooks/erp?token=hook-token-123', true],
    ['wrong token', '/webhooks/erp/hook-token-124', false],
    ['token of another length', '/webhooks/erp/x', false],
    ['no token', '/webhooks/erp', false],
    ['wrong query token beats a path', '/webhooks/erp/hook-token-123?token=nope', false],
  ])('%s', (_label, url, accepted) => {
    const verdict = hooks().verify(request(url, UPDATE), NOW);
    expect(verdict.ok).toBe(accepted);
    if (!verdict.ok) expect(verdict.status).toBe(401);
  });

  it('refuses everything when the connection has no secret', () => {
    const handler = harness('jsonrpc', { webhook: {} }).webhooks;
    expect(handler?.verify(request('/webhooks/erp/anything', UPDATE), NOW)).toMatchObject({ ok: false, status: 401 });
  });
});

describe('parse', () => {
  it('turns a delivery into a hint keyed by model, id and write_date', () => {
    const [hint] = hooks().parse(request('/w/t', UPDATE));
    expect(hint).toMatchObject({
      object: 'res.partner',
      id: '42',
      kind: 'upsert',
      occurredAt: '2025-01-01T10:00:00.000Z',
    });
    expect(hint?.deliveryKey).toMatch(/^res\.partner:42:2025-01-01 10:00:00:upsert:[0-9a-f]{16}$/);
  });

  it('gives a re-delivery the same key, and two different changes in one second different keys', () => {
    const h = hooks();
    const key = (body: unknown) => h.parse(request('/w/t', body))[0]?.deliveryKey;
    expect(key(UPDATE)).toBe(key({ ...UPDATE }));
    expect(key(UPDATE)).toBe(key({ ...UPDATE, _action: 'renamed automation(#90)' }));
    expect(key(UPDATE)).not.toBe(key({ ...UPDATE, name: 'Acme Corp' }));
  });

  it('reports a deletion as a delete whose key differs from the last update', () => {
    const h = hooks();
    const [del] = h.parse(request('/w/t', { ...UPDATE, _action: 'frontback: on delete(#83)' }));
    expect(del?.kind).toBe('delete');
    expect(del?.deliveryKey).not.toBe(h.parse(request('/w/t', UPDATE))[0]?.deliveryKey);
  });

  it('keys a delivery without write_date by a time bucket of the receive time', () => {
    const { write_date: _omit, ...body } = UPDATE;
    const [hint] = hooks().parse(request('/w/t', body));
    expect(hint?.deliveryKey).toMatch(
      new RegExp(`^res\\.partner:42:upsert:[0-9a-f]{16}:b${Math.floor(NOW / 60_000)}$`),
    );
    expect(hint?.occurredAt).toBeUndefined();
  });

  it.each([
    ['not JSON', '{"_model":', undefined],
    ['no _id', undefined, { _model: 'res.partner' }],
    ['a string _id', undefined, { _model: 'res.partner', _id: '42' }],
    ['an unknown model', undefined, { _model: 'hr.employee', _id: 1 }],
    ['a bad write_date', undefined, { _model: 'res.partner', _id: 1, write_date: 'yesterday' }],
  ])('refuses %s with VALIDATION_FAILED', (_label, raw, body) => {
    try {
      hooks().parse(request('/w/t', body, raw));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(FrontbackError);
      expect((err as FrontbackError).code).toBe('VALIDATION_FAILED');
    }
  });
});
