/**
 * SOAP `login()` for the Salesforce sandbox (SOAP API Developer Guide, "login()"): the
 * integration user's username with password + security token opens a session, as the
 * OAuth password grant does; jsforce uses it for `conn.login()` when no OAuth client is
 * configured. The result's `serverUrl` is the partner endpoint of the org.
 */
import { SANDBOX_PASSWORD, SANDBOX_SECURITY_TOKEN, type OrgIdentity } from './auth.ts';
import type { SoapLoginOutcome } from './routes/soap.ts';
import type { SessionRegistry } from './sessions.ts';

/** What {@link soapLogin} needs. */
export interface SoapLoginDeps {
  sessions: SessionRegistry;
  baseUrl(): string;
  integration(): OrgIdentity;
}

/** The `login` dependency of the SOAP routes. */
export function soapLogin(
  deps: SoapLoginDeps,
): (username: string, password: string, version: string) => SoapLoginOutcome | undefined {
  return (username, password, version) => {
    const who = deps.integration();
    if (username.toLowerCase() !== who.username.toLowerCase()) return undefined;
    if (password !== SANDBOX_PASSWORD + SANDBOX_SECURITY_TOKEN) return undefined;
    const session = deps.sessions.issue(who.userId, 'soap_login');
    return {
      serverUrl: `${deps.baseUrl()}/services/Soap/u/${version}/${who.orgId.slice(0, 15)}`,
      sessionId: session.token,
      userId: who.userId,
      organizationId: who.orgId,
      userName: who.username,
      userEmail: who.email,
      userFullName: who.displayName,
    };
  };
}
