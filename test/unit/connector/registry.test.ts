import { describe, expect, it } from 'vitest';
import type { ConnectionSettings } from '../../../src/connector/connection.ts';
import type { Connector, ConnectorDeps } from '../../../src/connector/connector.ts';
import { defineConnector, type ConnectorDefinition } from '../../../src/connector/define-connector.ts';
import { createHttpClient } from '../../../src/connector/http-client.ts';
import { memoryRateLimiterFactory } from '../../../src/connector/rate-limiter.ts';
import { createRegistry } from '../../../src/connector/registry.ts';
import type { SourceRecord } from '../../../src/connector/records.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { connectorRegistry } from '../../../connectors/index.ts';

/** A tiny in-memory connector: enough to prove the registry creates working connectors. */
function fakeDefinition(overrides: Partial<ConnectorDefinition> = {}): ConnectorDefinition {
  return {
    kind: 'fake',
    displayName: 'Fake CRM',
    defaultBaseUrl: 'https://fake.test',
    authTypes: ['bearer', 'none'],
    objects: [
      {
        name: 'contacts',
        idField: 'id',
        modifiedField: 'updatedAt',
        fields: [
          { name: 'id', type: 'string', readOnly: true },
          { name: 'email', type: 'string', externalId: true },
          { name: 'stage', type: 'enum', options: [{ value: 'lead' }, { value: 'customer' }] },
          { name: 'updatedAt', type: 'datetime', readOnly: true },
        ],
      },
    ],
    limits: {
      maxBatchSize: { create: 2, update: 2, read: 10 },
      rateLimit: { requests: 10, perMs: 1000 },
      maxPageSize: 2,
    },
    create(connection: ConnectionSettings): Connector {
      const rows: SourceRecord[] = [];
      return {
        kind: 'fake',
        connection: connection.name,
        limits: this.limits,
        describe: () => Promise.resolve(this.objects ?? []),
        async *listChanges() {
          yield { records: rows, cursor: { timestamp: '2024-01-01T00:00:00.000Z', id: '' } };
        },
        read: (_object, ids) => Promise.resolve(rows.filter((r) => ids.includes(r.id))),
        find: (_object, query) =>
          Promise.resolve(rows.filter((r) => query.values.includes(String(r.fields[query.field])))),
        write(object, ops) {
          return Promise.resolve(
            ops.map((op, i) => {
              if (op.op !== 'create')
                return { ref: op.ref, ok: false as const, error: { message: `cannot ${op.op}`, retryable: false } };
              const id = String(rows.length + i + 1);
              rows.push({ id, object, modifiedAt: '2024-01-01T00:00:00.000Z', fields: { ...op.fields } });
              return { ref: op.ref, ok: true as const, id, outcome: 'created' as const };
            }),
          );
        },
      };
    },
    ...overrides,
  };
}

const deps: ConnectorDeps = {
  http: createHttpClient,
  logger: createLogger({ level: 'silent' }),
  clock: Date.now,
  rateLimiters: memoryRateLimiterFactory(),
};
const connection: ConnectionSettings = { name: 'crm', kind: 'fake', auth: { type: 'none' } };

describe('defineConnector', () => {
  it('returns a frozen descriptor that applies a connection rate limit override', () => {
    const d = defineConnector(fakeDefinition());
    expect(Object.isFrozen(d)).toBe(true);
    expect(d.limitsFor(connection).rateLimit).toEqual({ requests: 10, perMs: 1000 });
    expect(d.limitsFor({ ...connection, rateLimit: { requests: 190, perMs: 10_000 } }).rateLimit).toEqual({
      requests: 190,
      perMs: 10_000,
    });
  });

  it.each([
    ['bad kind', { kind: 'Fake CRM' }, 'kind: must be lower-case'],
    [
      'zero batch',
      {
        limits: {
          maxBatchSize: { create: 0, update: 1, read: 1 },
          rateLimit: { requests: 1, perMs: 1 },
          maxPageSize: 1,
        },
      },
      'limits.maxBatchSize.create',
    ],
    [
      'idField missing',
      { objects: [{ name: 'x', idField: 'nope', fields: [{ name: 'id', type: 'string' as const }] }] },
      'idField "nope" is not one of the fields',
    ],
    [
      'modifiedField not a date',
      {
        objects: [{ name: 'x', idField: 'id', modifiedField: 'id', fields: [{ name: 'id', type: 'string' as const }] }],
      },
      'must be a date or datetime field',
    ],
    [
      'enum without options',
      { objects: [{ name: 'x', idField: 'id', fields: [{ name: 'id', type: 'enum' as const }] }] },
      'enum field "id" needs options',
    ],
    [
      'reference without target',
      {
        objects: [
          {
            name: 'x',
            idField: 'id',
            fields: [
              { name: 'id', type: 'string' as const },
              { name: 'p', type: 'reference' as const },
            ],
          },
        ],
      },
      'needs reference.object',
    ],
    [
      'duplicate object',
      { objects: [fakeDefinition().objects?.[0], fakeDefinition().objects?.[0]] as ConnectorDefinition['objects'] },
      'duplicate object "contacts"',
    ],
    ['metadata base URL scheme', { defaultBaseUrl: 'ftp://x' }, 'defaultBaseUrl'],
  ])('fails fast on %s with a clear message', (_name, override, message) => {
    expect(() => defineConnector(fakeDefinition(override as Partial<ConnectorDefinition>))).toThrow(
      expect.objectContaining({ code: 'CONNECTOR_DEFINITION_INVALID', message: expect.stringContaining(message) }),
    );
  });
});

describe('createRegistry', () => {
  const registry = createRegistry([
    defineConnector(fakeDefinition()),
    defineConnector(fakeDefinition({ kind: 'another', displayName: 'Another' })),
  ]);

  it('looks up by kind and lists kinds sorted', () => {
    expect(registry.kinds()).toEqual(['another', 'fake']);
    expect(registry.has('fake')).toBe(true);
    expect(registry.get('nope')).toBeUndefined();
    expect(() => registry.require('nope')).toThrow('unknown connector kind "nope" (known: another, fake)');
  });

  it('creates a working connector for a connection', async () => {
    const connector = registry.create(connection, deps);
    expect(connector.connection).toBe('crm');
    const results = await connector.write('contacts', [
      { op: 'create', ref: 'r1', fields: { email: 'a@b.c' } },
      { op: 'update', ref: 'r2', id: '9', fields: {} },
    ]);
    expect(results).toEqual([
      { ref: 'r1', ok: true, id: '1', outcome: 'created' },
      { ref: 'r2', ok: false, error: { message: 'cannot update', retryable: false } },
    ]);
    expect(await connector.find('contacts', { field: 'email', values: ['a@b.c'] })).toHaveLength(1);
  });

  it('refuses an auth type the connector does not support, and duplicate kinds', () => {
    expect(() => registry.create({ ...connection, auth: { type: 'api-key', key: 'k' } }, deps)).toThrow(
      'does not support auth type "api-key" (use bearer or none)',
    );
    expect(() => createRegistry([defineConnector(fakeDefinition()), defineConnector(fakeDefinition())])).toThrow(
      'two connectors registered with kind "fake"',
    );
  });

  it('the shipped registry is a real registry', () => {
    expect(Array.isArray(connectorRegistry.kinds())).toBe(true);
    expect(() => connectorRegistry.require('no-such-connector')).toThrow(/unknown connector kind/);
  });
});
