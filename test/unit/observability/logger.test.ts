import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, safeUrl } from '../../../src/observability/logger.ts';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, stream };
}

const SECRET = 'fb-test-secret-7f3a9c';

describe('createLogger redaction', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['authorization header', { headers: { authorization: `Bearer ${SECRET}` } }],
    ['Authorization header (axios config)', { config: { headers: { Authorization: `Bearer ${SECRET}` } } }],
    ['request headers', { req: { headers: { authorization: SECRET, cookie: SECRET } } }],
    ['connection auth token', { connection: { token: SECRET } }],
    ['nested auth', { hubspot: { auth: { token: SECRET } } }],
    ['api key', { odoo: { apiKey: SECRET } }],
    ['client secret', { oauth: { clientSecret: SECRET, refreshToken: SECRET } }],
    ['webhook secret', { webhook: { secret: SECRET } }],
    ['admin token', { adminToken: SECRET }],
    ['admin tokens during a rollover', { server: { adminTokens: [SECRET, SECRET] } }],
    ['webhook secrets during a rollover', { connection: { webhook: { secrets: [SECRET, SECRET] } } }],
    ['password', { password: SECRET }],
  ];

  it.each(cases)('keeps the secret out of the line: %s', (_name, obj) => {
    const { lines, stream } = capture();
    const log = createLogger({ destination: stream });
    log.info(obj, 'something happened');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(SECRET);
    expect(lines[0]).toContain('[redacted]');
    expect(lines[0]).toContain('something happened');
  });

  it('keeps ordinary fields', () => {
    const { lines, stream } = capture();
    createLogger({ destination: stream }).info({ mapping: 'contacts', records: 12 }, 'synced');
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({ mapping: 'contacts', records: 12, msg: 'synced', name: 'frontback' });
  });
});

describe('safeUrl', () => {
  it.each([
    ['https://api.hubapi.com/crm/v3/objects/contacts?hapikey=abc123', 'abc123'],
    ['https://user:pw123@odoo.example.com/jsonrpc', 'pw123'],
    ['https://x.example.com/hook?token=tok987&a=1', 'tok987'],
  ])('%s loses its secret', (raw, secret) => {
    const out = safeUrl(raw);
    expect(out).not.toContain(secret);
    expect(out.startsWith('https://')).toBe(true);
  });

  it('keeps harmless query parameters', () => {
    expect(safeUrl('https://api.hubapi.com/crm/v3/objects/contacts?limit=100&after=5')).toBe(
      'https://api.hubapi.com/crm/v3/objects/contacts?limit=100&after=5',
    );
  });
});
