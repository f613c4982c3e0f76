/**
 * The queue dashboard as the console mounts it when the queue runs on Redis: at
 * /console/queues behind the console's session (no session: sent to sign in), read-only
 * (a write refused with 403), absent in embedded mode (404). Needs Redis (skipped with the
 * reason without it; mandatory under CI=true).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SYNC_QUEUE } from '../../../src/queue/create-queue.ts';
import { signIn, startConsoleRig, type ConsoleRig } from '../../support/console.ts';
import { haveRedis, REDIS_URL } from '../../support/env.ts';
import { adminDirectory } from '../../../src/server/admins.ts';
import { ADMIN_TOKEN } from '../../support/console.ts';

const redis = await haveRedis();

let consoleRig: ConsoleRig | undefined;
afterEach(async () => {
  await consoleRig?.close();
  consoleRig = undefined;
});

describe.skipIf(!redis)('the queue dashboard in the console', () => {
  it('sits behind the session at /console/queues and refuses writes', async () => {
    const directory = adminDirectory({ adminTokens: [ADMIN_TOKEN], admins: [] });
    consoleRig = await startConsoleRig({
      server: {
        console: {
          directory,
          queueKind: 'bullmq',
          queueBoard: { redisUrl: REDIS_URL, prefix: `fb-board-${randomUUID().slice(0, 8)}`, queues: [SYNC_QUEUE] },
        },
      },
    });
    const { app } = consoleRig;
    const anonymous = await app.inject({ method: 'GET', url: '/console/queues' });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/console\/sign-in\?next=/);
    const client = await signIn(app);
    const page = await client.get('/console/queues');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('frontback queues');
    const api = await client.get('/console/queues/api/queues');
    expect(api.statusCode).toBe(200);
    expect(JSON.stringify(api.json())).toContain(SYNC_QUEUE);
    const write = await client.inject({ method: 'PUT', url: `/console/queues/api/queues/${SYNC_QUEUE}/pause` });
    expect(write.statusCode).toBe(403);
    const overview = await client.get('/console');
    expect(overview.body).toContain('href="/console/queues"');
  });

  it('is not there in embedded mode', async () => {
    consoleRig = await startConsoleRig();
    const client = await signIn(consoleRig.app);
    expect((await client.get('/console/queues')).statusCode).toBe(404);
  });
});
