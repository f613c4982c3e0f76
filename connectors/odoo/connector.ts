/**
 * The Odoo connector for one connection: wires the shared HTTP client and the chosen
 * transport (JSON-RPC or JSON-2) to the describe, listing, reading, finding, writing,
 * reference and webhook pieces of this folder.
 */
import { ErrorCode, FrontbackError } from '../../src/errors.ts';
import {
  budgetFor,
  chunk,
  rereadStart,
  toTimestamp,
  webhookSecrets,
  type ApiKeyAuthSettings,
  type ConnectionSettings,
  type Connector,
  type ConnectorDeps,
  type ConnectorLimits,
  type FindQuery,
  type ObjectDescription,
  type SourceRecord,
} from '../../src/connector/index.ts';
import { listModelChanges, listProductChanges, type ListingContext } from './changes.ts';
import { OdooClient, type Domain } from './client.ts';
import { describeModel, EXTERNAL_ID_FIELD, fieldTypes } from './describe.ts';
import { translateOdooError } from './errors.ts';
import { parseOdooOptions, type OdooOptions } from './options.ts';
import { odooReferences, type OdooReferences } from './reference.ts';
import { modelDataSchema, type RawRecord } from './schemas.ts';
import { json2Auth, json2Transport } from './transports/json2.ts';
import { detectJsonRpcError, jsonRpcTransport } from './transports/jsonrpc.ts';
import type { OdooTransport } from './transports/transport.ts';
import { decodeRecord, type OdooFields } from './values.ts';
import { odooWebhooks } from './webhooks.ts';
import { withReadBack } from './read-back.ts';
import { writeRecords } from './writes.ts';

/** Models every Odoo connection knows (more through `options.extraModels`). */
export const ODOO_MODELS: readonly string[] = [
  'res.partner',
  'product.template',
  'product.product',
  'sale.order',
  'sale.order.line',
  'account.move',
  'res.country',
  'res.country.state',
  'res.partner.industry',
  'res.partner.category',
];

/** Values per `ilike` domain of a contains search (each adds a term Odoo evaluates per row). */
const CONTAINS_BATCH = 50;

/** A live Odoo connection: the contract, plus reference-data lookups and the raw client. */
export interface OdooConnector extends Connector {
  /** Reference data by code or name (countries, industries, tags), cached. */
  readonly references: OdooReferences;
  /** Typed model calls (for tools and tests). */
  readonly client: OdooClient;
  /** The validated connection options. */
  readonly options: OdooOptions;
}

interface Described {
  description: ObjectDescription;
  types: OdooFields;
}

function configError(connection: string, message: string): FrontbackError {
  return new FrontbackError(ErrorCode.Config, `connection "${connection}": ${message}`, { details: { connection } });
}

function apiKeyAuth(connection: ConnectionSettings): ApiKeyAuthSettings {
  if (connection.auth.type !== 'api-key')
    throw configError(
      connection.name,
      `Odoo needs auth.type "api-key" ({ login, key, database }), not "${connection.auth.type}"`,
    );
  return connection.auth;
}

/** Creates the connector for `connection` with `limits` (the descriptor's, with the connection's rate limit). */
export function createOdooConnector(
  connection: ConnectionSettings,
  deps: ConnectorDeps,
  limits: ConnectorLimits,
): OdooConnector {
  const options = parseOdooOptions(connection.name, connection.options);
  const auth = apiKeyAuth(connection);
  const baseURL = connection.baseUrl;
  if (baseURL === undefined)
    throw configError(connection.name, 'Odoo needs baseUrl (https://<your-database>.odoo.com or your server)');
  const budget = budgetFor(connection, deps, limits);
  const common = {
    connection: connection.name,
    baseURL,
    ...(connection.timeoutMs === undefined ? {} : { timeoutMs: connection.timeoutMs }),
    // Odoo announces no budget: calls are counted and the reserve kept on the client-side window only.
    budget,
    ...(limits.concurrency === undefined ? {} : { maxInFlight: limits.concurrency }),
    translateError: translateOdooError,
    logger: deps.logger,
    now: deps.clock,
  };
  let transport: OdooTransport;
  if (options.transport === 'json2') {
    const http = deps.http({
      ...common,
      auth: json2Auth(auth.key),
      ...(auth.database === undefined ? {} : { headers: { 'x-odoo-database': auth.database } }),
    });
    transport = json2Transport(http);
  } else {
    if (auth.database === undefined || auth.login === undefined)
      throw configError(connection.name, 'Odoo JSON-RPC needs auth.database and auth.login next to auth.key');
    const http = deps.http({ ...common, detectError: detectJsonRpcError(connection.name) });
    transport = jsonRpcTransport(http, { database: auth.database, login: auth.login, key: auth.key });
  }
  const client = new OdooClient(transport);
  const models = new Set([...ODOO_MODELS, ...options.extraModels]);
  const descriptions = new Map<string, Promise<Described>>();
  const overlapMs = options.overlapMinutes * 60_000;

  function known(model: string): string {
    if (!models.has(model)) {
      throw new FrontbackError(
        ErrorCode.Validation,
        `connection "${connection.name}": unknown Odoo model "${model}" (known: ${[...models].join(', ')}; add others with options.extraModels)`,
      );
    }
    return model;
  }

  function described(model: string): Promise<Described> {
    let entry = descriptions.get(model);
    if (entry === undefined) {
      entry = client.fieldsGet(model).then((info) => ({
        description: describeModel(model, info),
        types: fieldTypes(info),
      }));
      // A failed call is not cached: the next use asks again.
      entry.catch(() => descriptions.delete(model));
      descriptions.set(model, entry);
    }
    return entry;
  }

  /** Wire fields to read: the requested ones (default all described), plus what decoding needs. */
  function wireFields(d: Described, requested: readonly string[] | undefined): string[] {
    const base = requested ?? d.description.fields.map((f) => f.name);
    const names = new Set(base.filter((n) => n !== EXTERNAL_ID_FIELD && d.types.has(n)));
    names.add('write_date');
    if (d.types.get('active')?.type === 'boolean') names.add('active');
    names.delete('id');
    return [...names];
  }

  function decoder(model: string, d: Described): (raw: RawRecord) => SourceRecord {
    const archivable = d.types.get('active')?.type === 'boolean';
    return (raw) => {
      const stamp = raw['write_date'];
      const record: SourceRecord = {
        id: String(raw.id),
        object: model,
        modifiedAt: toTimestamp(typeof stamp === 'string' ? stamp : 0),
        fields: decodeRecord(d.types, raw),
      };
      record.fields['id'] = raw.id;
      if (archivable && raw['active'] === false) record.archived = true;
      return record;
    };
  }

  async function readIds(model: string, ids: readonly string[], fields?: readonly string[]): Promise<SourceRecord[]> {
    const d = await described(model);
    const numeric = [...new Set(ids.filter((id) => /^\d+$/.test(id)).map(Number))];
    const out: SourceRecord[] = [];
    for (const batch of chunk(numeric, limits.maxBatchSize.read)) {
      out.push(...(await client.read(model, batch, wireFields(d, fields))).map(decoder(model, d)));
    }
    return out;
  }

  const connector: OdooConnector = {
    kind: 'odoo',
    connection: connection.name,
    limits,
    client,
    options,
    references: odooReferences(client),

    async describe() {
      const out: ObjectDescription[] = [];
      for (const model of models) out.push((await described(model)).description);
      return out;
    },

    async *listChanges(object, since, listOptions = {}) {
      const model = known(object);
      const d = await described(model);
      // The connection's overlap is a minimum: write_date is the transaction's start.
      const start = rereadStart(since, Math.max(listOptions.overlapMs ?? 0, overlapMs));
      const ctx: ListingContext = {
        client,
        model,
        fields: wireFields(d, listOptions.fields),
        decode: decoder(model, d),
        pageSize: Math.max(1, Math.min(listOptions.pageSize ?? limits.maxPageSize, limits.maxPageSize)),
        withArchived: d.types.get('active')?.type === 'boolean',
        ...(listOptions.until === undefined ? {} : { until: listOptions.until }),
        ...(listOptions.signal === undefined ? {} : { signal: listOptions.signal }),
      };
      yield* model === 'product.product' ? listProductChanges(ctx, start) : listModelChanges(ctx, start);
    },

    read: (object, ids, fields) => readIds(known(object), ids, fields),

    async find(object, query: FindQuery) {
      const model = known(object);
      const values = [...new Set(query.values)];
      if (values.length === 0) return [];
      if (query.field === 'id') return readIds(model, values, query.fields);
      if (query.field === EXTERNAL_ID_FIELD) {
        const rows = await client.call(
          'ir.model.data',
          'search_read',
          [
            [
              ['module', '=', options.externalIdModule],
              ['model', '=', model],
              ['name', 'in', values],
            ],
          ],
          { fields: ['module', 'name', 'model', 'res_id'] },
          modelDataSchema,
        );
        const keyOf = new Map(rows.flatMap((r) => (r.res_id === false ? [] : [[String(r.res_id), r.name] as const])));
        const records = await readIds(model, [...keyOf.keys()], query.fields);
        return records.map((r) => ({ ...r, fields: { ...r.fields, [EXTERNAL_ID_FIELD]: keyOf.get(r.id) } }));
      }
      const d = await described(model);
      const type = d.types.get(query.field)?.type;
      if (type === undefined)
        throw new FrontbackError(
          ErrorCode.Validation,
          `connection "${connection.name}": ${model} has no field "${query.field}"`,
        );
      const numeric = type === 'many2one' || type === 'integer';
      const wanted: (string | number)[] = numeric ? values.filter((v) => /^\d+$/.test(v)).map(Number) : values;
      const fields = wireFields(d, query.fields ? [...query.fields, query.field] : undefined);
      const out: SourceRecord[] = [];
      if (query.match === 'contains' && !numeric) {
        // One domain ORing an `ilike` per value (Odoo's prefix notation: n-1 '|' first); the caller compares again.
        for (const batch of chunk(values, CONTAINS_BATCH)) {
          const domain: Domain = [
            ...Array.from({ length: batch.length - 1 }, () => '|'),
            ...batch.map((v) => [query.field, 'ilike', v] as const),
          ];
          out.push(
            ...(await client.searchRead(model, domain, { fields, order: 'id asc', withArchived: true })).map(
              decoder(model, d),
            ),
          );
        }
        return out;
      }
      for (const batch of chunk(wanted, limits.maxPageSize)) {
        const rows = await client.searchRead(model, [[query.field, 'in', batch]], {
          fields,
          order: 'id asc',
          withArchived: true,
        });
        out.push(...rows.map(decoder(model, d)));
      }
      return out;
    },

    async write(object, ops) {
      const model = known(object);
      const d = await described(model);
      const comodels = new Map<string, OdooFields>();
      for (const op of ops) {
        for (const name of Object.keys(op.fields ?? {})) {
          const field = d.types.get(name);
          if (field?.type === 'one2many' && field.relation !== undefined && !comodels.has(field.relation))
            comodels.set(field.relation, (await described(field.relation)).types);
        }
      }
      const results = await writeRecords(
        {
          client,
          connection: connection.name,
          model,
          fields: d.types,
          fieldsOf: (m) => comodels.get(m),
          module: options.externalIdModule,
          batchSize: limits.maxBatchSize.create,
        },
        ops,
      );
      return options.readBack
        ? withReadBack(results, ops, d.types, (ids, fields) => readIds(model, ids, fields))
        : results;
    },

    budget: () => budget.snapshot(),

    webhooks: odooWebhooks({
      secret: webhookSecrets(connection.webhook),
      models,
      bucketSeconds: options.webhookBucketSeconds,
      clock: deps.clock,
    }),

    close() {
      transport.close();
      return Promise.resolve();
    },
  };
  return connector;
}
