/**
 * What a test suite needs from the machine, and what happens when it is absent:
 * under CI=true a missing service or ../shared file FAILS the suite; elsewhere the
 * suite is skipped with one loud line saying why.
 */
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const isCI = process.env.CI === 'true' || process.env.CI === '1';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** ../shared beside the project root (CI lays it there too). */
export const sharedDir = resolve(projectRoot, '..', 'shared');

export const POSTGRES_URL = process.env.FRONTBACK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.FRONTBACK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function portOpen(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((done) => {
    const socket = createConnection({ host: hostname, port: Number(port), timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
  });
}

/**
 * `available`, or (when not) false after one loud SKIPPED line saying `what` is missing and
 * `hint`; under CI=true it throws instead. Synchronous, for checks a file can make while
 * vitest collects it (test/support/browser.ts).
 */
export function required(what: string, available: boolean, hint: string): boolean {
  if (available) return true;
  if (isCI) throw new Error(`CI=true and ${what} is not available (${hint}); this suite is mandatory in CI`);
  process.stderr.write(`\n*** SKIPPED: ${what} is not available (${hint}); set CI=true to make this a failure ***\n`);
  return false;
}

async function need(what: string, available: boolean, hint: string): Promise<boolean> {
  return required(what, available, hint);
}

/** True when PostgreSQL answers; under CI=true throws instead of returning false. */
export async function havePostgres(): Promise<boolean> {
  return need('PostgreSQL', await portOpen(POSTGRES_URL), POSTGRES_URL);
}

/** True when Redis answers; under CI=true throws instead of returning false. */
export async function haveRedis(): Promise<boolean> {
  return need('Redis', await portOpen(REDIS_URL), REDIS_URL);
}

/** True when ../shared/<rel> exists; under CI=true throws instead of returning false. */
export async function haveShared(rel: string): Promise<boolean> {
  const path = resolve(sharedDir, rel);
  return need(`../shared/${rel}`, existsSync(path), path);
}

/** Absolute path of a file in ../shared. */
export function sharedPath(rel: string): string {
  return resolve(sharedDir, rel);
}
