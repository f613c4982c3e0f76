/**
 * `frontback sandbox <kind> --host`: the sandboxes listen where they are told, so other
 * containers reach them (compose.yaml runs them on 0.0.0.0), and their health path
 * `/_sandbox/stats` (compose's healthcheck) answers without credentials.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET } from '../../../connectors/salesforce/sandbox/auth.ts';
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

describe('frontback sandbox salesforce', () => {
  const tokenUrl = (url: string) => `${url}/services/oauth2/token`;
  const clientCredentials = (url: string) =>
    fetch(tokenUrl(url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: SANDBOX_CLIENT_ID,
        client_secret: SANDBOX_CLIENT_SECRET,
      }),
    });

  it('prints the documented credentials; --token is accepted but not printed; --rate-limit is the daily allowance', async () => {
    const token = '00DFRONTBACK!static-session-8a1f2e';
    const sandbox = await SANDBOXES.salesforce!({ port: 0, seed: 1, records: 2, token, rateLimit: 5 });
    try {
      const summary = sandbox.summary.join('\n');
      expect(summary).toContain(SANDBOX_CLIENT_ID);
      expect(summary).toContain(`${sandbox.url}/services/oauth2/token`);
      expect(summary).not.toContain(token);
      const issued = await clientCredentials(sandbox.url);
      expect(issued.status).toBe(200);
      const { access_token } = (await issued.json()) as { access_token: string };
      for (const bearer of [access_token, token]) {
        const res = await fetch(`${sandbox.url}/services/data/v60.0/sobjects/Account/describe`, {
          headers: { authorization: `Bearer ${bearer}` },
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('sforce-limit-info')).toMatch(/^api-usage=\d+\/5$/);
      }
    } finally {
      await sandbox.close();
    }
  });

  it('--jwt-public-key: a missing file or a file that holds no key is refused, naming the flag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-key-'));
    const missing = join(dir, 'absent.pem');
    await expect(SANDBOXES.salesforce!({ port: 0, seed: 1, records: 2, jwtPublicKeyFile: missing })).rejects.toThrow(
      /--jwt-public-key.*absent\.pem.*ENOENT/s,
    );
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n');
    await expect(SANDBOXES.salesforce!({ port: 0, seed: 1, records: 2, jwtPublicKeyFile: junk })).rejects.toThrow(
      /neither an RSA public key/,
    );
  });

  it('--jwt-public-key: a real public key turns the JWT bearer grant on', async () => {
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    const dir = mkdtempSync(join(tmpdir(), 'sf-key-'));
    const file = join(dir, 'server.pem');
    writeFileSync(file, await exportSPKI(publicKey));
    const sandbox = await SANDBOXES.salesforce!({ port: 0, seed: 1, records: 2, jwtPublicKeyFile: file });
    try {
      expect(sandbox.summary.join('\n')).toContain('JWT bearer: on');
    } finally {
      await sandbox.close();
    }
  });
});
