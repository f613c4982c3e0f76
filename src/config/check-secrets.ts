/**
 * Strength of the secrets frontback's admin chooses, checked at load (and so by
 * `frontback validate`): `server.adminToken`, `server.metricsToken`, and the webhook
 * secret of every connection whose connector declares it admin-chosen (Odoo's URL token;
 * a Salesforce callout's HMAC key or Business Central's clientState when they land).
 * Secrets a vendor issues (HubSpot's client secret, API keys, OAuth secrets) are only
 * checked for presence, by the schema. Runs on the raw values, so these problems are
 * reported together with the schema's. Published demo values are left to demo-secrets.ts.
 */
import { PUBLISHED_DEMO_SECRETS, type SecretProblem } from './demo-secrets.ts';
import { secretWeakness, weakSecretMessage } from './secret-strength.ts';
import type { YamlPath } from './yaml-source.ts';

/**
 * Who chooses a connector kind's webhook secret, as the connector declares it
 * (`webhookSecret` in its descriptor): `admin-chosen` secrets must be strong,
 * `vendor-issued` ones only present.
 */
export type WebhookSecretOrigin = 'admin-chosen' | 'vendor-issued';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The strings at `value` (one, or a list's), with their paths; anything else is the schema's to report. */
function valuesAt(value: unknown, path: YamlPath): { path: YamlPath; value: string }[] {
  if (typeof value === 'string') return [{ path, value }];
  if (!Array.isArray(value)) return [];
  return value.flatMap((item, i) => (typeof item === 'string' ? [{ path: [...path, i], value: item }] : []));
}

/** The chosen secrets of `raw`: the server's tokens and the admin-chosen webhook secrets. */
function chosenSecrets(
  raw: Record<string, unknown>,
  origins: Readonly<Record<string, WebhookSecretOrigin>>,
): { path: YamlPath; value: string }[] {
  const found: { path: YamlPath; value: string }[] = [];
  const server = isRecord(raw.server) ? raw.server : {};
  for (const key of ['adminToken', 'metricsToken', 'sessionSecret'])
    found.push(...valuesAt(server[key], ['server', key]));
  const connections = isRecord(raw.connections) ? raw.connections : {};
  for (const [name, connection] of Object.entries(connections)) {
    if (!isRecord(connection) || typeof connection.kind !== 'string') continue;
    if (origins[connection.kind] !== 'admin-chosen' || !isRecord(connection.webhook)) continue;
    found.push(...valuesAt(connection.webhook.secret, ['connections', name, 'webhook', 'secret']));
  }
  return found;
}

/**
 * One problem per chosen secret that is too weak (secret-strength.ts), naming its path
 * and how to generate a strong one; never the value.
 */
export function checkChosenSecrets(
  raw: Record<string, unknown>,
  origins: Readonly<Record<string, WebhookSecretOrigin>> = {},
): SecretProblem[] {
  const problems: SecretProblem[] = [];
  for (const { path, value } of chosenSecrets(raw, origins)) {
    if (PUBLISHED_DEMO_SECRETS.has(value)) continue;
    const weakness = secretWeakness(value);
    if (weakness !== undefined) problems.push({ path, message: weakSecretMessage(weakness) });
  }
  return problems;
}
