/** Command-line durations such as `30s`, `5m` or `1h`. */
import { ConfigError } from '../errors.ts';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

/** `30s`, `5m`, `1h` -> ms; undefined when not given; a clear error naming `flag` otherwise. */
export function durationOption(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d+)(s|m|h)$/.exec(raw.trim());
  if (!m)
    throw new ConfigError([
      { file: '(command line)', path: flag, message: `expected a duration such as 30s, 5m or 1h; got "${raw}"` },
    ]);
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}
