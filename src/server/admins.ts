/**
 * The admins: who may use the admin API and the console, each by name with a token of
 * their own (`server.admins: [{ name, tokenFile }]`; `server.adminToken` is the admin
 * "admin"). A token file is read at start and again at most every few seconds, so
 * replacing the file rotates that admin's token while the server runs: the old token stops
 * working and the console sessions signed in with it end (each session keeps the
 * fingerprint of the token it was opened with, {@link AdminDirectory.current}).
 *
 * A file holds one token, or two lines during a rollover (the current one first, both
 * accepted). Each must have at least 128 bits (`frontback secret`): a weak or unreadable
 * file stops the start with the path, never the value; later, an unreadable file keeps the
 * tokens last read and is logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ADMIN_TOKEN_NAME } from '../config/defaults.ts';
import { MAX_SECRET_VALUES } from '../config/schema.ts';
import { secretWeakness, weakSecretMessage } from '../config/secret-strength.ts';
import type { AdminConfig } from '../config/types.ts';
import { ErrorCode, FrontbackError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';

/** An admin signed in or calling the API. */
export interface Admin {
  readonly name: string;
  /** The fingerprint of the token they used (not the token): a session ends when it is no longer current. */
  readonly fingerprint: string;
}

/** Who may act, found by token. */
export interface AdminDirectory {
  /** True when at least one admin is configured (else the admin API and the console are off). */
  readonly any: boolean;
  /** The admin whose current token this is (compared in constant time), or undefined. */
  byToken(token: string): Admin | undefined;
  /** True when `admin` still exists and the token they used is still one of theirs. */
  current(admin: Admin): boolean;
  /** Every token accepted now (for key derivation at start). */
  tokens(): readonly string[];
}

/** Where the admins come from. */
export interface AdminSources {
  /** `server.adminTokens`: the admin "admin" (current first). */
  readonly adminTokens: readonly string[];
  /** `server.admins`. */
  readonly admins: readonly AdminConfig[];
  /** Re-read token files at most this often, ms; default 5,000. */
  readonly rereadMs?: number;
  readonly logger?: Logger;
  /** Epoch ms; default Date.now. */
  readonly clock?: () => number;
  /** Reads a token file; default readFileSync utf8. Tests replace it. */
  readonly readFile?: (path: string) => string;
}

/** A fingerprint of a token: 16 bytes of its SHA-256, hex. Kept in sessions instead of the token. */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(`frontback-admin-token:${token}`).digest('hex').slice(0, 32);
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The tokens of a token file's text, or why they are refused (naming the file, never a value). */
function tokensOf(text: string, file: string, name: string): string[] {
  const tokens = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const where = `server.admins "${name}": tokenFile ${file}`;
  if (tokens.length === 0) throw new FrontbackError(ErrorCode.Config, `${where} is empty`);
  if (tokens.length > MAX_SECRET_VALUES)
    throw new FrontbackError(
      ErrorCode.Config,
      `${where} holds ${tokens.length} lines: expected one token, or two during a rollover (the current one first)`,
    );
  for (const [i, token] of tokens.entries()) {
    const weakness = secretWeakness(token);
    if (weakness !== undefined)
      throw new FrontbackError(ErrorCode.Config, `${where}, line ${i + 1}: ${weakSecretMessage(weakness)}`);
  }
  return tokens;
}

/**
 * Builds the directory, reading every token file once (throws a Config error naming the
 * file when one is missing, empty or weak).
 */
export function adminDirectory(sources: AdminSources): AdminDirectory {
  const clock = sources.clock ?? Date.now;
  const rereadMs = sources.rereadMs ?? 5_000;
  const read = sources.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const load = (admin: AdminConfig): string[] => {
    let text: string;
    try {
      text = read(admin.tokenFile);
    } catch (err) {
      throw new FrontbackError(
        ErrorCode.Config,
        `server.admins "${admin.name}": cannot read tokenFile ${admin.tokenFile} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
        { cause: err },
      );
    }
    return tokensOf(text, admin.tokenFile, admin.name);
  };

  const fixed = sources.adminTokens.length > 0 ? [{ name: ADMIN_TOKEN_NAME, tokens: [...sources.adminTokens] }] : [];
  let filed = sources.admins.map((admin) => ({ name: admin.name, tokens: load(admin) }));
  let readAt = clock();
  const failing = new Set<string>();

  const everyone = (): readonly { name: string; tokens: readonly string[] }[] => {
    if (clock() - readAt >= rereadMs) {
      readAt = clock();
      filed = sources.admins.map((admin, i) => {
        try {
          const tokens = load(admin);
          if (failing.delete(admin.name))
            sources.logger?.info({ admin: admin.name }, 'admin token file readable again');
          return { name: admin.name, tokens };
        } catch (err) {
          // Keeping the tokens last read: a file half-written during a rotation must not lock everyone out.
          if (!failing.has(admin.name))
            sources.logger?.warn({ admin: admin.name }, `${(err as Error).message}; keeping the token last read`);
          failing.add(admin.name);
          return filed[i] ?? { name: admin.name, tokens: [] };
        }
      });
    }
    return [...fixed, ...filed];
  };

  return {
    any: fixed.length + filed.length > 0,
    byToken(token) {
      let found: Admin | undefined;
      // Every token compared (no early exit): the time taken says nothing of which matched.
      for (const admin of everyone())
        for (const candidate of admin.tokens)
          if (sameToken(candidate, token) && found === undefined)
            found = { name: admin.name, fingerprint: tokenFingerprint(candidate) };
      return found;
    },
    current(admin) {
      const entry = everyone().find((a) => a.name === admin.name);
      return entry !== undefined && entry.tokens.some((t) => tokenFingerprint(t) === admin.fingerprint);
    },
    tokens: () => everyone().flatMap((a) => a.tokens),
  };
}
