/**
 * `frontback describe` as a user runs it, against both sandboxes (started in-process): the
 * objects of a connection; an object's fields with their types, the object a reference
 * points to, enum choices and flags; `--json`; an unknown object named with a suggestion.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHubSpotSandbox,
  DEFAULT_SANDBOX_TOKEN,
  type HubSpotSandbox,
} from '../../../connectors/hubspot/sandbox/server.ts';
import { DEFAULT_API_KEY } from '../../../connectors/odoo/sandbox/auth.ts';
import { createOdooSandbox, type OdooSandbox } from '../../../connectors/odoo/sandbox/server.ts';
import type { ObjectDescription } from '../../../src/connector/index.ts';
import { runFrontback } from '../../support/cli.ts';

let dir: string;
let config: string;
let hubspot: HubSpotSandbox;
let odoo: OdooSandbox;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'frontback-describe-'));
  hubspot = await createHubSpotSandbox({ seed: 5, records: 3 });
  odoo = createOdooSandbox({ seed: 5, records: 3 });
  const [hubspotUrl, odooUrl] = [await hubspot.listen(0), await odoo.listen()];
  config = join(dir, 'frontback.yaml');
  writeFileSync(
    config,
    [
      'demo: true',
      'connections:',
      `  hubspot: { kind: hubspot, baseUrl: "${hubspotUrl}", auth: { type: bearer, token: ${DEFAULT_SANDBOX_TOKEN} } }`,
      `  odoo: { kind: odoo, baseUrl: "${odooUrl}", auth: { type: api-key, login: admin, key: ${DEFAULT_API_KEY}, database: odoo } }`,
      `store: { url: ${JSON.stringify(join(dir, 'store.db'))} }`,
    ].join('\n'),
  );
});

afterAll(async () => {
  await hubspot.close();
  await odoo.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('frontback describe', () => {
  it("lists a connection's objects with what each allows", async () => {
    const run = await runFrontback(['describe', 'hubspot', '-c', config]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^hubspot: \d+ objects \(frontback describe hubspot <object> lists the fields\)\n/);
    expect(run.stdout).toMatch(
      /^ {2}contacts +\d+ fields, id hs_object_id, changes by lastmodifieddate, create\/archive/m,
    );
    expect(run.stdout).toMatch(/^ {2}deals +\d+ fields, /m);
  }, 60_000);

  it("lists an object's fields: types, references, enum choices, required and read-only", async () => {
    const run = await runFrontback(['describe', 'odoo', 'res.partner', '-c', config]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^odoo res\.partner: \d+ fields, id id, changes by write_date, create\/archive\/delete, creates keyed by external_id\n/,
    );
    expect(run.stdout).toMatch(/^ {2}parent_id +reference -> res\.partner +"Related Company"$/m);
    expect(run.stdout).toMatch(/^ {2}external_id +string +external id +"External ID \(ir\.model\.data\)"$/m);
    expect(run.stdout).toMatch(/^ {2}display_name +string +read-only +"Display Name"$/m);
    expect(run.stdout).toMatch(
      /^ {2}company_type +enum +"Company Type"\n +options: person \(Individual\), company \(Company\)$/m,
    );
  }, 60_000);

  it('--json prints the description the connector gives', async () => {
    const run = await runFrontback(['describe', 'hubspot', 'contacts', '--json', '-c', config]);
    expect(run.code, run.stderr).toBe(0);
    const contacts = JSON.parse(run.stdout) as ObjectDescription;
    expect(contacts.name).toBe('contacts');
    expect(contacts.fields.find((f) => f.name === 'email')).toMatchObject({ type: 'string', externalId: true });
    expect(contacts.fields.find((f) => f.name === 'lifecyclestage')?.options?.map((o) => o.value)).toContain(
      'customer',
    );
  }, 60_000);

  it('an unknown object: one line with a suggestion and the known ones, exit 1', async () => {
    const run = await runFrontback(['describe', 'hubspot', 'contact', '-c', config]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^frontback: no object on hubspot "contact" \(did you mean "contacts"\?\) \(known: [a-z_, ]+\)\n$/,
    );
  }, 60_000);
});
