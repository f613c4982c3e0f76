/**
 * Webhooks the way Odoo sends them: an automation rule with a "Send Webhook
 * Notification" action posts one JSON object per record and trigger, with `_model`,
 * `_id`, `_action` (the server action's name and id, e.g. `frontback: on update(#82)`)
 * and the ticked fields read with `load=None` (relations as bare ids); no signature,
 * only a Content-Type header, a 1-second timeout and no retries. Every create, write and
 * unlink fires, API writes included; "on deletion" rules run before the delete.
 */
import type { SandboxClock } from '../../../src/connector/sandbox/clock.ts';
import { WebhookDispatcher, type WebhookDispatcherStats } from '../../../src/connector/sandbox/webhook-dispatcher.ts';
import type { Logger } from '../../../src/observability/logger.ts';
import { Env, type Change } from './orm/env.ts';
import type { OdooOrm } from './orm/orm.ts';
import { readRows } from './orm/read.ts';

/** Fields sent per model by default (`write_date` is always added). */
export const DEFAULT_WEBHOOK_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'res.partner': ['name', 'email', 'is_company', 'parent_id', 'active'],
  'product.template': ['name', 'list_price', 'active'],
  'product.product': ['default_code', 'product_tmpl_id', 'active'],
  'stock.quant': ['product_id', 'location_id', 'quantity'],
  'sale.order': ['name', 'state', 'partner_id', 'amount_total'],
  'account.move': ['name', 'state', 'payment_state', 'amount_residual', 'partner_id'],
};

/** Server action names and ids per trigger, rendered as `name(#id)` in `_action`. */
export const WEBHOOK_ACTIONS = {
  create: { name: 'frontback: on create', id: 81 },
  write: { name: 'frontback: on update', id: 82 },
  unlink: { name: 'frontback: on delete', id: 83 },
} as const;

/** Options of {@link OdooWebhooks}. */
export interface OdooWebhookOptions {
  /** Receiver URL; put the shared secret in it (Odoo cannot sign). */
  url: string;
  /** Sandbox clock. */
  clock: SandboxClock;
  /** Models watched and the fields sent; default {@link DEFAULT_WEBHOOK_FIELDS}. */
  fields?: Readonly<Record<string, readonly string[]>>;
  /** Background flush interval, real milliseconds; 0 = only on `flush()` (tests). Default 50. */
  flushIntervalMs?: number;
  /** Delivery timeout, ms. Default 1000 (Odoo's). */
  timeoutMs?: number;
  /** Where failed deliveries are logged. */
  logger?: Logger;
}

/** Builds the payload of one change. */
export function webhookPayload(orm: OdooOrm, change: Change, fields: readonly string[]): Record<string, unknown> {
  const env = new Env(orm.registry, orm.db, { uid: 1, now: '' });
  const model = orm.registry.get(change.model);
  const wanted = [...new Set([...fields, 'write_date'])].filter((f) => Object.hasOwn(model.allFields, f));
  const [values = {}] = readRows(env, model, [change.row], wanted, 'none');
  delete values['id'];
  const action = WEBHOOK_ACTIONS[change.action];
  return { _model: change.model, _id: change.id, _action: `${action.name}(#${action.id})`, ...values };
}

/** Sends a webhook for every committed change of a watched model. */
export class OdooWebhooks {
  private readonly dispatcher: WebhookDispatcher<Record<string, unknown>>;
  private readonly fields: Readonly<Record<string, readonly string[]>>;

  constructor(orm: OdooOrm, options: OdooWebhookOptions) {
    this.fields = options.fields ?? DEFAULT_WEBHOOK_FIELDS;
    this.dispatcher = new WebhookDispatcher<Record<string, unknown>>({
      url: options.url,
      clock: options.clock,
      batchSize: 1,
      maxAttempts: 1,
      backoffMs: () => 0,
      timeoutMs: options.timeoutMs ?? 1000,
      flushIntervalMs: options.flushIntervalMs ?? 50,
      serialize: (events) => JSON.stringify(events[0] ?? {}),
      // Odoo adds nothing but Content-Type (which the dispatcher sets).
      headers: () => ({}),
      logger: options.logger,
    });
    orm.onCommit((changes) => {
      for (const change of changes) {
        const fields = this.fields[change.model];
        if (fields) this.dispatcher.enqueue(webhookPayload(orm, change, fields));
      }
    });
  }

  /** Delivers everything queued now. */
  flush(): Promise<void> {
    return this.dispatcher.flush();
  }

  /** Delivery counters. */
  stats(): WebhookDispatcherStats {
    return this.dispatcher.stats();
  }

  /** Stops the background timer. */
  stop(): Promise<void> {
    return this.dispatcher.stop();
  }
}
