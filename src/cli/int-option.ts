import { ConfigError } from '../errors.ts';

/** An integer command-line option of at least `min`, or `fallback` when not given; a bad value is a ConfigError naming the option. */
export function intOption(
  name: string,
  raw: string | undefined,
  fallback: number | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError([
      { file: '(command line)', path: name, message: `expected an integer from ${min} to ${max}, got "${raw}"` },
    ]);
  }
  return n;
}
