/**
 * Known startup failures as a user meets them: one clear line on stderr, a non-zero exit,
 * no stack trace. The port of `start` taken by another process; a store that does not
 * answer; a vendor that does not answer (a closed port on this machine, as when a sandbox
 * is not running), with the retries lowered so the test stays fast and the warnings
 * bounded (one per request); credentials the vendor (its sandbox) refuses.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubSpotSandbox } from '../../../connectors/hubspot/sandbox/server.ts';
import { freePort, runFrontback } from '../../support/cli.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontback-startup-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A configuration whose two connections point at `port` on this machine. */
function configAt(port: number, extra: string[] = []): string {
  const file = join(dir, `frontback-${port}.yaml`);
  writeFileSync(
    file,
    [
      'connections:',
      `  hubspot: { kind: hubspot, baseUrl: "http://127.0.0.1:${port}", retries: 1, auth: { type: bearer, token: t-123 } }`,
      `  odoo: { kind: odoo, baseUrl: "http://127.0.0.1:${port}", retries: 1, auth: { type: api-key, login: a, key: k, database: d } }`,
      `store: { url: ${JSON.stringify(join(dir, `store-${port}.db`))} }`,
      ...extra,
    ].join('\n'),
  );
  return file;
}

describe('startup failures', () => {
  it('start on a port in use: one line saying what to do, exit 1, no trace', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const run = await runFrontback(['start', '-c', configAt(await freePort()), '--port', String(port)]);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toBe(
        `frontback: port ${port} on 127.0.0.1 is in use: stop the other process or pass --port\n`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 60_000);

  it('start with the store down: one line naming where it was looked for (never the password), exit 1', async () => {
    const closed = await freePort();
    const run = await runFrontback(['start', '-c', configAt(await freePort())], {
      FRONTBACK_STORE_URL: `postgres://frontback:pw-9f3c@127.0.0.1:${closed}/frontback`,
    });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toBe(
      `frontback: cannot reach PostgreSQL at 127.0.0.1:${closed}/frontback (ECONNREFUSED): is it running there? (store.url, FRONTBACK_STORE_URL)\n`,
    );
  }, 60_000);

  it('wrong credentials: one line naming the connection and where to fix them, exit 1', async () => {
    const hubspot = await createHubSpotSandbox({ seed: 1, records: 1 });
    const url = await hubspot.listen(0);
    try {
      const file = join(dir, 'wrong-token.yaml');
      writeFileSync(
        file,
        `connections:\n  hubspot: { kind: hubspot, baseUrl: "${url}", auth: { type: bearer, token: not-the-token } }\n`,
      );
      const run = await runFrontback(['describe', 'hubspot', 'contacts', '-c', file]);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toMatch(
        /^frontback: hubspot: credentials refused \(check connections\.hubspot\.auth\): .+\n$/,
      );
    } finally {
      await hubspot.close();
    }
  }, 60_000);

  it('sync with the vendor down: one warning per request, then one line naming the address and the likely cause', async () => {
    const closed = await freePort();
    const run = await runFrontback(['sync', 'contacts-partners', '-c', configAt(closed)]);
    expect(run.code, run.stderr).toBe(1);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^frontback: hubspot: cannot reach http://127\\.0\\.0\\.1:${closed} \\(ECONNREFUSED on GET /\\S+\\): ` +
          'is the sandbox \\(or the local service\\) running\\?$',
      ),
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
    // Off a terminal the warnings are JSON lines, one for the request that failed, each naming its connection once.
    const warnings = lines.slice(0, -1);
    expect(warnings).toHaveLength(1);
    const warning = JSON.parse(warnings[0] ?? '') as Record<string, unknown>;
    expect(warning).toMatchObject({ level: 40, connection: 'hubspot', retriesLeft: 1 });
    expect(warnings[0]?.match(/"connection"/g)).toHaveLength(1);
  }, 60_000);
});
