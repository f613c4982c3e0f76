/**
 * HubSpot webhook delivery from the sandbox: one event per change (one per changed
 * property for propertyChange), every write included, API writes too, with their
 * `changeSource`; JSON arrays of up to 100 events, signed v3 (and v1/v2 when
 * configured), retried with backoff up to 10 attempts (CONNECTORS.md "Webhooks").
 */
import { createHash, createHmac } from 'node:crypto';
import type { SandboxClock } from '../../../src/connector/sandbox/clock.ts';
import { WebhookDispatcher } from '../../../src/connector/sandbox/webhook-dispatcher.ts';
import type { Logger } from '../../../src/observability/logger.ts';
import type { StoreChange } from './data-store.ts';

/** Signature versions HubSpot uses. */
export type SignatureVersion = 'v1' | 'v2' | 'v3';

/** One webhook event as HubSpot sends it. */
export interface HubSpotWebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  /** When the change happened, epoch ms. */
  occurredAt: number;
  /** e.g. `contact.propertyChange`. */
  subscriptionType: string;
  /** 0 on the first delivery, counting up on retries. */
  attemptNumber: number;
  objectId: number;
  propertyName?: string;
  propertyValue?: string;
  /** Where the change came from: INTEGRATION (API writes), CRM_UI, IMPORT, ... */
  changeSource: string;
  /** `NEW` on creation events. */
  changeFlag?: string;
  /** Who made the change, e.g. `userId:123` or the app id. */
  sourceId?: string;
  /** Merge events: the surviving record. */
  primaryObjectId?: number;
  /** Merge events: the records merged into it. */
  mergedObjectIds?: number[];
  /** Merge events: the id of the merged result. */
  newObjectId?: number;
}

/** Webhook options of a HubSpot sandbox. */
export interface HubSpotWebhookOptions {
  /** Receiver URL, exactly as signed (the public URL the receiver sees). */
  url: string;
  /** The app's client secret: the signing key. */
  secret: string;
  /** Signatures to send; default `['v3']`. v1 and v2 share one header, so give at most one of them. */
  signatureVersions?: SignatureVersion[];
  /** Events per delivery; default 100 (HubSpot's maximum). */
  batchSize?: number;
  /** Attempts per batch; default 10 (HubSpot's). */
  maxAttempts?: number;
  /** Backoff before the next attempt, ms of sandbox clock; default 1 s doubling, capped at 1 h. */
  backoffMs?: (attempt: number) => number;
  /** Real-time flush interval, ms; default 1000; 0 = only on explicit flush (tests). */
  flushIntervalMs?: number;
  /** Delivery timeout, ms; default 5000 (HubSpot's). */
  timeoutMs?: number;
}

/** Signing headers for one delivery (CONNECTORS.md "Webhook signatures"). */
export function signatureHeaders(
  versions: readonly SignatureVersion[],
  secret: string,
  method: string,
  uri: string,
  body: string,
  timestampMs: number,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const v of versions) {
    if (v === 'v3') {
      headers['X-HubSpot-Signature-v3'] = createHmac('sha256', secret)
        .update(`${method}${uri}${body}${timestampMs}`)
        .digest('base64');
      headers['X-HubSpot-Request-Timestamp'] = String(timestampMs);
    } else {
      const source = v === 'v1' ? `${secret}${body}` : `${secret}${method}${uri}${body}`;
      headers['X-HubSpot-Signature'] = createHash('sha256').update(source).digest('hex');
      headers['X-HubSpot-Signature-Version'] = v;
    }
  }
  return headers;
}

const KINDS = ['creation', 'propertyChange', 'deletion', 'restore', 'merge'] as const;
const SUBSCRIBED = ['contact', 'company', 'deal', 'product', 'line_item'];

/** Stable subscription ids per subscription type (as if the app subscribed to each). */
export function subscriptionId(subscriptionType: string): number {
  const [name, kind] = subscriptionType.split('.') as [string, (typeof KINDS)[number]];
  return 1000 + SUBSCRIBED.indexOf(name) * 10 + KINDS.indexOf(kind);
}

/** Turns store changes into webhook events. */
export class WebhookEventFactory {
  private nextEventId = 1;
  constructor(
    private readonly portalId: number,
    private readonly appId: number,
  ) {}

  /** Events for one change; none for object types without webhook subscriptions. */
  eventsFor(change: StoreChange): Omit<HubSpotWebhookEvent, 'attemptNumber'>[] {
    const name = change.type.webhookName;
    if (!name) return [];
    const base = (kind: string) => {
      const subscriptionType = `${name}.${kind}`;
      return {
        eventId: this.nextEventId++,
        subscriptionId: subscriptionId(subscriptionType),
        portalId: this.portalId,
        appId: this.appId,
        occurredAt: change.occurredAt,
        subscriptionType,
        objectId: Number(change.id),
        changeSource: change.source,
        sourceId: change.source === 'INTEGRATION' ? String(this.appId) : 'userId:1',
      };
    };
    switch (change.kind) {
      case 'creation':
        return [{ ...base('creation'), changeFlag: 'NEW' }, ...this.propertyEvents(change, base)];
      case 'propertyChange':
        return this.propertyEvents(change, base);
      case 'merge': {
        const merged = (change.mergedIds ?? []).map(Number);
        return [
          {
            ...base('merge'),
            primaryObjectId: Number(change.id),
            mergedObjectIds: merged,
            newObjectId: Number(change.id),
          },
        ];
      }
      default:
        return [base(change.kind)];
    }
  }

  private propertyEvents(
    change: StoreChange,
    base: (kind: string) => Omit<HubSpotWebhookEvent, 'attemptNumber'>,
  ): Omit<HubSpotWebhookEvent, 'attemptNumber'>[] {
    return change.changes.map(([propertyName, propertyValue]) => ({
      ...base('propertyChange'),
      propertyName,
      propertyValue,
    }));
  }
}

/** A dispatcher delivering HubSpot events as HubSpot does. */
export function createHubSpotDispatcher(
  options: HubSpotWebhookOptions,
  clock: SandboxClock,
  logger?: Logger,
): WebhookDispatcher<Omit<HubSpotWebhookEvent, 'attemptNumber'>> {
  const versions = options.signatureVersions ?? ['v3'];
  return new WebhookDispatcher<Omit<HubSpotWebhookEvent, 'attemptNumber'>>({
    url: options.url,
    clock,
    batchSize: options.batchSize ?? 100,
    maxAttempts: options.maxAttempts ?? 10,
    backoffMs: options.backoffMs ?? ((attempt) => Math.min(3_600_000, 1000 * 2 ** (attempt - 1))),
    flushIntervalMs: options.flushIntervalMs ?? 1000,
    timeoutMs: options.timeoutMs ?? 5000,
    serialize: (events, attempt) => JSON.stringify(events.map((e) => ({ ...e, attemptNumber: attempt }))),
    headers: (body, url, ts) => signatureHeaders(versions, options.secret, 'POST', url, body, ts),
    ...(logger ? { logger } : {}),
  });
}
