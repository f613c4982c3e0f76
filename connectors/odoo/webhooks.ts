/**
 * Odoo webhooks. Odoo cannot sign: an automation rule ("Send Webhook Notification")
 * posts `{"_model", "_id", "_action", ...ticked fields}` with only a Content-Type header.
 * The secret is therefore a token in the URL (`.../<token>` or `?token=<token>`),
 * compared in constant time; during a rollover either of two configured tokens is accepted. A delivery is a hint: the engine re-reads the record.
 *
 * A delivery holds one item or an array of at most {@link MAX_ITEMS} (more: 400).
 *
 * Delivery key (the inbox dedupes on it):
 * - with `write_date`: `model:id:write_date:kind:digest`. write_date has one-second
 *   precision, so two real changes in one second share it; the digest of the body's
 *   field values (without `_action`) tells them apart while an identical re-delivery
 *   keeps the same key.
 * - without `write_date`: `model:id:kind:digest:b<bucket>`, the bucket being the receive
 *   time divided by `bucketSeconds`. A repeat inside the bucket is accepted once; a later
 *   change with different values has another digest; the same values again in a later
 *   bucket are a new key. A repeat straddling a bucket edge is accepted twice, which only
 *   costs one more re-read.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ErrorCode, FrontbackError } from '../../src/errors.ts';
import {
  matchesAnySecret,
  parseJsonBody,
  toTimestamp,
  webhookSecrets,
  type ChangeHint,
  type ChangeKind,
  type InboundRequest,
  type WebhookHandler,
} from '../../src/connector/index.ts';

/** Most items accepted in one delivery, as for HubSpot's (an automation rule sends one record per notice). */
export const MAX_ITEMS = 1000;

/** Settings of {@link odooWebhooks}. */
export interface OdooWebhookSettings {
  /**
   * The token expected in the URL, or every accepted one during a rollover (the current one
   * first); without one every delivery is refused.
   */
  secret: string | readonly string[] | undefined;
  /** Models this connection knows; deliveries for others are refused (400). */
  models: ReadonlySet<string>;
  /** Dedupe bucket for deliveries without write_date, seconds. */
  bucketSeconds: number;
  /** Clock, epoch ms. */
  clock: () => number;
}

const deliverySchema = z.looseObject({
  _model: z.string().min(1),
  _id: z.number().int().positive(),
  _action: z.string().optional(),
  write_date: z.union([z.string(), z.literal(false)]).optional(),
});

function tokenOf(req: InboundRequest): string | undefined {
  const query = req.query['token'];
  if (typeof query === 'string') return query;
  if (Array.isArray(query)) return query[0];
  let path: string;
  try {
    path = new URL(req.url, 'http://localhost').pathname;
  } catch {
    return undefined;
  }
  const last = path
    .split('/')
    .filter((s) => s !== '')
    .pop();
  return last === undefined ? undefined : decodeURIComponent(last);
}

function digest(body: Record<string, unknown>): string {
  const { _action: _ignored, ...fields } = body;
  const canonical = JSON.stringify(
    Object.keys(fields)
      .sort()
      .map((k) => [k, fields[k]]),
  );
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

function kindOf(action: string | undefined): ChangeKind {
  return action !== undefined && /\b(delete|deletion|unlink)\b/i.test(action) ? 'delete' : 'upsert';
}

function invalid(message: string): FrontbackError {
  return new FrontbackError(ErrorCode.Validation, `Odoo webhook: ${message}`);
}

/** The webhook handler of one Odoo connection. */
export function odooWebhooks(settings: OdooWebhookSettings): WebhookHandler {
  return {
    // Odoo sends each notice once (1-second timeout, no retry): a refused one is picked up by the next poll.
    overLimit: { status: 429, retried: false },
    verify(req) {
      const secrets = webhookSecrets(
        typeof settings.secret === 'string' ? { secret: settings.secret } : { secrets: settings.secret ?? [] },
      );
      if (secrets.length === 0)
        return { ok: false, status: 401, reason: 'no webhook secret is configured for this connection' };
      if (!matchesAnySecret(tokenOf(req), secrets))
        return { ok: false, status: 401, reason: 'missing or wrong token in the webhook URL' };
      return { ok: true };
    },
    parse(req) {
      const body = parseJsonBody(req.rawBody);
      if (!body.ok) throw invalid(`body is not JSON: ${body.error}`);
      const items = Array.isArray(body.value) ? body.value : [body.value];
      if (items.length > MAX_ITEMS)
        throw invalid(`the delivery has ${items.length} items; at most ${MAX_ITEMS} are accepted in one delivery`);
      return items.map((item): ChangeHint => {
        const parsed = deliverySchema.safeParse(item);
        if (!parsed.success)
          throw invalid(
            `expected {_model, _id, _action, write_date?}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
          );
        const d = parsed.data;
        if (!settings.models.has(d._model)) throw invalid(`model "${d._model}" is not synced by this connection`);
        const kind = kindOf(d._action);
        const hash = digest(d);
        const hint: ChangeHint = { object: d._model, id: String(d._id), kind, deliveryKey: '' };
        if (typeof d.write_date === 'string' && d.write_date !== '') {
          let at: string;
          try {
            at = toTimestamp(d.write_date);
          } catch {
            throw invalid(`write_date ${JSON.stringify(d.write_date)} is not a date`);
          }
          hint.occurredAt = at;
          hint.deliveryKey = `${d._model}:${d._id}:${d.write_date}:${kind}:${hash}`;
        } else {
          const bucket = Math.floor(settings.clock() / (settings.bucketSeconds * 1000));
          hint.deliveryKey = `${d._model}:${d._id}:${kind}:${hash}:b${bucket}`;
        }
        return hint;
      });
    },
  };
}
