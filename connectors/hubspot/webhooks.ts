/**
 * HubSpot webhooks: signature checks (v1, v2, v3) and parsing of the JSON array of
 * events into change hints with a composite delivery key (`eventId` alone is not unique).
 *
 * v1: hex(sha256(secret + body)); v2: hex(sha256(secret + method + uri + body));
 * v3: base64(hmac_sha256(secret, method + uri + body + timestamp)), timestamp in ms from
 * `X-HubSpot-Request-Timestamp`, refused when more than 5 minutes away from `now`. The
 * uri is the public URL HubSpot called: the configured public base URL plus the
 * request's path and query, never the local socket's address.
 */
import { ErrorCode, FrontbackError } from '../../src/errors.ts';
import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
import {
  headerValue,
  parseJsonBody,
  secretsEqual,
  toTimestamp,
  webhookSecrets,
  type ChangeHint,
  type ChangeKind,
  type InboundRequest,
  type WebhookHandler,
  type WebhookVerdict,
} from '../../src/connector/index.ts';
import type { ObjectCatalog } from './objects.ts';

/** v3 signatures older (or newer) than this are refused, ms (HubSpot: 5 minutes). */
export const SIGNATURE_MAX_AGE_MS = 5 * 60_000;
/** Largest delivery body accepted by `parse`, bytes (HubSpot sends at most 100 events). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Most events accepted in one delivery. */
export const MAX_EVENTS = 1000;

/** Signature versions HubSpot sends. */
export type SignatureVersion = 'v1' | 'v2' | 'v3';

/** Options of {@link hubspotWebhooks}. */
export interface HubSpotWebhookOptions {
  /**
   * The app's client secret (signing key), or, while HubSpot's rotation is rolled out,
   * the new and the previous one (the current first): a delivery signed with either is
   * accepted. Without one every delivery is refused.
   */
  secret: string | readonly string[] | undefined;
  /** Public base URL HubSpot calls (`https://sync.example.com`); default: the request's own URL. */
  publicBaseUrl?: string;
  /** Require this version; default: v3 when its header is present, else the `X-HubSpot-Signature-Version` one. */
  signatureVersion?: SignatureVersion;
  /** Resolves subscription object names (`contact`) to object names (`contacts`). */
  objects: ObjectCatalog;
}

// HubSpot's v3 instructions: these URL-encoded characters are decoded in the uri before signing.
const V3_DECODE: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

function refuse(status: 400 | 401, reason: string): WebhookVerdict {
  return { ok: false, status, reason };
}

/** The URI HubSpot signed: the public base URL plus the request's path and query. */
export function signedUri(req: InboundRequest, publicBaseUrl: string | undefined): string {
  if (publicBaseUrl === undefined) return req.url;
  let pathAndQuery: string;
  try {
    const url = new URL(req.url, 'http://local.invalid');
    pathAndQuery = `${url.pathname}${url.search}`;
  } catch {
    pathAndQuery = req.url;
  }
  return `${publicBaseUrl.replace(/\/+$/, '')}${pathAndQuery}`;
}

/**
 * Checks one delivery's signature against every configured client secret (two during a
 * rollover): accepted when one matches, else the refusal for the current secret. Never
 * throws: hostile input is a 401/400 verdict.
 */
export function verifyHubSpotSignature(
  req: InboundRequest,
  now: number,
  options: Omit<HubSpotWebhookOptions, 'objects'>,
): WebhookVerdict {
  const secrets = webhookSecrets(
    typeof options.secret === 'string' ? { secret: options.secret } : { secrets: options.secret ?? [] },
  );
  const [current] = secrets;
  if (current === undefined) return refuse(401, 'no webhook secret is configured for this connection');
  // Every secret is checked, whichever matches, so the time taken does not tell which one did.
  const verdicts = secrets.map((secret) => verifyWithSecret(req, now, options, secret));
  return verdicts.find((v) => v.ok) ?? (verdicts[0] as WebhookVerdict);
}

/** Checks one delivery's signature with one client secret. */
function verifyWithSecret(
  req: InboundRequest,
  now: number,
  options: Omit<HubSpotWebhookOptions, 'objects'>,
  secret: string,
): WebhookVerdict {
  const body = req.rawBody.toString('utf8');
  const uri = signedUri(req, options.publicBaseUrl);
  const v3 = headerValue(req.headers, 'x-hubspot-signature-v3');
  const legacy = headerValue(req.headers, 'x-hubspot-signature');
  const legacyVersion = headerValue(req.headers, 'x-hubspot-signature-version');
  const version: string | undefined = options.signatureVersion ?? (v3 !== undefined ? 'v3' : legacyVersion);
  if (version === 'v3') {
    if (v3 === undefined) return refuse(401, 'missing X-HubSpot-Signature-v3');
    const stamp = headerValue(req.headers, 'x-hubspot-request-timestamp');
    if (stamp === undefined || !/^\d{1,16}$/.test(stamp))
      return refuse(401, 'missing or malformed X-HubSpot-Request-Timestamp');
    if (Math.abs(now - Number(stamp)) > SIGNATURE_MAX_AGE_MS)
      return refuse(401, 'X-HubSpot-Request-Timestamp is more than 5 minutes away from now');
    const decodedUri = uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => V3_DECODE[m.toUpperCase()] ?? m);
    const expected = createHmac('sha256', secret)
      .update(`${req.method.toUpperCase()}${decodedUri}${body}${stamp}`, 'utf8')
      .digest('base64');
    return secretsEqual(v3, expected) ? { ok: true } : refuse(401, 'invalid X-HubSpot-Signature-v3');
  }
  if (version === 'v1' || version === 'v2') {
    if (legacy === undefined) return refuse(401, 'missing X-HubSpot-Signature');
    if (legacyVersion !== undefined && legacyVersion !== version)
      return refuse(401, `signature version ${legacyVersion} where ${version} is required`);
    const source = version === 'v1' ? `${secret}${body}` : `${secret}${req.method.toUpperCase()}${uri}${body}`;
    const expected = createHash('sha256').update(source, 'utf8').digest('hex');
    return secretsEqual(legacy.toLowerCase(), expected)
      ? { ok: true }
      : refuse(401, `invalid X-HubSpot-Signature (${version})`);
  }
  return refuse(
    401,
    version === undefined ? 'missing HubSpot signature headers' : `unsupported signature version ${version}`,
  );
}

const id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);
const eventSchema = z.looseObject({
  eventId: id,
  subscriptionId: id,
  portalId: id.optional(),
  appId: id.optional(),
  occurredAt: z.number().int().nonnegative(),
  subscriptionType: z.string().regex(/^[a-z_0-9]+\.[A-Za-z]+$/),
  attemptNumber: z.number().int().nonnegative().optional(),
  objectId: id,
  objectTypeId: z.string().optional(),
  propertyName: z.string().optional(),
  propertyValue: z.string().nullable().optional(),
  changeSource: z.string().optional(),
  changeFlag: z.string().optional(),
  primaryObjectId: id.optional(),
  mergedObjectIds: z.array(id).optional(),
});
/** One event as HubSpot delivers it (ids normalised to strings). */
export type HubSpotEvent = z.infer<typeof eventSchema>;

const KINDS: Record<string, ChangeKind> = {
  creation: 'upsert',
  propertyChange: 'upsert',
  deletion: 'delete',
  privacyDeletion: 'delete',
  merge: 'merge',
  restore: 'restore',
};

function invalid(message: string, details: Record<string, unknown> = {}): FrontbackError {
  return new FrontbackError(ErrorCode.Validation, message, { details });
}

/** The delivery key: subscriptionId:eventId:objectId:occurredAt (+ :propertyName for a property change). */
export function deliveryKey(event: HubSpotEvent): string {
  const base = `${event.subscriptionId}:${event.eventId}:${event.objectId}:${event.occurredAt}`;
  return event.propertyName === undefined ? base : `${base}:${event.propertyName}`;
}

/**
 * Parses a verified delivery into hints. Events of types the connector does not follow
 * (association changes, unknown objects) are left out.
 * @throws FrontbackError `VALIDATION_FAILED` when the body is not a JSON array of HubSpot events.
 */
export function parseHubSpotEvents(rawBody: Buffer, objects: ObjectCatalog): ChangeHint[] {
  if (rawBody.length > MAX_BODY_BYTES)
    throw invalid(`webhook body of ${rawBody.length} bytes is over the ${MAX_BODY_BYTES}-byte limit`);
  const parsed = parseJsonBody(rawBody);
  if (!parsed.ok) throw invalid(`webhook body is not valid JSON: ${parsed.error}`);
  if (!Array.isArray(parsed.value)) throw invalid('webhook body must be a JSON array of events');
  if (parsed.value.length > MAX_EVENTS)
    throw invalid(`webhook body has ${parsed.value.length} events; at most ${MAX_EVENTS} are accepted`);
  const hints: ChangeHint[] = [];
  parsed.value.forEach((raw: unknown, index) => {
    const result = eventSchema.safeParse(raw);
    if (!result.success) {
      const where = result.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.map(String).join('.') || '(event)'}: ${i.message}`)
        .join('; ');
      throw invalid(`webhook event ${index} is not a HubSpot event: ${where}`, { index });
    }
    const hint = toHint(result.data, objects);
    if (hint !== undefined) hints.push(hint);
  });
  return hints;
}

function toHint(event: HubSpotEvent, objects: ObjectCatalog): ChangeHint | undefined {
  const [singular = '', action = ''] = event.subscriptionType.split('.');
  const kind = KINDS[action];
  const object = objects.forWebhook(singular, event.objectTypeId);
  if (kind === undefined || object === undefined) return undefined;
  const hint: ChangeHint = {
    object: object.name,
    id: kind === 'merge' && event.primaryObjectId !== undefined ? event.primaryObjectId : event.objectId,
    kind,
    occurredAt: toTimestamp(event.occurredAt),
    deliveryKey: deliveryKey(event),
  };
  if (kind === 'merge') hint.mergedIds = (event.mergedObjectIds ?? []).filter((m) => m !== hint.id);
  if (action === 'propertyChange' && event.propertyName !== undefined)
    hint.properties = { [event.propertyName]: event.propertyValue ?? null };
  return hint;
}

/** The connector's webhook handler. */
export function hubspotWebhooks(options: HubSpotWebhookOptions): WebhookHandler {
  return {
    // HubSpot retries 429 and 5xx answers (up to 10 times, over 24 hours).
    overLimit: { status: 429, retried: true },
    verify: (req, now) => {
      try {
        return verifyHubSpotSignature(req, now, options);
      } catch {
        // Belt and braces: verify must answer, never throw, whatever the request holds.
        return refuse(400, 'malformed webhook request');
      }
    },
    parse: (req) => parseHubSpotEvents(req.rawBody, options.objects),
  };
}
