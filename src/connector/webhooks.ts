/**
 * Inbound webhooks: the request as the server received it, the verdict of a signature
 * check, and the change hints a delivery carries. A hint is only a hint: the engine
 * re-reads the record before acting, so a forged or stale body cannot write data.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** A webhook request, exactly as received (the raw body is what vendors sign). */
export interface InboundRequest {
  /** HTTP method, upper case (`POST`). */
  method: string;
  /**
   * The full public URL the sender called, including the query string. Behind a proxy it
   * is built from the configured public base URL, not the local socket (HubSpot v2/v3
   * sign it).
   */
  url: string;
  /** Request headers, names lower-cased (Node's `IncomingMessage.headers`). */
  headers: Record<string, string | string[] | undefined>;
  /** The body bytes as received; signatures are computed over these, never re-serialised JSON. */
  rawBody: Buffer;
  /** Parsed query string. */
  query: Record<string, string | string[] | undefined>;
}

/** The result of checking a webhook's signature or secret. */
export type WebhookVerdict =
  | {
      /** Verified: the delivery may be accepted. */
      ok: true;
    }
  | {
      /** Refused: answer `status` and queue nothing. */
      ok: false;
      /** 401 for a bad or missing signature / secret / stale timestamp, 400 for a malformed request. */
      status: 401 | 400;
      /** Why, for the log and the response (never the expected signature). */
      reason: string;
    };

/** What kind of change a hint reports. */
export type ChangeKind = 'upsert' | 'delete' | 'merge' | 'restore';

/** One record a webhook says changed. The engine re-reads it; the hint is not the data. */
export interface ChangeHint {
  /** Object name, as in {@link ObjectDescription.name}. */
  object: string;
  /** Record id. For a merge, the surviving (primary) record. */
  id: string;
  /** What happened. */
  kind: ChangeKind;
  /** When it happened at the source, ISO-8601 UTC, if the delivery says. */
  occurredAt?: string;
  /**
   * Unique per delivered change, derived by the connector (vendor event ids are not
   * always unique: HubSpot `subscriptionId:eventId:objectId:occurredAt`; Odoo
   * `model:id:write_date`). The inbox is unique on (connection, deliveryKey), so a
   * repeated delivery is accepted once.
   */
  deliveryKey: string;
  /** For a merge: the ids that were merged into `id` and no longer exist. */
  mergedIds?: string[];
  /** Property values the delivery carried (HubSpot propertyChange); informative only. */
  properties?: Record<string, unknown>;
}

/** Reply for a subscription handshake (Business Central echoes `validationToken`). */
export interface WebhookHandshake {
  /** HTTP status to answer. */
  status: number;
  /** Body to answer, as text. */
  body: string;
  /** Content type of the body; default `text/plain`. */
  contentType?: string;
}

/**
 * How a vendor is told that a delivery is over its connection's intake rate limit
 * (`connections.<name>.webhook.rateLimit`). The vendor's retry rules decide it:
 * - HubSpot retries a delivery answered 429 or 5xx (up to 10 times over a day): 429 with
 *   `Retry-After`, and nothing is lost.
 * - Business Central (planned) retries only 408, 429 and 5xx, and **deletes the
 *   subscription on any other error status**: it must be answered 429 (or 503), never
 *   400, 403 or 413, or its webhooks stop until the subscription is made again.
 * - Odoo sends each notice once and never retries: a refused notice is gone, and the
 *   change it announced is picked up by the next poll of the mappings reading that
 *   connection (polling is Odoo's safety net anyway).
 */
export interface WebhookLimitReply {
  /** The status answered: 429 (or 503) for every vendor known; see above for why never another 4xx. */
  readonly status: 429 | 503;
  /**
   * Whether the vendor sends a refused delivery again. True: the answer carries
   * `Retry-After` (seconds until there is room). False: the notice is lost, and the
   * server logs that polling picks the change up.
   */
  readonly retried: boolean;
}

/** What a connector does with its webhooks. */
export interface WebhookHandler {
  /** How a delivery over the connection's intake rate limit is refused; see {@link WebhookLimitReply}. */
  readonly overLimit: WebhookLimitReply;
  /**
   * Checks the signature / secret. `now` is epoch milliseconds, passed in so that
   * timestamp windows (HubSpot v3: 5 minutes) are testable. Must not throw on hostile
   * input: a signature of the wrong length is a 401, not a 500.
   */
  verify(req: InboundRequest, now: number): WebhookVerdict;
  /**
   * Turns a verified delivery into hints. Throws a FrontbackError with code
   * `VALIDATION_FAILED` when the body is not the vendor's shape (answered 400).
   */
  parse(req: InboundRequest): ChangeHint[];
  /** Answers a subscription handshake, or returns undefined when `req` is a normal delivery. */
  handshake?(req: InboundRequest): WebhookHandshake | undefined;
}

/** The first value of a header (names are matched case-insensitively). */
export function headerValue(headers: InboundRequest['headers'], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/**
 * Compares a received secret or signature with the expected one in constant time.
 * Both sides are hashed first, so inputs of different lengths never reach
 * `timingSafeEqual` (which throws on unequal lengths) and the length is not leaked.
 */
export function secretsEqual(received: string | undefined, expected: string): boolean {
  if (received === undefined) return false;
  const a = createHash('sha256').update(received, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * Whether `received` equals any of `expected` (a secret's current value and, during a
 * rollover, its previous one), each compared in constant time. Every value is compared,
 * whichever matches, so the time taken does not say which one did.
 */
export function matchesAnySecret(received: string | undefined, expected: readonly string[]): boolean {
  let matched = false;
  for (const value of expected) matched = secretsEqual(received, value) || matched;
  return matched;
}

/**
 * The accepted values of a connection's webhook secret, the current one first: `secrets`
 * when the loader set it (one, or two during a rollover), else `secret` alone; empty when
 * none is configured (the connector then refuses every delivery).
 */
export function webhookSecrets(
  webhook: { readonly secret?: string; readonly secrets?: readonly string[] } | undefined,
): readonly string[] {
  if (webhook?.secrets !== undefined) return webhook.secrets.filter((s) => s !== '');
  return webhook?.secret === undefined || webhook.secret === '' ? [] : [webhook.secret];
}
