/**
 * The HubSpot connector for one connection: wires the shared HTTP client (auth, rate
 * limits, error translation) to the listing, reading, finding, writing and webhook
 * pieces of this folder.
 */
import { ErrorCode, FrontbackError } from '../../src/errors.ts';
import {
  authProviderFor,
  budgetFor,
  chunk,
  rereadStart,
  toTimestamp,
  webhookSecrets,
  type ConnectionSettings,
  type Connector,
  type ConnectorDeps,
  type ConnectorLimits,
  type FieldType,
  type FindQuery,
  type ObjectDescription,
  type RateLimiter,
  type SourceRecord,
} from '../../src/connector/index.ts';
import { hubspotAssociations, type HubSpotAssociations } from './associations.ts';
import { readHubSpotBudget } from './budget.ts';
import { createIfAbsent, PROPERTY_TYPES } from './custom-properties.ts';
import { dealFields } from './deal-fields.ts';
import { listBySearch } from './changes.ts';
import { HubSpotClient } from './client.ts';
import { listArchived } from './deletes.ts';
import { describeObject } from './describe.ts';
import { hubspotPauseAfter, hubspotRetryAfter, translateHubSpotError } from './errors.ts';
import { ObjectCatalog, type HubSpotObjectType } from './objects.ts';
import { parseHubSpotOptions } from './options.ts';
import type { HubSpotRecord } from './schemas.ts';
import { decodeProperties, type FieldTypes } from './values.ts';
import { hubspotWebhooks, type SignatureVersion } from './webhooks.ts';
import { writeRecords } from './writes.ts';

/** HubSpot's API base URL. */
export const HUBSPOT_BASE_URL = 'https://api.hubapi.com';

/** A live HubSpot connection: the contract, plus associations v4 and the object catalog. */
export interface HubSpotConnector extends Connector {
  /** Associations v4 (contact -> company lookups, deal -> line items). */
  readonly associations: HubSpotAssociations;
  /** The object types this connection knows. */
  readonly objects: ObjectCatalog;
}

/** Spends a request from both budgets (search calls count against the app's main limit too). */
function bothLimiters(main: RateLimiter, search: RateLimiter): RateLimiter {
  return {
    plan: search.plan,
    async acquire(cost) {
      await search.acquire(cost);
      await main.acquire(cost);
    },
    async pause(ms) {
      await Promise.all([main.pause(ms), search.pause(ms)]);
    },
  };
}

/** Records per batch read when asking for property history (HubSpot caps list pages with history at 50). */
const HISTORY_BATCH = 50;

/** `record` with `fieldModifiedAt` from `propertiesWithHistory` (newest version first). */
function withFieldTimes(record: SourceRecord, raw: HubSpotRecord): SourceRecord {
  const times: Record<string, string> = {};
  for (const [name, versions] of Object.entries(raw.propertiesWithHistory ?? {})) {
    const newest = versions[0];
    if (newest !== undefined) times[name] = toTimestamp(newest.timestamp);
  }
  return { ...record, fieldModifiedAt: times };
}

/** Creates the connector for `connection` with `limits` (the descriptor's, with the connection's rate limit). */
export function createHubSpotConnector(
  connection: ConnectionSettings,
  deps: ConnectorDeps,
  declared: ConnectorLimits,
): HubSpotConnector {
  const options = parseHubSpotOptions(connection.name, connection.options);
  // The search index lags writes: every listing re-reads at least this far behind its cursor.
  const overlapMs = options.overlapMinutes * 60_000;
  const limits: ConnectorLimits = { ...declared, searchRateLimit: options.searchRateLimit };
  const baseURL = connection.baseUrl ?? HUBSPOT_BASE_URL;
  // The app's budget, read from every answer's X-HubSpot-RateLimit-* headers; its limiter
  // takes the rate HubSpot announces (190 per 10 s on Professional) over the declared 100.
  const budget = budgetFor(connection, deps, limits, readHubSpotBudget);
  const searchLimiter = bothLimiters(
    budget.limiter,
    deps.rateLimiters(`${connection.name}:search`, options.searchRateLimit),
  );
  const auth = authProviderFor(connection.name, connection.auth, {
    tokenUrl: `${baseURL.replace(/\/+$/, '')}/oauth/v1/token`,
    now: deps.clock,
  });
  const http = deps.http({
    connection: connection.name,
    baseURL,
    ...(connection.timeoutMs === undefined ? {} : { timeoutMs: connection.timeoutMs }),
    ...(auth === undefined ? {} : { auth }),
    budget,
    ...(limits.concurrency === undefined ? {} : { maxInFlight: limits.concurrency }),
    translateError: translateHubSpotError,
    retryAfter: (response) => hubspotRetryAfter(response, deps.clock()),
    pauseAfter: hubspotPauseAfter,
    logger: deps.logger,
    now: deps.clock,
  });
  const client = new HubSpotClient(http, searchLimiter);
  const objects = new ObjectCatalog(options.customObjects);
  const descriptions = new Map<string, Promise<{ description: ObjectDescription; types: FieldTypes }>>();

  function objectType(name: string): HubSpotObjectType {
    const found = objects.find(name);
    if (found === undefined) {
      const known = objects
        .all()
        .map((o) => o.name)
        .join(', ');
      throw new FrontbackError(
        ErrorCode.Validation,
        `connection "${connection.name}": unknown HubSpot object "${name}" (known: ${known}; custom objects by 2-<id> or p_<name>)`,
      );
    }
    return found;
  }

  function described(object: HubSpotObjectType): Promise<{ description: ObjectDescription; types: FieldTypes }> {
    let entry = descriptions.get(object.name);
    if (entry === undefined) {
      entry = client.properties(object.path).then((properties) => {
        const description = describeObject(object, properties);
        return { description, types: new Map<string, FieldType>(description.fields.map((f) => [f.name, f.type])) };
      });
      // A failed call is not cached: the next use asks again.
      entry.catch(() => descriptions.delete(object.name));
      descriptions.set(object.name, entry);
    }
    return entry;
  }

  async function fieldsFor(
    object: HubSpotObjectType,
    requested: readonly string[] | undefined,
  ): Promise<{ names: string[]; types: FieldTypes }> {
    const { description, types } = await described(object);
    return { names: requested === undefined ? description.fields.map((f) => f.name) : [...requested], types };
  }

  function toSource(
    object: HubSpotObjectType,
    record: HubSpotRecord,
    types: FieldTypes,
    at: 'modified' | 'archived',
  ): SourceRecord {
    const stamp =
      at === 'archived'
        ? (record.archivedAt ?? record.updatedAt)
        : (record.properties[object.modifiedProperty] ?? record.updatedAt);
    const out: SourceRecord = {
      id: record.id,
      object: object.name,
      modifiedAt: toTimestamp(stamp === undefined || stamp === null ? 0 : /^\d+$/.test(stamp) ? Number(stamp) : stamp),
      fields: decodeProperties(record.properties, types),
    };
    if (record.archived === true) out.archived = true;
    return out;
  }

  // Deals carry their primary company and line items, read from associations v4 (deal-fields.ts).
  const { withDealAssociations, propertiesOf } = dealFields({
    associations: (from, to, ids) => connector.associations.read(from, to, ids),
    read: (object, ids) => connector.read(object, ids),
  });

  const pageSizeOf = (requested: number | undefined): number =>
    Math.max(1, Math.min(requested ?? limits.maxPageSize, limits.maxPageSize));

  const connector: HubSpotConnector = {
    kind: 'hubspot',
    connection: connection.name,
    limits,
    objects,
    associations: hubspotAssociations(http),

    async describe() {
      const out: ObjectDescription[] = [];
      for (const object of objects.all()) out.push((await described(object)).description);
      return out;
    },

    async *listChanges(name, since, listOptions = {}) {
      const object = objectType(name);
      const { names, types } = await fieldsFor(object, listOptions.fields);
      const pages = listBySearch(rereadStart(since, Math.max(listOptions.overlapMs ?? 0, overlapMs)), {
        search: (body) => client.search(object.path, body),
        decode: (record) => toSource(object, record, types, 'modified'),
        modifiedProperty: object.modifiedProperty,
        properties: propertiesOf(object, names),
        pageSize: pageSizeOf(listOptions.pageSize),
        ...(listOptions.until === undefined ? {} : { until: listOptions.until }),
        ...(listOptions.signal === undefined ? {} : { signal: listOptions.signal }),
      });
      for await (const page of pages)
        yield { ...page, records: await withDealAssociations(object, page.records, listOptions.fields) };
    },

    async *listDeleted(name, since, listOptions = {}) {
      const object = objectType(name);
      const { names, types } = await fieldsFor(object, listOptions.fields);
      yield* listArchived(rereadStart(since, Math.max(listOptions.overlapMs ?? 0, overlapMs)), {
        list: (after) =>
          client.list(object.path, {
            limit: 100,
            ...(after === undefined ? {} : { after }),
            properties: names,
            archived: true,
          }),
        decode: (record) => ({ ...toSource(object, record, types, 'archived'), archived: true }),
        pageSize: pageSizeOf(listOptions.pageSize),
        ...(listOptions.signal === undefined ? {} : { signal: listOptions.signal }),
      });
    },

    async read(name, ids, fields, readOptions = {}) {
      const object = objectType(name);
      const { names, types } = await fieldsFor(object, fields);
      const withTimes = readOptions.fieldTimes === true;
      const out: SourceRecord[] = [];
      // With history HubSpot answers more per record; the list endpoint caps such pages at 50.
      const size = withTimes ? Math.min(HISTORY_BATCH, limits.maxBatchSize.read) : limits.maxBatchSize.read;
      for (const batch of chunk([...new Set(ids)], size)) {
        const asked = propertiesOf(object, names);
        const response = await client.batchRead(object.path, batch, asked, undefined, withTimes ? asked : undefined);
        out.push(
          ...response.results.map((r) =>
            withTimes
              ? withFieldTimes(toSource(object, r, types, 'modified'), r)
              : toSource(object, r, types, 'modified'),
          ),
        );
      }
      return withDealAssociations(object, out, fields);
    },

    async ensureFields(name, wanted) {
      const object = objectType(name);
      const { types } = await described(object);
      const missing = wanted.filter((f) => !types.has(f.name));
      for (const field of missing) {
        const [type, fieldType] = PROPERTY_TYPES[field.type] ?? ['string', 'text'];
        // Every object has a default group `<singular>information` (contactinformation, dealinformation, ...).
        await createIfAbsent(() =>
          client.createProperty(object.path, {
            name: field.name,
            label: field.label ?? field.name,
            type,
            fieldType,
            groupName: `${(object.webhookName ?? object.name).replace(/_/g, '')}information`,
            ...(field.unique === true ? { hasUniqueValue: true } : {}),
            // A checkbox property lists its two values.
            ...(type === 'bool'
              ? {
                  options: [
                    { label: 'Yes', value: 'true', displayOrder: 0 },
                    { label: 'No', value: 'false', displayOrder: 1 },
                  ],
                }
              : {}),
          }),
        );
      }
      if (missing.length > 0) descriptions.delete(object.name);
      return missing.map((f) => f.name);
    },

    async find(name, query: FindQuery) {
      const object = objectType(name);
      const { names, types, description } = {
        ...(await fieldsFor(object, query.fields)),
        description: (await described(object)).description,
      };
      const values = [...new Set(query.values)];
      const out: SourceRecord[] = [];
      if (query.field === 'hs_object_id') return connector.read(name, values, query.fields);
      const unique =
        query.match !== 'contains' && description.fields.some((f) => f.name === query.field && f.externalId === true);
      // A contains search: one filter group per value (groups are ORed; HubSpot allows 5 per search).
      const contains = query.match === 'contains';
      for (const batch of chunk(values, contains ? 5 : 100)) {
        if (unique) {
          // Exact and current (batch read by a unique property), unlike the lagging search index.
          const response = await client.batchRead(object.path, batch, names, query.field);
          out.push(...response.results.map((r) => toSource(object, r, types, 'modified')));
          continue;
        }
        let after: string | undefined;
        do {
          const page = await client.search(object.path, {
            filterGroups: contains
              ? batch.map((value) => ({ filters: [{ propertyName: query.field, operator: 'CONTAINS_TOKEN', value }] }))
              : [
                  {
                    filters: [
                      batch.length === 1
                        ? { propertyName: query.field, operator: 'EQ', value: batch[0] as string }
                        : { propertyName: query.field, operator: 'IN', values: batch },
                    ],
                  },
                ],
            sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
            properties: [...new Set([...names, query.field])],
            limit: limits.maxPageSize,
            ...(after === undefined ? {} : { after }),
          });
          out.push(...page.results.map((r) => toSource(object, r, types, 'modified')));
          after = page.paging?.next?.after;
        } while (after !== undefined);
      }
      return out;
    },

    async write(name, ops) {
      const object = objectType(name);
      const { types } = await described(object);
      return writeRecords(
        {
          client,
          object,
          batchSize: limits.maxBatchSize.create,
          decodeFields: (r) => decodeProperties(r.properties, types),
        },
        ops,
      );
    },

    budget: () => budget.snapshot(),

    webhooks: hubspotWebhooks({
      secret: webhookSecrets(connection.webhook),
      ...(connection.webhook?.publicBaseUrl === undefined ? {} : { publicBaseUrl: connection.webhook.publicBaseUrl }),
      ...(connection.webhook?.signatureVersion === undefined
        ? {}
        : { signatureVersion: connection.webhook.signatureVersion as SignatureVersion }),
      objects,
    }),

    close() {
      http.close();
      return Promise.resolve();
    },
  };
  return connector;
}
