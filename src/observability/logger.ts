/**
 * The logger factory: pino with secret redaction, writing JSON lines for machines or, in
 * the `pretty` format, one readable line per record through pino-pretty (in-process and
 * synchronous: no worker thread, nothing left unwritten when a command exits).
 */
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { prettyFactory } from 'pino-pretty';

export type { Logger } from 'pino';

/**
 * Paths pino blanks out wherever they appear in a log line. Secrets must never
 * reach logs (RELIABILITY.md promise 7): authorization headers, tokens, API keys,
 * passwords, webhook and client secrets, cookies. `*` matches one level, so the
 * common nestings (req.headers, config.connections.<name>.auth) are listed.
 */
export const REDACT_PATHS: readonly string[] = [
  'authorization',
  'Authorization',
  'headers.authorization',
  'headers.Authorization',
  'headers.cookie',
  'headers["x-hubspot-signature"]',
  'headers["x-hubspot-signature-v3"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'request.headers.authorization',
  'config.headers.Authorization',
  'config.headers.authorization',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.refreshToken',
  '*.refresh_token',
  '*.apiKey',
  '*.api_key',
  '*.clientSecret',
  '*.client_secret',
  '*.secret',
  '*.webhookSecret',
  '*.adminToken',
  '*.metricsToken',
  '*.adminTokens',
  '*.metricsTokens',
  '*.secrets',
  '*.*.password',
  '*.*.token',
  '*.*.apiKey',
  '*.*.clientSecret',
  '*.*.secret',
  '*.*.webhookSecret',
  '*.*.secrets',
  '*.*.refreshToken',
  'password',
  'token',
  'apiKey',
  'secret',
  'clientSecret',
  'webhookSecret',
  'adminToken',
  'metricsToken',
  'adminTokens',
  'metricsTokens',
  'secrets',
];

export interface LoggerFactoryOptions {
  /** pino level; default `info`. */
  level?: string;
  /** Logger name shown in each line (`frontback` by default). */
  name?: string;
  /** Extra paths to redact on top of {@link REDACT_PATHS}. */
  redact?: readonly string[];
  /** Where lines go; stdout by default. Tests pass a stream to inspect output. */
  destination?: DestinationStream;
  /** `json` (default): one JSON object per line; `pretty`: one line of text per record, for people. */
  format?: 'json' | 'pretty';
  /** ANSI colours in the `pretty` format (for a terminal); default false. */
  colors?: boolean;
}

/** Renders JSON log lines as text: time, level, message, then the record's own fields on the same line. */
function prettyStream(out: DestinationStream, colors: boolean): DestinationStream {
  const render = prettyFactory({
    colorize: colors,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,name',
    singleLine: true,
  });
  return { write: (line: string) => out.write(render(line)) };
}

/**
 * Creates a logger. There is no global logger: the composition root creates one
 * and passes it (or `logger.child({...})`) to whatever needs it.
 */
export function createLogger(options: LoggerFactoryOptions = {}): Logger {
  const pinoOptions: LoggerOptions = {
    name: options.name ?? 'frontback',
    level: options.level ?? 'info',
    redact: { paths: [...REDACT_PATHS, ...(options.redact ?? [])], censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };
  if (options.format === 'pretty') {
    const out = options.destination ?? pino.destination({ dest: 1, sync: true });
    return pino(pinoOptions, prettyStream(out, options.colors ?? false));
  }
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}

/** Removes userinfo and secret-looking query parameters from a URL before it is logged. */
export function safeUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.username || url.password) {
      url.username = url.username ? '[redacted]' : '';
      url.password = '';
    }
    for (const key of [...url.searchParams.keys()]) {
      if (/(key|token|secret|password|signature|sig|hapikey|code)/i.test(key)) {
        url.searchParams.set(key, '[redacted]');
      }
    }
    return url.toString();
  } catch {
    return '[unparseable url]';
  }
}
