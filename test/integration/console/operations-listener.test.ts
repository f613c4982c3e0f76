/**
 * With `server.operations` the console lives where the admin API does: on the private
 * operations listener, its sign-in page and its `/` redirect there; the public listener,
 * which faces the vendors' webhooks, answers 404 for /console.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetricsRegistry } from '../../../src/observability/metrics.ts';
import { buildServers, type Servers } from '../../../src/server/app.ts';
import { CONSOLE_PAGES } from '../../../src/server/console/pages/index.ts';
import { signIn, startConsoleRig, type ConsoleRig } from '../../support/console.ts';

let consoleRig: ConsoleRig | undefined;
let servers: Servers | undefined;
afterEach(async () => {
  await servers?.main.close();
  await servers?.operations?.close();
  await consoleRig?.close();
  consoleRig = servers = undefined;
});

describe('the console with a private operations listener', () => {
  it('is served on the operations listener only', async () => {
    consoleRig = await startConsoleRig();
    const { rig, engine, directory } = consoleRig;
    servers = await buildServers(
      {
        connectors: rig.byName,
        store: rig.store,
        logger: createLogger({ level: 'silent' }),
        metrics: createMetricsRegistry({ defaultMetrics: false }),
        bodyLimitBytes: 1_048_576,
        admin: { token: directory.tokens(), directory, engine },
        console: { directory, queueKind: 'memory', pages: CONSOLE_PAGES },
      },
      { separateOperations: true },
    );
    const ops = servers.operations!;
    expect((await servers.main.inject({ method: 'GET', url: '/console/sign-in' })).statusCode).toBe(404);
    expect((await servers.main.inject({ method: 'GET', url: '/console' })).statusCode).toBe(404);
    expect((await ops.inject({ method: 'GET', url: '/console/sign-in' })).statusCode).toBe(200);
    const root = await ops.inject({ method: 'GET', url: '/' });
    expect([root.statusCode, root.headers.location]).toEqual([302, '/console']);
    const client = await signIn(ops);
    expect((await client.get('/console/conflicts')).statusCode).toBe(200);
  });
});
