/**
 * `start` and `worker` on a Redis that never answers still stop on SIGTERM: BullMQ's
 * connections reconnect for ever and its close() never resolves, so without a way out the
 * process printed "stopped" and stayed alive (src/cli/lifecycle.ts, exitAfterGrace).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startFrontback } from '../../support/cli.ts';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontback-redis-down-'));
  mkdirSync(join(dir, 'mappings'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function configFor(role: string): Promise<string> {
  const port = await freePort();
  // Port 1 on loopback: nothing listens there, every connection is refused at once.
  const file = join(dir, `${role}.yaml`);
  writeFileSync(
    file,
    [
      `store: { url: ${JSON.stringify(join(dir, `${role}.db`))} }`,
      `server: { port: ${port} }`,
      'queue: { redis: "redis://127.0.0.1:1" }',
      `mappings: { dir: ${JSON.stringify(join(dir, 'mappings'))} }`,
    ].join('\n'),
  );
  return file;
}

describe('stopping with Redis down', () => {
  it.each([
    ['start', 'frontback start: listening'],
    ['worker', 'frontback worker: running'],
  ])(
    '%s exits on SIGTERM though its queue never connected',
    async (role, ready) => {
      const proc = startFrontback([role, '-c', await configFor(role), '--log-format', 'pretty']);
      expect(await proc.waitFor(ready, 30_000), proc.output()).toBe(true);
      expect(await proc.waitFor('Redis unreachable', 30_000), proc.output()).toBe(true);
      const code = await Promise.race([
        proc.stop('SIGTERM'),
        new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 30_000)),
      ]);
      if (code === 'still running') proc.stop('SIGKILL').catch(() => undefined);
      expect(code, proc.output()).toBe(0);
      expect(proc.output()).toContain(`frontback ${role} stopped`);
    },
    90_000,
  );
});
