/**
 * The Odoo connector descriptor: partners, products (with stock and price), sales orders
 * with lines, invoices (read-only) and reference data, over JSON-RPC `execute_kw` or the
 * JSON-2 API of Odoo 19+, with API-key auth and token-in-URL webhooks.
 */
import { defineConnector } from '../../src/connector/index.ts';
import { createOdooConnector } from './connector.ts';
import { STANDARD_MODEL_DESCRIPTIONS } from './standard-models.ts';

/** The Odoo descriptor, registered in connectors/index.ts. */
const odoo = defineConnector({
  kind: 'odoo',
  displayName: 'Odoo',
  authTypes: ['api-key'],
  // Odoo cannot sign: the admin makes up the token the automation rule puts in the webhook URL.
  webhookSecret: 'admin-chosen',
  objects: STANDARD_MODEL_DESCRIPTIONS,
  limits: {
    // Odoo has no documented batch limit; 100 keeps one `load` or `write` call (a single
    // transaction) short, and bounds the halving when one record is bad.
    maxBatchSize: { create: 100, update: 100, upsert: 100, archive: 100, delete: 100, read: 200 },
    // Odoo Online has no published request quota; stay polite. Set `rateLimit` on the
    // connection for a self-hosted server.
    rateLimit: { requests: 10, perMs: 1_000 },
    maxPageSize: 500,
    // An Odoo Online database runs few workers; two calls at once keep one waiting behind the
    // other's latency without crowding them. A self-hosted server with more workers can take more.
    concurrency: 2,
  },
  create: (connection, deps) => createOdooConnector(connection, deps, odoo.limitsFor(connection)),
});

export default odoo;
export type { OdooConnector } from './connector.ts';
