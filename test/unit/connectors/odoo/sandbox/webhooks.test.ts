import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { read } from '../../../../../connectors/odoo/sandbox/orm/read.ts';
import { create, unlink, write } from '../../../../../connectors/odoo/sandbox/orm/records.ts';
import { createOdooSandbox, type OdooSandbox } from '../../../../../connectors/odoo/sandbox/server.ts';
import { ManualClock } from '../../../../../src/connector/sandbox/clock.ts';
import { asAdmin } from './helpers.ts';

interface Received {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

let receiver: Server | undefined;
let sb: OdooSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  await new Promise<void>((done) => (receiver ? receiver.close(() => done()) : done()));
});

async function startReceiver(status: () => number): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
      });
      res.statusCode = status();
      res.end();
    });
  });
  await new Promise<void>((done) => receiver?.listen(0, '127.0.0.1', () => done()));
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook/secret-token`, got };
}

describe('Odoo-style webhooks', () => {
  it('posts one object per change with _model, _id, _action, chosen fields (relations as ids) and only Content-Type', async () => {
    const { url, got } = await startReceiver(() => 200);
    sb = createOdooSandbox({
      records: 3,
      webhookUrl: url,
      webhookFlushIntervalMs: 0,
      clock: new ManualClock(Date.UTC(2025, 1, 1)),
    });
    const orm = sb.orm;
    const id = asAdmin(orm, (env) => {
      const co = create(env, 'res.partner', { name: 'Hook Co', is_company: true });
      return create(env, 'res.partner', { name: 'Hook Person', parent_id: co, email: 'h@example.test' });
    });
    asAdmin(orm, (env) => write(env, 'res.partner', [id], { email: false }));
    const parent = asAdmin(orm, (env) => read(env, 'res.partner', [id], ['parent_id'])[0]?.['parent_id']) as [
      number,
      string,
    ];
    asAdmin(orm, (env) => unlink(env, 'res.partner', [id]));
    await sb.webhooks?.flush();
    expect(got.map((g) => [g.body['_id'], g.body['_action']])).toEqual([
      [parent[0], 'frontback: on create(#81)'],
      [id, 'frontback: on create(#81)'],
      [id, 'frontback: on update(#82)'],
      [id, 'frontback: on delete(#83)'],
    ]);
    expect(got[1]?.body).toEqual({
      _model: 'res.partner',
      _id: id,
      _action: 'frontback: on create(#81)',
      name: 'Hook Person',
      email: 'h@example.test',
      is_company: false,
      parent_id: parent[0],
      active: true,
      write_date: '2025-02-01 00:00:00',
    });
    expect(got[2]?.body['email']).toBe(false);
    const headers = Object.keys(got[0]?.headers ?? {}).filter(
      (h) =>
        ![
          'host',
          'connection',
          'content-length',
          'user-agent',
          'accept',
          'accept-encoding',
          'accept-language',
          'sec-fetch-mode',
        ].includes(h),
    );
    expect(headers).toEqual(['content-type']);
    expect(got[0]?.headers['content-type']).toBe('application/json');
  });

  it('does not retry after a 500, and API writes over JSON-RPC fire too', async () => {
    const { url, got } = await startReceiver(() => 500);
    sb = createOdooSandbox({ records: 3, webhookUrl: url, webhookFlushIntervalMs: 0 });
    const base = await sb.listen();
    const res = await fetch(`${base}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        method: 'call',
        params: {
          service: 'object',
          method: 'execute_kw',
          args: ['odoo', 2, 'sandbox-odoo-key', 'res.partner.category', 'create', [{ name: 'ignored: not watched' }]],
        },
        id: 1,
      }),
    });
    expect(((await res.json()) as { result: number }).result).toEqual(expect.any(Number));
    const res2 = await fetch(`${base}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        method: 'call',
        params: {
          service: 'object',
          method: 'execute_kw',
          args: ['odoo', 2, 'sandbox-odoo-key', 'res.partner', 'create', [{ name: 'Via RPC' }]],
        },
        id: 2,
      }),
    });
    expect(res2.status).toBe(200);
    await sb.webhooks?.flush();
    await sb.webhooks?.flush();
    expect(got).toHaveLength(1);
    expect(got[0]?.body).toMatchObject({ _model: 'res.partner', name: 'Via RPC' });
    expect(sb.webhooks?.stats()).toMatchObject({ delivered: 0, failed: 1, pending: 0, attempts: 1 });
  });
});
