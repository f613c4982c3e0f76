/**
 * SOAP `login()` as the Salesforce sandbox answers it (through `handleSoapCall`, the SOAP
 * routes' core): a session id the REST API then accepts, or the INVALID_LOGIN fault.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SANDBOX_ORG_ID,
  SANDBOX_PASSWORD,
  SANDBOX_SECURITY_TOKEN,
  userDirectory,
} from '../../../../../connectors/salesforce/sandbox/auth.ts';
import { handleSoapCall } from '../../../../../connectors/salesforce/sandbox/routes/soap.ts';
import { INTEGRATION_USERNAME } from '../../../../../connectors/salesforce/sandbox/seed.ts';
import type { SalesforceSandbox } from '../../../../../connectors/salesforce/sandbox/server.ts';
import { soapLogin } from '../../../../../connectors/salesforce/sandbox/soap-login.ts';
import { authSandbox, BASE, get, QUERY } from './auth-fixture.ts';

let sb: SalesforceSandbox;

beforeEach(async () => {
  ({ sb } = await authSandbox());
});

afterEach(async () => {
  await sb.close();
});

const envelope = (user: string, password: string) =>
  '<se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Header/><se:Body>' +
  `<login xmlns="urn:partner.soap.sforce.com"><username>${user}</username><password>${password}</password></login>` +
  '</se:Body></se:Envelope>';

function call(user: string, password: string) {
  const login = soapLogin({
    sessions: sb.sessions,
    baseUrl: () => BASE,
    ...userDirectory(sb.store, INTEGRATION_USERNAME),
  });
  const merge = () => {
    throw new Error('not used');
  };
  return handleSoapCall(envelope(user, password), { checkSession: (t) => sb.sessions.use(t), merge, login }, '60.0');
}

describe('SOAP login()', () => {
  it('answers loginResponse with a session the REST API accepts', async () => {
    const { status, body } = call(INTEGRATION_USERNAME, SANDBOX_PASSWORD + SANDBOX_SECURITY_TOKEN);
    expect(status).toBe(200);
    const pick = (tag: string) => new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(body)?.[1];
    expect(pick('serverUrl')).toBe(`${BASE}/services/Soap/u/60.0/${SANDBOX_ORG_ID.slice(0, 15)}`);
    expect(pick('userId')).toBe(sb.userId);
    expect(pick('organizationId')).toBe(SANDBOX_ORG_ID);
    expect(body).toContain('<loginResponse>');
    expect((await get(sb, QUERY, pick('sessionId'))).status).toBe(200);
  });

  it('answers the INVALID_LOGIN fault for a wrong password', () => {
    const { status, body } = call(INTEGRATION_USERNAME, SANDBOX_PASSWORD);
    expect(status).toBe(500);
    expect(body).toContain('<faultcode>sf:INVALID_LOGIN</faultcode>');
    expect(body).toContain('INVALID_LOGIN: Invalid username, password, security token; or user locked out.');
  });
});
