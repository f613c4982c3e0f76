/**
 * `POST /webhooks/:connection`: webhook intake (ARCHITECTURE invariant 1, RELIABILITY
 * test 13). In order: a body that is not JSON is refused with 415 and one over the limit
 * with 413 before anything reads it; the connector checks the signature or secret over
 * the raw bytes (401, never a 500 on hostile input); a delivery over the connection's
 * intake rate limit is refused the way its vendor needs (intake-rate-limit.ts; HubSpot 429
 * with Retry-After); a body with `__proto__` or `constructor.prototype` keys, or nested
 * deeper than {@link MAX_WEBHOOK_DEPTH}, is refused (400) before any connector parses it;
 * the connector turns the delivery into change hints (400 when it is not the vendor's
 * shape); then every hint is written to the
 * SQL inbox in one transaction, unique on (connection, delivery key), and only then is the
 * 200 sent. A repeated delivery gets 200 again and adds nothing. Nothing reaches the
 * inbox from a refused request.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import sjson from 'secure-json-parse';
import type { Connector, InboundRequest } from '../connector/index.ts';
import { ErrorCode } from '../errors.ts';
import { Counter, type Registry } from '../observability/metrics.ts';
import type { JsonValue } from '../store/json.ts';
import type { Store } from '../store/store.ts';
import { envelope } from './error-envelope.ts';
import { IntakeRateLimiter } from './intake-rate-limit.ts';
import { MAX_WEBHOOK_DEPTH, nestsDeeperThan } from './json-depth.ts';

/** What the webhook routes need. */
export interface WebhookRouteOptions {
  /** Live connectors by connection name. */
  connectors: ReadonlyMap<string, Connector>;
  /** Where accepted deliveries go. */
  store: Store;
  /** Largest body accepted, bytes (413 above). */
  bodyLimitBytes: number;
  /** Public base URL of the server (behind a proxy); default the request's own origin. */
  publicBaseUrl?: string;
  /** Clock for signature time windows, epoch ms. */
  clock: () => number;
  /** Registry for the delivery counter. */
  metrics: Registry;
  /**
   * Deliveries per second each connection may send (`connections.<name>.webhook.rateLimit`),
   * by connection name; a connection not listed is not limited.
   */
  rateLimits?: ReadonlyMap<string, number>;
}

/** The answer to an accepted delivery. */
export interface WebhookAccepted {
  /** Hints written to the inbox. */
  accepted: number;
  /** Hints whose delivery key was already there. */
  duplicates: number;
}

function inbound(request: FastifyRequest, base: string): InboundRequest {
  return {
    method: request.method,
    url: `${base}${request.url}`,
    headers: request.headers,
    rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
    query: request.query as InboundRequest['query'],
  };
}

/** Registers the webhook route in its own scope (its own body parser and limit). */
export async function webhookRoutes(app: FastifyInstance, options: WebhookRouteOptions): Promise<void> {
  const deliveries = new Counter({
    name: 'frontback_webhook_deliveries_total',
    help: 'Webhook deliveries by connection and outcome (accepted, duplicate, refused, limited, invalid).',
    labelNames: ['connection', 'outcome'],
    registers: [options.metrics],
  });
  const limiter = new IntakeRateLimiter(options.rateLimits ?? new Map(), options.clock);
  // Refusals in a row per connection: the first is logged, the count when deliveries pass again.
  const limitedInARow = new Map<string, number>();
  await app.register(async (scope) => {
    // Only JSON, kept as the raw bytes: signatures are computed over them, never over re-serialised JSON.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      ['application/json', 'application/x-json'],
      { parseAs: 'buffer', bodyLimit: options.bodyLimitBytes },
      (_req, body, done) => done(null, body),
    );

    scope.post<{ Params: { connection: string } }>(
      '/webhooks/:connection',
      { bodyLimit: options.bodyLimitBytes },
      async (request, reply) => {
        const name = request.params.connection;
        const handler = options.connectors.get(name)?.webhooks;
        if (handler === undefined)
          return reply.code(404).send(envelope(ErrorCode.NotFound, `no connection "${name}" that takes webhooks`));
        const req = inbound(request, options.publicBaseUrl ?? `${request.protocol}://${request.host}`);
        const handshake = handler.handshake?.(req);
        if (handshake !== undefined)
          return reply
            .code(handshake.status)
            .type(handshake.contentType ?? 'text/plain')
            .send(handshake.body);

        const verdict = handler.verify(req, options.clock());
        if (!verdict.ok) {
          deliveries.inc({ connection: name, outcome: 'refused' });
          request.log.warn({ connection: name, status: verdict.status, reason: verdict.reason }, 'webhook refused');
          return reply
            .code(verdict.status)
            .send(envelope(verdict.status === 401 ? ErrorCode.Auth : ErrorCode.Validation, verdict.reason));
        }
        const room = limiter.take(name);
        if (!room.ok) {
          deliveries.inc({ connection: name, outcome: 'limited' });
          const refused = (limitedInARow.get(name) ?? 0) + 1;
          limitedInARow.set(name, refused);
          const { status, retried } = handler.overLimit;
          const after = retried
            ? `retry after ${room.retryAfterSeconds} s`
            : 'the vendor does not send it again: the next poll picks the change up';
          if (refused === 1)
            request.log.warn(
              { connection: name, perSecond: room.perSecond, status },
              `webhook deliveries over the limit: ${after}`,
            );
          if (retried) reply.header('retry-after', String(room.retryAfterSeconds));
          return reply
            .code(status)
            .send(
              envelope(
                ErrorCode.RateLimited,
                `connection "${name}" is over its intake rate limit of ${room.perSecond} deliveries per second; ${after}`,
              ),
            );
        }
        const streak = limitedInARow.get(name);
        if (streak !== undefined) {
          limitedInARow.delete(name);
          request.log.info({ connection: name, refused: streak }, 'webhook deliveries under the limit again');
        }
        if (req.rawBody.length > 0) {
          let body: unknown;
          try {
            body = sjson.parse(req.rawBody, null, { protoAction: 'error', constructorAction: 'error' });
          } catch (err) {
            deliveries.inc({ connection: name, outcome: 'invalid' });
            return reply
              .code(400)
              .send(envelope(ErrorCode.Validation, `webhook body refused: ${(err as Error).message}`));
          }
          // No connector sees a body deep enough to overflow recursive code (JSON.stringify, zod): a 400, never a 500.
          if (nestsDeeperThan(body, MAX_WEBHOOK_DEPTH)) {
            deliveries.inc({ connection: name, outcome: 'invalid' });
            return reply
              .code(400)
              .send(
                envelope(
                  ErrorCode.Validation,
                  `webhook body refused: nested more than ${MAX_WEBHOOK_DEPTH} levels deep (arrays and objects)`,
                ),
              );
          }
        }
        let hints;
        try {
          hints = handler.parse(req);
        } catch (err) {
          deliveries.inc({ connection: name, outcome: 'invalid' });
          throw err;
        }
        // Written before the 2xx: once answered, the delivery is the store's to keep.
        const result = await options.store.transaction(async (tx) => {
          let duplicates = 0;
          for (const hint of hints) {
            const { duplicate } = await tx.inbox.accept({
              source: name,
              deliveryKey: hint.deliveryKey,
              payload: hint as unknown as JsonValue,
            });
            if (duplicate) duplicates += 1;
          }
          return { accepted: hints.length - duplicates, duplicates };
        });
        if (result.accepted > 0) deliveries.inc({ connection: name, outcome: 'accepted' }, result.accepted);
        if (result.duplicates > 0) deliveries.inc({ connection: name, outcome: 'duplicate' }, result.duplicates);
        return reply.code(200).send(result satisfies WebhookAccepted);
      },
    );
  });
}
