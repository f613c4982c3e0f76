/**
 * `frontback sandbox <kind> --host`: the sandboxes listen where they are told, so other
 * containers reach them (compose.yaml runs them on 0.0.0.0), and their health path
 * `/_sandbox/stats` (compose's healthcheck) answers without credentials.
 */
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { SANDBOXES } from '../../../src/cli/commands/sandbox.ts';

/** An address of this machine other than loopback: what another container would call. */
const external = Object.values(networkInterfaces())
  .flat()
  .find((i) => i !== undefined && !i.internal && i.family === 'IPv4')?.address;

/** GET /_sandbox/stats on `host`; the status, or the network error's cause code. */
async function stats(host: string, url: string): Promise<number | string> {
  const { port } = new URL(url);
  try {
    return (await fetch(`http://${host}:${port}/_sandbox/stats`)).status;
  } catch (err) {
    return String((err as { cause?: { code?: unknown } }).cause?.code ?? err);
  }
}

describe.skipIf(external === undefined)('frontback sandbox --host (needs a non-loopback IPv4 address)', () => {
  describe.each(Object.keys(SANDBOXES))('%s', (kind) => {
    const start = SANDBOXES[kind]!;

    it('listens on 127.0.0.1 only unless told otherwise', async () => {
      const sandbox = await start({ port: 0, seed: 1, records: 2 });
      try {
        expect(await stats('127.0.0.1', sandbox.url)).toBe(200);
        expect(await stats(external!, sandbox.url)).toBe('ECONNREFUSED');
      } finally {
        await sandbox.close();
      }
    });

    it('--host 0.0.0.0 answers on every interface, /_sandbox/stats without credentials', async () => {
      const sandbox = await start({ port: 0, host: '0.0.0.0', seed: 1, records: 2 });
      try {
        expect(await stats(external!, sandbox.url)).toBe(200);
        expect(await stats('127.0.0.1', sandbox.url)).toBe(200);
      } finally {
        await sandbox.close();
      }
    });
  });
});

describe('frontback sandbox odoo --webhook-url', () => {
  it("prints the webhook URL without its token (frontback's webhook secret)", async () => {
    const secret = 'b07a3909659afd3b23bddedd0c07c6df';
    const sandbox = await SANDBOXES.odoo!({
      port: 0,
      seed: 1,
      records: 2,
      webhookUrl: `http://127.0.0.1:1/webhooks/odoo?token=${secret}`,
    });
    try {
      expect(sandbox.summary.join('\n')).toContain('/webhooks/odoo?token=***');
      expect(sandbox.summary.join('\n')).not.toContain(secret);
    } finally {
      await sandbox.close();
    }
  });
});

describe('frontback sandbox hubspot --token', () => {
  it('accepts the token it is given instead of the published fake, and does not print it', async () => {
    const token = 'f3c1d9a2b7e64c0e9a5d8b1f2c3e4a5b';
    const sandbox = await SANDBOXES.hubspot!({ port: 0, seed: 1, records: 2, token });
    try {
      const get = async (bearer: string): Promise<number> =>
        (
          await fetch(`${sandbox.url}/crm/v3/objects/contacts?limit=1`, {
            headers: { authorization: `Bearer ${bearer}` },
          })
        ).status;
      expect(await get(token)).toBe(200);
      expect(await get('sandbox-hubspot-token')).toBe(401);
      expect(sandbox.summary.join('\n')).not.toContain(token);
    } finally {
      await sandbox.close();
    }
  });
});
