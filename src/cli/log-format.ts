/**
 * How a command logs. The format: `--log-format`, else `logging.format` (FRONTBACK_LOG_FORMAT),
 * else pretty text when the log stream is a terminal and JSON lines otherwise; pretty text is
 * coloured only on a terminal. Where: the long-running commands (serve, start, worker) log to
 * stdout; one-shot commands (sync, plan, describe, explain) to stderr, so that what they print
 * on stdout stays theirs. In JSON what a command announces to people ("listening on ...") is a
 * log record too, so every line of stdout parses as JSON.
 */
import type { Command } from 'commander';
import { LOG_FORMATS, type Config, type LogFormat, type LogLevel } from '../config/types.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { pino } from 'pino';

/** The format a command logs in: the flag first, then the configuration, then whether the stream is a terminal. */
export function chooseLogFormat(input: {
  flag?: string | undefined;
  configured?: LogFormat | undefined;
  isTTY?: boolean | undefined;
}): LogFormat {
  if (input.flag !== undefined) {
    // commander checks the choices; this guards callers that build the input themselves.
    if (!(LOG_FORMATS as readonly string[]).includes(input.flag))
      throw new RangeError(`--log-format must be one of ${LOG_FORMATS.join(', ')}; got "${input.flag}"`);
    return input.flag as LogFormat;
  }
  return input.configured ?? (input.isTTY === true ? 'pretty' : 'json');
}

/** A command's logger, and how it tells people what it is doing. */
export interface CliLog {
  readonly logger: Logger;
  readonly format: LogFormat;
  /** `text` on stdout in the pretty format; in JSON, an `info` record `msg` with `fields`, whatever the level. */
  announce(text: string, msg: string, fields?: Record<string, unknown>): void;
}

/** Builds the logger of `command` for `config`; `to` is the stream logs go to (stdout unless said). */
export function cliLog(
  config: Config,
  command: Command,
  options: { to?: 'stdout' | 'stderr'; level?: LogLevel } = {},
): CliLog {
  const to = options.to ?? 'stdout';
  const stream = to === 'stdout' ? process.stdout : process.stderr;
  const { logFormat } = command.optsWithGlobals<{ logFormat?: string }>();
  const format = chooseLogFormat({ flag: logFormat, configured: config.logging.format, isTTY: stream.isTTY });
  const destination = pino.destination({ dest: to === 'stdout' ? 1 : 2, sync: true });
  const logger = createLogger({
    level: options.level ?? config.logging.level,
    format,
    colors: stream.isTTY === true && process.env.NO_COLOR === undefined,
    destination,
  });
  // What a command announces is its output, not a diagnostic: written at any logging.level.
  const announcer =
    format === 'json'
      ? createLogger({ level: 'info', destination: pino.destination({ dest: 1, sync: true }) })
      : undefined;
  return {
    logger,
    format,
    announce(text, msg, fields = {}) {
      if (announcer === undefined) process.stdout.write(`${text}\n`);
      else announcer.info(fields, msg);
    },
  };
}
