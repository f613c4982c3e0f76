/**
 * Builds a HubSpot connector for nock tests: the real shared HTTP client with fast
 * retries and recorded (not slept) 429 waits, a fixed clock, silent logs.
 */
import nock from 'nock';
import {
  createHttpClient,
  memoryRateLimiterFactory,
  type ConnectionSettings,
} from '../../../../src/connector/index.ts';
import { createLogger } from '../../../../src/observability/logger.ts';
import hubspot, { type HubSpotConnector } from '../../../../connectors/hubspot/index.ts';

/** The mocked API origin. */
export const API = 'https://api.hubapi.test';
/** The fixed clock of these tests. */
export const NOW = Date.parse('2024-05-01T12:00:00.000Z');

/** A connector plus what its client recorded. */
export interface Harness {
  connector: HubSpotConnector;
  /** 429 waits the client asked for, ms. */
  sleeps: number[];
}

/** Creates a connector against {@link API}. */
export function harness(overrides: Partial<ConnectionSettings> = {}, timeoutMs?: number): Harness {
  const sleeps: number[] = [];
  const connection: ConnectionSettings = {
    name: 'hs',
    kind: 'hubspot',
    baseUrl: API,
    auth: { type: 'bearer', token: 'pat-test-token' },
    rateLimit: { requests: 1000, perMs: 1000 },
    options: { searchRateLimit: { requests: 1000, perMs: 1000 } },
    ...overrides,
  };
  const connector = hubspot.create(connection, {
    http: (options) =>
      createHttpClient({
        ...options,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        retry: { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 2, randomize: false },
        sleep: (ms) => {
          sleeps.push(ms);
          return Promise.resolve();
        },
      }),
    logger: createLogger({ level: 'silent' }),
    clock: () => NOW,
    rateLimiters: memoryRateLimiterFactory(),
  }) as HubSpotConnector;
  return { connector, sleeps };
}

/** Contact properties as the properties API describes them (a subset). */
export const CONTACT_PROPERTIES = [
  {
    name: 'hs_object_id',
    label: 'Record ID',
    type: 'number',
    fieldType: 'number',
    hasUniqueValue: true,
    modificationMetadata: { readOnlyValue: true },
  },
  {
    name: 'createdate',
    label: 'Create Date',
    type: 'datetime',
    fieldType: 'date',
    modificationMetadata: { readOnlyValue: true },
  },
  {
    name: 'lastmodifieddate',
    label: 'Last Modified Date',
    type: 'datetime',
    fieldType: 'date',
    modificationMetadata: { readOnlyValue: true },
  },
  // The live API does not mark email unique; the connector knows it is.
  { name: 'email', label: 'Email', type: 'string', fieldType: 'text', hasUniqueValue: false },
  { name: 'firstname', label: 'First Name', type: 'string', fieldType: 'text' },
  { name: 'erp_credit_limit', label: 'Credit limit', type: 'number', fieldType: 'number' },
  { name: 'vip', label: 'VIP', type: 'bool', fieldType: 'booleancheckbox' },
  {
    name: 'lifecyclestage',
    label: 'Lifecycle Stage',
    type: 'enumeration',
    fieldType: 'radio',
    options: [
      { label: 'Lead', value: 'lead' },
      { label: 'Customer', value: 'customer' },
    ],
  },
  { name: 'erp_id', label: 'ERP id', type: 'string', fieldType: 'text', hasUniqueValue: true },
];

/** Mocks the contact properties call once. */
export function mockContactProperties(): nock.Scope {
  return nock(API).get('/crm/v3/properties/contacts').reply(200, { results: CONTACT_PROPERTIES });
}

/** A contact as HubSpot returns it. */
export function contact(id: string, props: Record<string, string | null> = {}): Record<string, unknown> {
  return {
    id,
    properties: { hs_object_id: id, lastmodifieddate: '2024-05-01T10:00:00.000Z', ...props },
    createdAt: '2024-05-01T09:00:00.000Z',
    updatedAt: '2024-05-01T10:00:00.000Z',
    archived: false,
  };
}

/** HubSpot's error body. */
export function hubspotError(
  message: string,
  category: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { status: 'error', message, correlationId: 'c0ffee00-0000-4000-8000-000000000001', category, ...extra };
}
