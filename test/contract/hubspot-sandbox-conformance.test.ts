/**
 * Every kind of response the sandbox sends is validated against the response schema that
 * HubSpot's official OpenAPI files give for that operation and status, after applying
 * exactly the relaxations listed in connectors/hubspot/spec-differences.ts.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/connector/sandbox/clock.ts';
import { HUBSPOT_SPEC_DIFFERENCES } from '../../connectors/hubspot/spec-differences.ts';
import { createHubSpotSandbox, type HubSpotSandbox } from '../../connectors/hubspot/sandbox/server.ts';
import { haveShared, sharedPath } from '../support/env.ts';

type Json = Record<string, unknown>;
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ok = await haveShared('specs/hubspot/contacts-v3.json');
const auth = { authorization: 'Bearer sandbox-hubspot-token' };

function loadSpec(name: string): Json {
  const doc = JSON.parse(readFileSync(sharedPath(`specs/hubspot/${name}.json`), 'utf8')) as Json;
  const schemas = (doc.components as Json).schemas as Record<string, Json>;
  for (const diff of HUBSPOT_SPEC_DIFFERENCES) {
    for (const r of diff.relax ?? []) {
      const s = schemas[r.schema];
      if (!s) continue;
      if (r.dropRequired) s.required = (s.required as string[]).filter((n) => !r.dropRequired?.includes(n));
      if (r.nullableMapValues) {
        const map = (s.properties as Record<string, Json>)[r.nullableMapValues]!;
        map.additionalProperties = { anyOf: [map.additionalProperties as Json, { type: 'null' }] };
      }
    }
  }
  return doc;
}

describe.skipIf(!ok)('HubSpot sandbox conforms to the official OpenAPI files', () => {
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  const docs = new Map<string, Json>();
  let s: HubSpotSandbox;

  beforeAll(async () => {
    for (const name of ['contacts-v3', 'objects-v3', 'associations-v4']) {
      const doc = loadSpec(name);
      docs.set(name, doc);
      ajv.addSchema({ $id: `${name}.json`, components: doc.components }, `${name}.json`);
    }
    s = await createHubSpotSandbox({
      records: 12,
      clock: new ManualClock(Date.UTC(2025, 0, 1)),
      rateLimits: { max: 3 },
    });
  });
  afterAll(async () => s?.close());

  function validatorFor(spec: string, method: string, path: string, status: number): ValidateFunction {
    const doc = docs.get(spec)!;
    const op = ((doc.paths as Json)[path] as Json | undefined)?.[method.toLowerCase()] as Json | undefined;
    if (!op) throw new Error(`${spec}: no ${method} ${path}`);
    const responses = op.responses as Record<string, Json>;
    const response = responses[String(status)] ?? responses.default!;
    let ref: string;
    if (response.$ref) {
      const name = String(response.$ref).split('/').pop()!;
      const content = (((doc.components as Json).responses as Json)[name] as Json).content as Record<string, Json>;
      ref = String((Object.values(content)[0]!.schema as Json).$ref);
    } else {
      ref = String((((response.content as Json)['application/json'] as Json).schema as Json).$ref);
    }
    return ajv.compile({ $ref: `${spec}.json${ref}` });
  }

  const cases: {
    name: string;
    spec: string;
    method: 'GET' | 'POST' | 'PATCH' | 'PUT';
    path: string;
    url: string;
    payload?: unknown;
    status: number;
  }[] = [
    {
      name: 'list page',
      spec: 'contacts-v3',
      method: 'GET',
      path: '/crm/v3/objects/contacts',
      url: '/crm/v3/objects/contacts?limit=2&associations=companies',
      status: 200,
    },
    {
      name: 'single object',
      spec: 'contacts-v3',
      method: 'GET',
      path: '/crm/v3/objects/contacts/{contactId}',
      url: '/crm/v3/objects/contacts/1?properties=email,phone,nothing',
      status: 200,
    },
    {
      name: 'create',
      spec: 'contacts-v3',
      method: 'POST',
      path: '/crm/v3/objects/contacts',
      url: '/crm/v3/objects/contacts',
      payload: { properties: { email: 'c1@ex.com' } },
      status: 201,
    },
    {
      name: 'update',
      spec: 'contacts-v3',
      method: 'PATCH',
      path: '/crm/v3/objects/contacts/{contactId}',
      url: '/crm/v3/objects/contacts/1',
      payload: { properties: { phone: '1' } },
      status: 200,
    },
    {
      name: 'search',
      spec: 'contacts-v3',
      method: 'POST',
      path: '/crm/v3/objects/contacts/search',
      url: '/crm/v3/objects/contacts/search',
      payload: { limit: 2, properties: ['email', 'mobilephone'] },
      status: 200,
    },
    {
      name: 'batch read',
      spec: 'contacts-v3',
      method: 'POST',
      path: '/crm/v3/objects/contacts/batch/read',
      url: '/crm/v3/objects/contacts/batch/read',
      payload: { inputs: [{ id: '2' }] },
      status: 200,
    },
    {
      name: 'batch read with property history',
      spec: 'contacts-v3',
      method: 'POST',
      path: '/crm/v3/objects/contacts/batch/read',
      url: '/crm/v3/objects/contacts/batch/read',
      payload: { inputs: [{ id: '2' }], properties: ['email'], propertiesWithHistory: ['email', 'lastmodifieddate'] },
      status: 200,
    },
    {
      name: 'batch read 207',
      spec: 'contacts-v3',
      method: 'POST',
      path: '/crm/v3/objects/contacts/batch/read',
      url: '/crm/v3/objects/contacts/batch/read',
      payload: { inputs: [{ id: '2' }, { id: '999' }] },
      status: 207,
    },
    {
      name: 'batch create',
      spec: 'contacts-v3',
      method: 'POST',
      path: '/crm/v3/objects/contacts/batch/create',
      url: '/crm/v3/objects/contacts/batch/create',
      payload: { inputs: [{ properties: { email: 'b1@ex.com' } }] },
      status: 201,
    },
    {
      name: 'batch update',
      spec: 'contacts-v3',
      method: 'POST',
      path: '/crm/v3/objects/contacts/batch/update',
      url: '/crm/v3/objects/contacts/batch/update',
      payload: { inputs: [{ id: '3', properties: { city: 'X' } }] },
      status: 200,
    },
    {
      name: 'batch upsert',
      spec: 'contacts-v3',
      method: 'POST',
      path: '/crm/v3/objects/contacts/batch/upsert',
      url: '/crm/v3/objects/contacts/batch/upsert',
      payload: { inputs: [{ id: 'u1@ex.com', idProperty: 'email', properties: { firstname: 'U' } }] },
      status: 200,
    },
    {
      name: 'generic object list',
      spec: 'objects-v3',
      method: 'GET',
      path: '/crm/v3/objects/{objectType}',
      url: '/crm/v3/objects/deals?limit=2',
      status: 200,
    },
    {
      name: '409 error',
      spec: 'contacts-v3',
      method: 'POST',
      path: '/crm/v3/objects/contacts',
      url: '/crm/v3/objects/contacts',
      payload: { properties: { email: 'c1@ex.com' } },
      status: 409,
    },
    {
      name: '400 error',
      spec: 'contacts-v3',
      method: 'POST',
      path: '/crm/v3/objects/contacts',
      url: '/crm/v3/objects/contacts',
      payload: { properties: { nope: 'x' } },
      status: 400,
    },
    {
      name: '404 error',
      spec: 'contacts-v3',
      method: 'GET',
      path: '/crm/v3/objects/contacts/{contactId}',
      url: '/crm/v3/objects/contacts/999',
      status: 404,
    },
    {
      name: 'association default',
      spec: 'associations-v4',
      method: 'PUT',
      path: '/crm/v4/objects/{fromObjectType}/{fromObjectId}/associations/default/{toObjectType}/{toObjectId}',
      url: '/crm/v4/objects/contacts/1/associations/default/companies/2',
      status: 200,
    },
    {
      name: 'association labelled',
      spec: 'associations-v4',
      method: 'PUT',
      path: '/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}',
      url: '/crm/v4/objects/deals/1/associations/contacts/5',
      payload: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }],
      status: 201,
    },
    {
      name: 'association list',
      spec: 'associations-v4',
      method: 'GET',
      path: '/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}',
      url: '/crm/v4/objects/contacts/1/associations/companies',
      status: 200,
    },
    {
      name: 'association batch create',
      spec: 'associations-v4',
      method: 'POST',
      path: '/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/create',
      url: '/crm/v4/associations/contacts/companies/batch/create',
      payload: {
        inputs: [
          {
            from: { id: '4' },
            to: { id: '1' },
            types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }],
          },
        ],
      },
      status: 201,
    },
    {
      name: 'association batch read 207',
      spec: 'associations-v4',
      method: 'POST',
      path: '/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read',
      url: '/crm/v4/associations/contacts/companies/batch/read',
      payload: { inputs: [{ id: '1' }, { id: '9999' }] },
      status: 207,
    },
  ];

  it.each(cases)('$name ($status)', async (c) => {
    await s.app.inject({ method: 'POST', url: '/_sandbox/reset' });
    s.rateLimiter.settings.max = 1000;
    const res = await s.app.inject({
      method: c.method,
      url: c.url,
      headers: auth,
      ...(c.payload === undefined ? {} : { payload: c.payload as Json }),
    });
    expect(res.statusCode).toBe(c.status);
    const validate = validatorFor(c.spec, c.method, c.path, c.status);
    expect(validate(res.json()), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the validator is not a rubber stamp: a record with a numeric property value fails', () => {
    const validate = validatorFor('contacts-v3', 'GET', '/crm/v3/objects/contacts/{contactId}', 200);
    expect(
      validate({
        id: '1',
        properties: { amount: 5 },
        createdAt: '2025-01-01T00:00:00.000Z',
        updatedAt: '2025-01-01T00:00:00.000Z',
        archived: false,
      }),
    ).toBe(false);
    expect(validate({ id: '1', properties: {} })).toBe(false);
  });

  it('the 429 body validates against Error only with the listed relaxation', async () => {
    await s.app.inject({ method: 'POST', url: '/_sandbox/reset' });
    s.rateLimiter.settings.max = 1;
    await s.app.inject({ method: 'GET', url: '/crm/v3/objects/contacts', headers: auth });
    const res = await s.app.inject({ method: 'GET', url: '/crm/v3/objects/contacts', headers: auth });
    expect(res.statusCode).toBe(429);
    expect(validatorFor('contacts-v3', 'GET', '/crm/v3/objects/contacts', 429)(res.json())).toBe(true);
    const strict = new Ajv({ strict: false });
    addFormats(strict);
    const raw = JSON.parse(readFileSync(sharedPath('specs/hubspot/contacts-v3.json'), 'utf8')) as Json;
    strict.addSchema({ $id: 'raw.json', components: raw.components });
    expect(strict.compile({ $ref: 'raw.json#/components/schemas/Error' })(res.json())).toBe(false);
  });
});
