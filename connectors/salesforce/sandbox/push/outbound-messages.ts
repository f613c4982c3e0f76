/**
 * Outbound Messages from the Salesforce sandbox, as a workflow rule or Flow "Outbound
 * Message" action sends them (SOAP API Developer Guide, "Outbound Messaging",
 * "Understanding Notifications", "Understanding the Outbound Messaging WSDL"): a SOAP 1.1
 * `notifications` call posted as `text/xml` with `SOAPAction: ""`, up to 100
 * `Notification {Id, sObject}` per message, one outbound message (ActionId) per object.
 *
 * Fires on create and update (a merge updates its survivor), never on delete or undelete.
 * The receiver must answer `<notificationsResponse><Ack>true</Ack></notificationsResponse>`;
 * anything else is retried with a backoff growing from 30 s to at most 2 h for 24 h, and
 * due messages go out in a seeded random order, so a retried old message can arrive after
 * a newer one. As in Salesforce, a message carries the record's latest data when it is
 * sent, not the data of the change that queued it.
 */
import type { SandboxClock } from '../../../../src/connector/sandbox/clock.ts';
import { seededRandom } from '../../../../src/connector/sandbox/seed/world.ts';
import {
  WebhookDispatcher,
  type WebhookDispatcherStats,
} from '../../../../src/connector/sandbox/webhook-dispatcher.ts';
import type { Logger } from '../../../../src/observability/logger.ts';
import { IdFactory } from '../ids.ts';
import type { SObjectChange, SObjectRow } from '../records.ts';
import { standardSObjects, type SObjectType } from '../schema.ts';
import { child, escapeXml, parseXml, soapEnvelope, text } from './xml.ts';

/** The outbound messaging namespace (`notifications`, `notificationsResponse`). */
export const OUTBOUND_NS = 'http://soap.sforce.com/2005/09/outbound';
/** The enterprise sObject namespace the `sf:` fields live in. */
export const ENTERPRISE_SOBJECT_NS = 'urn:sobject.enterprise.soap.sforce.com';

/** Options of {@link createOutboundMessages}. */
export interface OutboundMessageOptions {
  /** The endpoint URL of the outbound messages. */
  url: string;
  /** The org's 18-character id (`00D...`). */
  orgId: string;
  /** The instance URL the `EnterpriseUrl`/`PartnerUrl` point at (the sandbox's base URL). */
  baseUrl: () => string;
  /** Sandbox clock: retry due times. */
  clock: SandboxClock;
  /** Objects with an outbound message; default Account and Contact. */
  objects?: string[];
  /** Fields sent per object; default: every non-calculated field that has a value. `Id` is always sent. */
  fields?: Record<string, string[]>;
  /** The object catalogue (custom fields included); default the standard objects. */
  describe?: (typeName: string) => SObjectType | undefined;
  /** "Send Session ID": the session to put in `SessionId`; absent = `xsi:nil`. */
  sessionId?: () => string;
  /** API version of the callback URLs; default `60.0`. */
  apiVersion?: string;
  /** Seed of the delivery order; default 1. */
  seed?: number;
  /** Real-time flush interval, ms; default 1000; 0 = only on `flush()` (tests). */
  flushIntervalMs?: number;
  /** Delivery timeout, ms; default 10000. */
  timeoutMs?: number;
  /** Backoff before attempt n + 1, ms of sandbox clock; default {@link outboundBackoffMs}. */
  backoffMs?: (attempt: number) => number;
  /** How long a message is retried, ms of sandbox clock; default 24 h. */
  retryWindowMs?: number;
  /** Where failed deliveries are logged. */
  logger?: Logger;
}

/** One queued notification. */
interface Queued {
  /** The notification id (`04l...`), the same on every retry. */
  notificationId: string;
  type: string;
  id: string;
  row: SObjectRow;
}

/** The outbound messages of a sandbox. */
export interface OutboundMessages {
  /** Feed for `store.onChange`. */
  listener: (change: SObjectChange) => void;
  /** Delivers everything due now. */
  flush(): Promise<void>;
  /** Delivery counters summed over the objects (in notifications). */
  stats(): WebhookDispatcherStats;
  /** Stops the timers and drops what is pending. */
  stop(): Promise<void>;
  /** The ActionId of each object's outbound message. */
  actionIds: Readonly<Record<string, string>>;
}

/** Salesforce's retry spacing: 30 s doubling, at most 2 h between attempts. */
export function outboundBackoffMs(attempt: number): number {
  return Math.min(2 * 3_600_000, 30_000 * 2 ** Math.max(0, attempt - 1));
}

/** Attempts (the first included) whose backoffs fit in `windowMs`. */
export function attemptsWithin(windowMs: number, backoffMs: (attempt: number) => number): number {
  let elapsed = 0;
  let attempts = 1;
  while (attempts < 10_000) {
    const next = backoffMs(attempts);
    if (next <= 0 || elapsed + next > windowMs) break;
    elapsed += next;
    attempts += 1;
  }
  return attempts;
}

/** A Fisher-Yates shuffle driven by a seeded random source (the dispatcher's `order` hook). */
export function seededShuffle(seed: number): <T>(items: T[]) => T[] {
  const random = seededRandom(seed);
  return <T>(items: T[]): T[] => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  };
}

/** Whether a receiver's answer acknowledges the message: a 2xx whose SOAP body says `<Ack>true</Ack>`. */
export function isOutboundAck(status: number, body: string): boolean {
  if (status < 200 || status > 299) return false;
  const doc = parseXml(body);
  const response = child(child(child(doc, 'Envelope'), 'Body'), 'notificationsResponse');
  return text(child(response, 'Ack'))?.trim() === 'true';
}

/** A field value as the enterprise WSDL writes it. */
function xmlValue(value: string | number | boolean): string {
  return escapeXml(typeof value === 'string' ? value : String(value));
}

/** The names of the fields a notification carries for `row`: `Id` first, then alphabetical as in the WSDL. */
export function notificationFields(row: SObjectRow, configured: string[] | undefined, type?: SObjectType): string[] {
  const calculated = new Set(type?.fields.filter((f) => f.calculated).map((f) => f.name) ?? []);
  const wanted = configured ?? Object.keys(row).filter((name) => !calculated.has(name));
  const names = wanted.filter((name) => name !== 'Id' && row[name] !== null && row[name] !== undefined);
  return ['Id', ...[...new Set(names)].sort()];
}

/** The `notifications` SOAP message for one outbound message's notifications. */
export function renderNotifications(
  header: { orgId: string; actionId: string; sessionId?: string; enterpriseUrl: string; partnerUrl: string },
  notifications: { notificationId: string; type: string; row: SObjectRow; fields: string[] }[],
): string {
  const session =
    header.sessionId === undefined
      ? '<SessionId xsi:nil="true"/>'
      : `<SessionId>${escapeXml(header.sessionId)}</SessionId>`;
  const items = notifications.map((n) => {
    const values = n.fields
      .map((name) => {
        const value = n.row[name];
        return value === null || value === undefined ? '' : `<sf:${name}>${xmlValue(value)}</sf:${name}>`;
      })
      .join('');
    return (
      `<Notification><Id>${n.notificationId}</Id>` +
      `<sObject xsi:type="sf:${n.type}" xmlns:sf="${ENTERPRISE_SOBJECT_NS}">${values}</sObject></Notification>`
    );
  });
  return soapEnvelope(
    `<notifications xmlns="${OUTBOUND_NS}">` +
      `<OrganizationId>${header.orgId}</OrganizationId><ActionId>${header.actionId}</ActionId>${session}` +
      `<EnterpriseUrl>${escapeXml(header.enterpriseUrl)}</EnterpriseUrl>` +
      `<PartnerUrl>${escapeXml(header.partnerUrl)}</PartnerUrl>${items.join('')}</notifications>`,
  );
}

const FIRES: ReadonlySet<SObjectChange['kind']> = new Set(['created', 'updated', 'merged']);

/** Outbound Messages for the configured objects, fed by the store's change listener. */
export function createOutboundMessages(options: OutboundMessageOptions): OutboundMessages {
  const objects = options.objects ?? ['Account', 'Contact'];
  const catalogue = new Map(standardSObjects().map((t) => [t.name, t]));
  const describe = options.describe ?? ((name: string) => catalogue.get(name));
  const pod = options.orgId.slice(3, 5) || '5g';
  const ids = new IdFactory(pod);
  const version = options.apiVersion ?? '60.0';
  const org15 = options.orgId.slice(0, 15);
  const backoffMs = options.backoffMs ?? outboundBackoffMs;
  const maxAttempts = attemptsWithin(options.retryWindowMs ?? 24 * 3_600_000, backoffMs);
  const order = seededShuffle(options.seed ?? 1);
  // The data a message carries is the record's latest, read when it is sent.
  const latest = new Map<string, SObjectRow>();

  const actionIds: Record<string, string> = {};
  const dispatchers = new Map<string, WebhookDispatcher<Queued>>();
  objects.forEach((type, index) => {
    const actionId = IdFactory.format('04k', pod, index + 1);
    actionIds[type] = actionId;
    const serialize = (events: Queued[]): string => {
      const base = options.baseUrl().replace(/\/+$/, '');
      const sessionId = options.sessionId?.();
      return renderNotifications(
        {
          orgId: options.orgId,
          actionId,
          ...(sessionId === undefined ? {} : { sessionId }),
          enterpriseUrl: `${base}/services/Soap/c/${version}/${org15}`,
          partnerUrl: `${base}/services/Soap/u/${version}/${org15}`,
        },
        events.map((e) => {
          const row = latest.get(e.id) ?? e.row;
          return { ...e, row, fields: notificationFields(row, options.fields?.[type], describe(type)) };
        }),
      );
    };
    dispatchers.set(
      type,
      new WebhookDispatcher<Queued>({
        url: options.url,
        clock: options.clock,
        batchSize: 100,
        maxAttempts,
        backoffMs,
        timeoutMs: options.timeoutMs ?? 10_000,
        flushIntervalMs: options.flushIntervalMs ?? 1000,
        contentType: 'text/xml; charset=utf-8',
        serialize,
        headers: () => ({ SOAPAction: '""' }),
        accepted: isOutboundAck,
        order,
        ...(options.logger ? { logger: options.logger } : {}),
      }),
    );
  });

  return {
    actionIds,
    listener(change) {
      const dispatcher = dispatchers.get(change.type);
      if (!dispatcher || change.origin === 'seed') return;
      if (change.kind === 'deleted') {
        latest.delete(change.id);
        return;
      }
      latest.set(change.id, change.row);
      if (!FIRES.has(change.kind)) return;
      dispatcher.enqueue({ notificationId: ids.next('04l'), type: change.type, id: change.id, row: change.row });
    },
    async flush() {
      for (const d of dispatchers.values()) await d.flush();
    },
    stats() {
      const sum: WebhookDispatcherStats = { delivered: 0, failed: 0, pending: 0, attempts: 0 };
      for (const d of dispatchers.values()) {
        const s = d.stats();
        sum.delivered += s.delivered;
        sum.failed += s.failed;
        sum.pending += s.pending;
        sum.attempts += s.attempts;
      }
      return sum;
    },
    async stop() {
      for (const d of dispatchers.values()) await d.stop();
      latest.clear();
    },
  };
}
