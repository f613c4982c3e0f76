/**
 * `frontback secret [--bytes n]`: prints a fresh random secret for the values frontback's
 * admin chooses (server.adminToken, server.metricsToken, an Odoo webhook URL token):
 * `n` bytes (default 32, at least 16) from node:crypto, base64url-encoded (43 characters
 * for 32 bytes), so it is safe in a URL, a header and YAML without quoting.
 */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { intOption } from '../int-option.ts';

/** Bytes of randomness by default: 256 bits. */
export const DEFAULT_SECRET_BYTES = 32;
/** The fewest bytes accepted: 128 bits, the least the configuration accepts for a chosen secret. */
export const MIN_SECRET_BYTES = 16;
/** The most bytes accepted (a 1,366-character secret is already more than anyone needs). */
export const MAX_SECRET_BYTES = 1024;

/** A fresh secret: `bytes` random bytes as base64url, no padding. */
export function generateSecret(bytes = DEFAULT_SECRET_BYTES): string {
  return randomBytes(bytes).toString('base64url');
}

/** Registers `frontback secret`. */
export function registerSecretCommand(program: Command): void {
  program
    .command('secret')
    .description(
      'print a fresh random secret (base64url) for server.adminToken, server.metricsToken or a webhook token',
    )
    .option(
      '--bytes <n>',
      `random bytes (at least ${MIN_SECRET_BYTES}; default ${DEFAULT_SECRET_BYTES}, 43 characters)`,
    )
    .action((options: { bytes?: string }) => {
      const bytes =
        intOption('--bytes', options.bytes, DEFAULT_SECRET_BYTES, MIN_SECRET_BYTES, MAX_SECRET_BYTES) ??
        DEFAULT_SECRET_BYTES;
      process.stdout.write(`${generateSecret(bytes)}\n`);
    });
}
