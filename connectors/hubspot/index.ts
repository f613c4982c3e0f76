/**
 * The HubSpot connector descriptor: contacts, companies, deals, products, line items
 * and custom objects over CRM v3 (search, batch, properties) and associations v4, with
 * private-app tokens or OAuth refresh, and signed webhooks (v1, v2, v3).
 */
import { defineConnector } from '../../src/connector/index.ts';
import { createHubSpotConnector, HUBSPOT_BASE_URL } from './connector.ts';
import { HUBSPOT_OPTION_DEFAULTS } from './options.ts';
import { STANDARD_OBJECT_DESCRIPTIONS } from './standard-objects.ts';

/** The HubSpot descriptor, registered in connectors/index.ts. */
const hubspot = defineConnector({
  kind: 'hubspot',
  displayName: 'HubSpot',
  defaultBaseUrl: HUBSPOT_BASE_URL,
  authTypes: ['bearer', 'oauth2'],
  // Deliveries are signed with the app's client secret, which HubSpot issues.
  webhookSecret: 'vendor-issued',
  objects: STANDARD_OBJECT_DESCRIPTIONS,
  limits: {
    maxBatchSize: { create: 100, update: 100, upsert: 100, archive: 100, read: 100 },
    // The lowest documented plan: 100 requests per rolling 10 s (190 on Professional and
    // Enterprise: set `rateLimit` on the connection).
    rateLimit: { requests: 100, perMs: 10_000 },
    searchRateLimit: HUBSPOT_OPTION_DEFAULTS.searchRateLimit,
    maxPageSize: 200,
    // Requests on the wire at once: HubSpot documents no cap besides the rate limits, which the
    // limiter keeps; 4 hides a round trip's latency without bursting ahead of the window.
    concurrency: 4,
  },
  create: (connection, deps) => createHubSpotConnector(connection, deps, hubspot.limitsFor(connection)),
});

export default hubspot;
export type { HubSpotConnector } from './connector.ts';
