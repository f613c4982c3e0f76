/**
 * Every request body the connector sends is validated against the request schema of
 * HubSpot's official OpenAPI files for that operation, after applying the request-side
 * differences listed in connectors/hubspot/spec-differences.ts (looked up by id, so a
 * difference dropped from that list makes this test strict again).
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUBSPOT_SPEC_DIFFERENCES } from '../../../../connectors/hubspot/spec-differences.ts';
import { haveShared, sharedPath } from '../../../support/env.ts';
import { startRig, type SandboxRig, type SentRequest } from './support.ts';

type Json = Record<string, unknown>;
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ok = await haveShared('specs/hubspot/objects-v3.json');

/** How each request-side difference is applied to the official schemas. */
const REQUEST_RELAXATIONS: Record<string, (schemas: Record<string, Json>) => void> = {
  'search-sorts-objects': (s) => {
    const sorts = (s.PublicObjectSearchRequest?.properties as Record<string, Json> | undefined)?.sorts;
    if (sorts)
      sorts.items = {
        anyOf: [
          { type: 'string' },
          {
            type: 'object',
            required: ['propertyName'],
            properties: { propertyName: { type: 'string' }, direction: { enum: ['ASCENDING', 'DESCENDING'] } },
          },
        ],
      };
  },
  'search-optional-fields': (s) => drop(s, 'PublicObjectSearchRequest', ['after', 'limit', 'properties', 'sorts']),
  'batch-read-history-optional': (s) =>
    drop(s, 'BatchReadInputSimplePublicObjectId', ['propertiesWithHistory', 'properties']),
  'create-associations-optional': (s) => {
    drop(s, 'SimplePublicObjectInputForCreate', ['associations']);
    drop(s, 'SimplePublicObjectBatchInputForCreate', ['associations']);
  },
};

function drop(schemas: Record<string, Json>, name: string, fields: string[]): void {
  const schema = schemas[name];
  if (schema?.required) schema.required = (schema.required as string[]).filter((f) => !fields.includes(f));
}

function loadSpec(name: string): Json {
  const doc = JSON.parse(readFileSync(sharedPath(`specs/hubspot/${name}.json`), 'utf8')) as Json;
  const schemas = (doc.components as Json).schemas as Record<string, Json>;
  for (const diff of HUBSPOT_SPEC_DIFFERENCES.filter((d) => d.appliesTo === 'request'))
    REQUEST_RELAXATIONS[diff.id]?.(schemas);
  return doc;
}

/** The spec operation for a request path: `/crm/v3/objects/contacts/batch/read` matches `/crm/v3/objects/{objectType}/batch/read`. */
function operationFor(
  docs: Map<string, Json>,
  req: SentRequest,
): { spec: string; ref: string | undefined } | undefined {
  const path = req.path.split('?')[0] as string;
  for (const [spec, doc] of docs) {
    for (const [template, item] of Object.entries(doc.paths as Record<string, Json>)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      const op = item[req.method.toLowerCase()] as Json | undefined;
      if (!op || !pattern.test(path)) continue;
      // The generic objects file covers every type; prefer a specific file's literal match.
      if (spec === 'objects-v3' && docs.has('contacts-v3') && path.startsWith('/crm/v3/objects/contacts')) continue;
      const schema = (
        ((op.requestBody as Json | undefined)?.content as Json | undefined)?.['application/json'] as Json | undefined
      )?.schema as Json | undefined;
      return { spec, ref: schema?.$ref as string | undefined };
    }
  }
  return undefined;
}

describe.skipIf(!ok)('requests the HubSpot connector sends conform to the official OpenAPI files', () => {
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  const docs = new Map<string, Json>();
  let rig: SandboxRig;

  beforeAll(async () => {
    for (const name of ['contacts-v3', 'objects-v3', 'associations-v4']) {
      const doc = loadSpec(name);
      docs.set(name, doc);
      ajv.addSchema({ $id: `${name}.json`, components: doc.components }, `${name}.json`);
    }
    rig = await startRig({ records: 12 });
    const c = rig.connector;
    for await (const page of c.listChanges(
      'contacts',
      { timestamp: '2024-06-01T00:00:00.000Z', id: '3' },
      { pageSize: 5, fields: ['email'] },
    ))
      void page;
    for await (const page of c.listChanges('deals', null, { pageSize: 3 })) void page;
    for await (const page of c.listDeleted?.('companies', null) ?? []) void page;
    await c.read('contacts', ['1', '2', '999'], ['email']);
    await c.find('contacts', { field: 'email', values: ['nobody@x.test'] });
    await c.find('contacts', { field: 'firstname', values: ['A', 'B'] });
    await c.write('contacts', [
      { op: 'create', ref: 'c', fields: { email: 'spec.create@x.test', firstname: 'S' } },
      {
        op: 'upsert',
        ref: 'u',
        idempotencyKey: { field: 'email', value: 'spec.upsert@x.test' },
        fields: { lastname: 'U' },
      },
      { op: 'update', ref: 'p', id: '1', fields: { city: 'Lyon' } },
      { op: 'archive', ref: 'a', id: '2' },
    ]);
    await c.write('products', [{ op: 'create', ref: 'pr', fields: { name: 'Spec', price: 9.5 } }]);
    await c.associations.associateDefault('contacts', '3', 'companies', '1');
    await c.associations.associate('contacts', 'companies', [
      { fromId: '4', toId: '1', types: [{ category: 'HUBSPOT_DEFINED', typeId: 279 }] },
      { fromId: '5', toId: '2' },
    ]);
    await c.associations.read('contacts', 'companies', ['3', '4']);
    await c.associations.remove('contacts', 'companies', [{ fromId: '4', toId: '1' }]);
  }, 30_000);
  afterAll(async () => rig?.close());

  it('every request-side difference in the shared list has a relaxation here', () => {
    const ids = HUBSPOT_SPEC_DIFFERENCES.filter((d) => d.appliesTo === 'request').map((d) => d.id);
    expect(ids.filter((id) => REQUEST_RELAXATIONS[id] === undefined)).toEqual([]);
  });

  it('covers the endpoints the connector uses', () => {
    const kinds = new Set(
      rig.sent.map(
        (r) =>
          `${r.method} ${r.path.replace(/\/(contacts|deals|companies|products)\b/, '/{type}').replace(/\/\d+/g, '/{id}')}`,
      ),
    );
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining([
        'POST /crm/v3/objects/{type}/search',
        'POST /crm/v3/objects/{type}/batch/read',
        'POST /crm/v3/objects/{type}/batch/create',
        'POST /crm/v3/objects/{type}/batch/upsert',
        'POST /crm/v3/objects/{type}/batch/update',
        'POST /crm/v3/objects/{type}/batch/archive',
        'GET /crm/v3/objects/{type}',
      ]),
    );
  });

  it("every body validates against its operation's request schema", () => {
    const problems: string[] = [];
    let validated = 0;
    for (const req of rig.sent) {
      if (req.body === undefined) continue;
      const op = operationFor(docs, req);
      if (op === undefined) {
        problems.push(`${req.method} ${req.path}: no operation in the official files`);
        continue;
      }
      if (op.ref === undefined) continue;
      const validate = ajv.compile({ $ref: `${op.spec}.json${op.ref}` });
      validated += 1;
      if (!validate(req.body))
        problems.push(
          `${req.method} ${req.path}: ${ajv.errorsText(validate.errors)}\n  body: ${JSON.stringify(req.body).slice(0, 300)}`,
        );
    }
    expect(problems).toEqual([]);
    expect(validated).toBeGreaterThanOrEqual(12);
  });
});
