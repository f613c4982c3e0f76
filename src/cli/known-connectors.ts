/**
 * Connector kinds the CLI accepts in `connections.<name>.kind`.
 * connectors/index.ts (the connector registry) will replace this list: the CLI
 * will then pass the registry's kinds to loadConfig instead.
 */
export const KNOWN_CONNECTOR_KINDS: readonly string[] = [
  'hubspot',
  'salesforce',
  'odoo',
  'business-central',
  'netsuite',
];
