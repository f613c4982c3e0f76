/**
 * RELIABILITY.md promise 7 / fault test 16: run the parts that exist (config load,
 * sandboxes, both connectors, store, audit) with recognisable fake secrets and the most
 * verbose logging, then search everything printed: zero hits.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runFrontback, startFrontback } from '../support/cli.ts';

const SECRETS = {
  hubspotToken: 'fbleak-hubspot-token-7c1e9b',
  hubspotWebhook: 'fbleak-hubspot-webhook-3a7f21',
  odooKey: 'fbleak-odoo-key-4d2a8e',
  odooWebhook: 'fbleak-odoo-webhook-9b3c55',
  adminToken: 'fbleak-admin-token-5e6f7a8b9c',
};

async function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const r = await runFrontback(args, env);
  return { code: r.code, output: r.stdout + r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'frontback-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('secrets never reach the output', () => {
  it('a full demo run at trace level prints log lines but none of the secrets', async () => {
    const [hubspotPort, odooPort] = [await freePort(), await freePort()];
    const keyFile = join(dir, 'odoo-key');
    writeFileSync(keyFile, `${SECRETS.odooKey}\n`);
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      [
        'connections:',
        '  hubspot:',
        '    kind: hubspot',
        `    baseUrl: http://127.0.0.1:${hubspotPort}`,
        '    auth: { type: bearer, token: "${HUBSPOT_TOKEN}" }',
        '    webhook: { secret: "${HUBSPOT_WEBHOOK_SECRET}" }',
        '  odoo:',
        '    kind: odoo',
        `    baseUrl: http://127.0.0.1:${odooPort}`,
        '    auth: { type: api-key, login: admin, key: "${ODOO_KEY}", database: odoo }',
        '    webhook: { secret: "${ODOO_WEBHOOK_SECRET}" }',
        `store: { url: ${JSON.stringify(join(dir, 'store.db'))} }`,
        'server: { adminToken: "${ADMIN_TOKEN}" }',
      ].join('\n'),
    );
    const env = {
      HUBSPOT_TOKEN: SECRETS.hubspotToken,
      HUBSPOT_WEBHOOK_SECRET: SECRETS.hubspotWebhook,
      ODOO_KEY_FILE: keyFile,
      ODOO_WEBHOOK_SECRET: SECRETS.odooWebhook,
      ADMIN_TOKEN: SECRETS.adminToken,
      FRONTBACK_LOG_LEVEL: 'trace',
    };
    const demo = await run(['demo', '-c', config, '--records', '20'], env);
    const validate = await run(['validate', '-c', config], env);
    expect(demo.code).toBe(0);
    expect(validate.code).toBe(0);
    // The run really logged (store open, vendor responses), so the search below means something.
    const logLines = demo.output.split('\n').filter((l) => l.startsWith('{"level":'));
    expect(logLines.length).toBeGreaterThan(5);
    expect(demo.output).toContain('vendor response');
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(demo.output.includes(secret), `${name} leaked into the demo output`).toBe(false);
      expect(validate.output.includes(secret), `${name} leaked into the validate output`).toBe(false);
    }
  }, 90_000);

  it('frontback serve at trace level, taking webhooks with the token in the URL, prints none of the secrets', async () => {
    const port = await freePort();
    const config = join(dir, 'serve.yaml');
    writeFileSync(
      config,
      [
        'connections:',
        '  hubspot: { kind: hubspot, auth: { type: bearer, token: "${HUBSPOT_TOKEN}" }, webhook: { secret: "${HUBSPOT_WEBHOOK_SECRET}" } }',
        '  odoo: { kind: odoo, baseUrl: "http://127.0.0.1:9", auth: { type: api-key, login: admin, key: "${ODOO_KEY}", database: odoo }, webhook: { secret: "${ODOO_WEBHOOK_SECRET}" } }',
        `store: { url: ${JSON.stringify(join(dir, 'serve.db'))} }`,
        `server: { port: ${port}, adminToken: "\${ADMIN_TOKEN}" }`,
        'logging: { level: trace }',
      ].join('\n'),
    );
    const env = {
      HUBSPOT_TOKEN: SECRETS.hubspotToken,
      HUBSPOT_WEBHOOK_SECRET: SECRETS.hubspotWebhook,
      ODOO_KEY: SECRETS.odooKey,
      ODOO_WEBHOOK_SECRET: SECRETS.odooWebhook,
      ADMIN_TOKEN: SECRETS.adminToken,
    };
    const serve = startFrontback(['serve', '-c', config], env);
    expect(await serve.waitFor('listening on'), serve.output()).toBe(true);
    const base = `http://127.0.0.1:${port}`;
    const delivery = JSON.stringify({
      _model: 'res.partner',
      _id: 7,
      _action: 'write',
      write_date: '2026-11-27 10:00:00',
    });
    const accepted = await fetch(`${base}/webhooks/odoo?token=${SECRETS.odooWebhook}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: delivery,
    });
    expect(accepted.status).toBe(200);
    const refused = await fetch(`${base}/webhooks/hubspot`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-signature-v3': 'AAAA',
        'x-hubspot-request-timestamp': String(Date.now()),
      },
      body: '[]',
    });
    expect(refused.status).toBe(401);
    expect(await serve.stop()).toBe(0);
    const output = serve.output();
    expect(output.split('\n').filter((l) => l.startsWith('{"level":')).length).toBeGreaterThan(2);
    for (const [name, secret] of Object.entries(SECRETS))
      expect(output.includes(secret), `${name} leaked into the serve output`).toBe(false);
  }, 60_000);
});
