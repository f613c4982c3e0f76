/**
 * A server started on the demo configuration (`demo: true`, published tokens) says so at
 * warn, once, when it starts listening; a server on any other configuration does not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSecret } from '../../../src/cli/commands/secret.ts';
import { connectorConfigFacts } from '../../../src/cli/config.ts';
import { listenConfigured } from '../../../src/cli/lifecycle.ts';
import { DEMO_NOTICE } from '../../../src/config/describe.ts';
import { loadConfig } from '../../../src/config/load.ts';
import type { Config } from '../../../src/config/types.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetricsRegistry } from '../../../src/observability/metrics.ts';
import { createStore } from '../../../src/store/sql/create-store.ts';
import { projectRoot } from '../../support/env.ts';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** Starts the server of `config` on a free port; answers the warn lines it logged. */
async function warnings(config: Config): Promise<{ msg: string; host?: string }[]> {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const store = await createStore({ url: ':memory:' });
  closers.push(() => store.close());
  const { server } = await listenConfigured(config, {
    connectors: new Map(),
    store,
    logger: createLogger({ level: 'warn', destination }),
    metrics: createMetricsRegistry({ defaultMetrics: false }),
    port: '0',
    mappings: [],
  });
  closers.unshift(() => server.close());
  return lines.map((l) => JSON.parse(l) as { level: number; msg: string; host?: string }).filter((l) => l.level === 40);
}

describe('the demo configuration at start', () => {
  it('logs one warn line naming the loopback host', async () => {
    const config = loadConfig({ file: 'config/demo.yaml', env: {}, cwd: projectRoot, ...connectorConfigFacts() });
    expect(await warnings(config)).toEqual([expect.objectContaining({ msg: DEMO_NOTICE, host: '127.0.0.1' })]);
  });

  it('says nothing of the kind for another configuration', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'frontback-no-demo-'));
    closers.push(async () => rmSync(cwd, { recursive: true, force: true }));
    const config = loadConfig({ env: { FRONTBACK_ADMIN_TOKEN: generateSecret() }, cwd });
    expect(config.demo).toBe(false);
    expect(await warnings(config)).toEqual([]);
  });
});
