/**
 * `frontback explain` as a user runs it, on messy data in both sandboxes (started
 * in-process): a new contact whose country a transform refuses (would create; the field
 * left out), a contact whose partner matches by a differently written email (matched; per
 * field what is written, what already agrees, what both sides changed and the rule), and a
 * contact the filter leaves aside. Nothing is written: no link in the store, the partner as
 * it was.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorRegistry } from '../../../connectors/index.ts';
import {
  createHubSpotSandbox,
  DEFAULT_SANDBOX_TOKEN,
  type HubSpotSandbox,
} from '../../../connectors/hubspot/sandbox/server.ts';
import { DEFAULT_API_KEY } from '../../../connectors/odoo/sandbox/auth.ts';
import { createOdooSandbox, type OdooSandbox } from '../../../connectors/odoo/sandbox/server.ts';
import { createHttpClient, memoryRateLimiterFactory, type Connector } from '../../../src/connector/index.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createStore } from '../../../src/store/sql/create-store.ts';
import type { RecordExplanation } from '../../../src/sync/explain.ts';
import { runFrontback } from '../../support/cli.ts';

let dir: string;
let config: string;
let storePath: string;
let hubspot: HubSpotSandbox;
let odoo: OdooSandbox;
let erp: Connector;
const ids: Record<string, string> = {};

async function hubspotContact(properties: Record<string, string>): Promise<string> {
  const res = await hubspot.app.inject({
    method: 'POST',
    url: '/crm/v3/objects/contacts',
    headers: { authorization: `Bearer ${DEFAULT_SANDBOX_TOKEN}` },
    payload: { properties },
  });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'frontback-explain-'));
  hubspot = await createHubSpotSandbox({ seed: 7, records: 0 });
  odoo = createOdooSandbox({ seed: 7, records: 0 });
  const [hubspotUrl, odooUrl] = [await hubspot.listen(0), await odoo.listen()];
  storePath = join(dir, 'store.db');
  config = join(dir, 'frontback.yaml');
  writeFileSync(
    config,
    [
      'demo: true',
      'connections:',
      `  hubspot: { kind: hubspot, baseUrl: "${hubspotUrl}", auth: { type: bearer, token: ${DEFAULT_SANDBOX_TOKEN} } }`,
      `  odoo: { kind: odoo, baseUrl: "${odooUrl}", auth: { type: api-key, login: admin, key: ${DEFAULT_API_KEY}, database: odoo } }`,
      `store: { url: ${JSON.stringify(storePath)} }`,
    ].join('\n'),
  );
  erp = connectorRegistry.create(
    {
      name: 'odoo',
      kind: 'odoo',
      baseUrl: odooUrl,
      auth: { type: 'api-key', login: 'admin', key: DEFAULT_API_KEY, database: 'odoo' },
    },
    {
      http: (o) => createHttpClient(o),
      logger: createLogger({ level: 'silent' }),
      clock: Date.now,
      rateLimiters: memoryRateLimiterFactory(),
    },
  );
  ids.narnia = await hubspotContact({
    email: 'zed.narnia@nowhere.example',
    firstname: 'Zed',
    lastname: 'Narnia',
    country: 'Narnia',
    lifecyclestage: 'customer',
  });
  ids.matched = await hubspotContact({
    email: 'Ann.Match@Acme.example',
    firstname: 'Ann',
    lastname: 'Match',
    city: 'Paris',
    lifecyclestage: 'customer',
  });
  ids.lead = await hubspotContact({ email: 'lee.lead@acme.example', firstname: 'Lee', lifecyclestage: 'lead' });
  const [partner] = await erp.write('res.partner', [
    {
      op: 'create',
      ref: 'p',
      fields: { name: 'Ann Match', email: 'ann.match@acme.example', city: 'Lyon', is_company: false },
    },
  ]);
  expect(partner?.ok).toBe(true);
  ids.partner = (partner as { id: string }).id;
}, 60_000);

afterAll(async () => {
  await erp.close?.();
  await hubspot.close();
  await odoo.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('frontback explain', () => {
  it('a record with no partner: would create it, and says which field is left out and why', async () => {
    const run = await runFrontback(['explain', 'contacts-partners', 'crm', ids.narnia ?? '', '-c', config]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`contacts-partners crm ${ids.narnia} (hubspot contacts): a pass would create`);
    expect(run.stdout).toMatch(/^identity: no partner in erp: a pass would create one/m);
    expect(run.stdout).toMatch(/^ {2}country +left out: .*Narnia/m);
    expect(run.stdout).toMatch(/^ {2}email +written to erp: a new record$/m);
    expect(run.stdout).toMatch(/^erp would get: \{.*"email":"zed\.narnia@nowhere\.example"/m);
    expect(run.stdout).not.toMatch(/^erp would get: .*country_id/m);
  }, 60_000);

  it('a record matched by key: per field, written, already equal, or decided by a rule; nothing written', async () => {
    const run = await runFrontback(['explain', 'contacts-partners', 'crm', ids.matched ?? '', '--json', '-c', config]);
    expect(run.code, run.stderr).toBe(0);
    const e = JSON.parse(run.stdout) as RecordExplanation & { mapping: string };
    expect(e).toMatchObject({
      mapping: 'contacts-partners',
      from: 'crm',
      id: ids.matched,
      partnerId: ids.partner,
      action: 'sync',
    });
    expect(e.identity).toEqual({
      state: 'matched',
      text: `matched to erp ${ids.partner} by email: a pass would link them`,
    });
    const field = (name: string) => e.fields.find((f) => f.field === name);
    // The emails are written in another case and normalise alike: nothing to do.
    expect(field('email')).toMatchObject({ verdict: 'equal' });
    // The city differs on both sides and there is no snapshot yet: both changed, and the mapping's rule decides.
    expect(field('city')?.rule).toMatch(/^both changed; /);
    expect(['written', 'conflict']).toContain(field('city')?.verdict);
    // Every field rule of the mapping is accounted for.
    expect(e.fields.map((f) => f.field)).toContain('country');
    // And nothing was written: no link in the store, the partner as it was.
    const store = await createStore({ url: storePath });
    expect(await store.links.list('contacts-partners')).toEqual([]);
    await store.close();
    const [partner] = await erp.read('res.partner', [ids.partner ?? '']);
    expect(partner?.fields).toMatchObject({ city: 'Lyon', email: 'ann.match@acme.example' });
  }, 60_000);

  it('a record the filter leaves aside: nothing to do, and why', async () => {
    const run = await runFrontback(['explain', 'contacts-partners', 'crm', ids.lead ?? '', '-c', config]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/a pass would do nothing \(filtered out by the crm filter\); nothing was written/);
  }, 60_000);

  it('an id that is not there: one line, exit 1', async () => {
    const run = await runFrontback(['explain', 'contacts-partners', 'erp', '999999', '-c', config]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('frontback: no erp record 999999 in odoo res.partner (deleted, archived, or another id)\n');
  }, 60_000);
});
