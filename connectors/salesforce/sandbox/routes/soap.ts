/**
 * The SOAP API's `merge()` call on the partner endpoint, `POST /services/Soap/u/{version}`
 * (SOAP API Developer Guide, "merge()", "MergeRequest", "MergeResult"): the REST API has no
 * merge. Each MergeRequest names a `masterRecord` (a partner sObject: `type`, `Id`, the
 * fields to overwrite, `fieldsToNull`, the only way to clear a field: an `xsi:nil` element
 * is ignored) and one or two `recordToMergeIds`; each is its own
 * transaction and answers one `MergeResult {errors, id, mergedRecordIds, success,
 * updatedRelatedIds}` inside `mergeResponse`.
 *
 * Besides `merge`, `login` and `logout` are served; any other operation gets a SOAP fault saying so. The session
 * comes from `<SessionHeader><sessionId>`; a bad one is the `sf:INVALID_SESSION_ID` fault
 * (HTTP 500) that jsforce recognises to refresh its token. A record-level failure (the
 * merge function throwing a {@link SalesforceApiError}) is a MergeResult with `success`
 * false and its errors, as the SOAP API reports per-request failures.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { SalesforceApiError } from '../errors.ts';
import { all, child, escapeXml, isNil, parseXml, soapEnvelope, text, type XmlNode } from '../push/xml.ts';

/** The partner API namespace. */
export const PARTNER_NS = 'urn:partner.soap.sforce.com';
/** The partner fault namespace (`sf:` in fault codes and details). */
export const PARTNER_FAULT_NS = 'urn:fault.partner.soap.sforce.com';

/** What one merge did. */
export interface MergeOutcome {
  id: string;
  mergedRecordIds: string[];
  updatedRelatedIds: string[];
}

/** What a successful `login()` answers (SOAP API Developer Guide, "login()", "LoginResult"). */
export interface SoapLoginOutcome {
  serverUrl: string;
  sessionId: string;
  userId: string;
  organizationId: string;
  userName: string;
  userEmail: string;
  userFullName: string;
}

/** What the SOAP routes need from the sandbox. */
export interface SoapRouteDeps {
  /** `login(username, password)`: the new session, or undefined for INVALID_LOGIN. Absent: login is not served. */
  login?(username: string, password: string, version: string): SoapLoginOutcome | undefined;
  /** Whether a session id (an access token) is valid. */
  checkSession(token: string): boolean;
  /** `logout()`: ends the session. Absent: logout is not served. */
  logout?(token: string): void;
  /**
   * Merges `loserIds` into `masterId` of type `typeName`, first writing `masterFields` (text
   * as SOAP carries it; null = `fieldsToNull`) on the master. Throws {@link SalesforceApiError}.
   */
  merge(
    typeName: string,
    masterId: string,
    loserIds: string[],
    masterFields: Record<string, string | null>,
  ): MergeOutcome;
}

/** One parsed MergeRequest. */
export interface ParsedMergeRequest {
  type: string;
  masterId: string;
  loserIds: string[];
  fields: Record<string, string | null>;
}

/** A SOAP fault: HTTP 500 with `faultcode`, `faultstring` and, for `sf:` codes, an `UnexpectedErrorFault` detail. */
export function soapFault(code: string, message: string): string {
  const sf = !code.startsWith('soapenv:');
  const faultcode = sf ? `sf:${code}` : code;
  const faultstring = sf ? `${code}: ${message}` : message;
  const detail = sf
    ? '<detail><sf:UnexpectedErrorFault xsi:type="sf:UnexpectedErrorFault">' +
      `<sf:exceptionCode>${escapeXml(code)}</sf:exceptionCode>` +
      `<sf:exceptionMessage>${escapeXml(message)}</sf:exceptionMessage></sf:UnexpectedErrorFault></detail>`
    : '';
  return soapEnvelope(
    `<soapenv:Fault><faultcode>${escapeXml(faultcode)}</faultcode>` +
      `<faultstring>${escapeXml(faultstring)}</faultstring>${detail}</soapenv:Fault>`,
    '',
    { sf: PARTNER_FAULT_NS },
  );
}

/** Reads a masterRecord and its ids; throws a SalesforceApiError when a part is missing. */
export function parseMergeRequest(node: XmlNode): ParsedMergeRequest {
  const master = child(node, 'masterRecord');
  const fields: Record<string, string | null> = {};
  let type = '';
  let masterId = '';
  const one = Array.isArray(master) ? master[0] : master;
  if (typeof one === 'object' && one !== null) {
    for (const [name, value] of Object.entries(one)) {
      if (name.startsWith('@_') || name === '#text') continue;
      if (name === 'type') type = text(value) ?? '';
      else if (name === 'Id') masterId = text(value) ?? '';
      else if (name === 'fieldsToNull') for (const f of all(value)) fields[text(f) ?? ''] = null;
      // Like the real API, a nil element does not clear a field: only fieldsToNull does.
      else if (!isNil(value)) fields[name] = text(value) ?? '';
    }
  }
  delete fields[''];
  const loserIds = all(child(node, 'recordToMergeIds'))
    .map((v) => text(v) ?? '')
    .filter(Boolean);
  if (!type) throw new SalesforceApiError(400, 'INVALID_TYPE', 'Must send a concrete entity type.');
  if (!masterId) throw new SalesforceApiError(400, 'MISSING_ARGUMENT', 'masterRecord.Id not specified');
  if (loserIds.length === 0) throw new SalesforceApiError(400, 'MISSING_ARGUMENT', 'recordToMergeIds not specified');
  return { type, masterId, loserIds, fields };
}

/** One `<result>` of `mergeResponse`. */
export function renderMergeResult(outcome: MergeOutcome | SalesforceApiError): string {
  if (outcome instanceof SalesforceApiError) {
    const errors = outcome.items
      .map(
        (e) =>
          `<errors>${(e.fields ?? []).map((f) => `<fields>${escapeXml(f)}</fields>`).join('')}` +
          `<message>${escapeXml(e.message)}</message><statusCode>${escapeXml(e.errorCode)}</statusCode></errors>`,
      )
      .join('');
    return `<result>${errors}<id xsi:nil="true"/><success>false</success></result>`;
  }
  const ids = (tag: string, list: string[]) => list.map((id) => `<${tag}>${escapeXml(id)}</${tag}>`).join('');
  return (
    `<result><id>${escapeXml(outcome.id)}</id>${ids('mergedRecordIds', outcome.mergedRecordIds)}` +
    `<success>true</success>${ids('updatedRelatedIds', outcome.updatedRelatedIds)}</result>`
  );
}

/** Errors that end the whole call as a fault rather than one request's MergeResult. */
const FAULT_CODES = new Set(['INVALID_SESSION_ID', 'REQUEST_LIMIT_EXCEEDED', 'API_DISABLED_FOR_ORG']);

function sendXml(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type('text/xml; charset=utf-8').send(body);
}

/** Answers one SOAP call. */
export function handleSoapCall(raw: string, deps: SoapRouteDeps, version = '60.0'): { status: number; body: string } {
  const doc = parseXml(raw);
  const body = child(child(doc, 'Envelope'), 'Body');
  const one = Array.isArray(body) ? body[0] : body;
  const operation = typeof one === 'object' && one !== null ? Object.keys(one).find((k) => !k.startsWith('@_')) : '';
  if (!doc || !operation) {
    return { status: 500, body: soapFault('soapenv:Client', 'Unable to parse the request: no SOAP Envelope and Body') };
  }
  if (operation === 'login' && deps.login) {
    return handleLogin((one as Record<string, XmlNode>)['login'], deps.login, version);
  }
  const session = text(child(child(child(child(doc, 'Envelope'), 'Header'), 'SessionHeader'), 'sessionId'));
  if (!session || !deps.checkSession(session)) {
    return {
      status: 500,
      body: soapFault('INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session'),
    };
  }
  // SOAP API Developer Guide, "logout()": ends the session of the SessionHeader; answers an empty logoutResponse.
  if (operation === 'logout' && deps.logout) {
    deps.logout(session);
    return { status: 200, body: soapEnvelope('<logoutResponse/>', '', { '': PARTNER_NS }) };
  }
  if (operation !== 'merge') {
    return {
      status: 500,
      body: soapFault(
        'soapenv:Client',
        `No operation available for request {${PARTNER_NS}}${operation}: the Salesforce sandbox implements only login(), logout() and merge() on the SOAP API`,
      ),
    };
  }
  // Each child of <merge> is a MergeRequest (the WSDL calls it `request`; jsforce sends `mergeRequests`).
  const call = (one as Record<string, XmlNode | XmlNode[]>)['merge'];
  const requests = Object.entries(typeof call === 'object' && !Array.isArray(call) ? call : {})
    .filter(([name]) => !name.startsWith('@_') && name !== '#text')
    .flatMap(([, value]) => all(value));
  const results: string[] = [];
  for (const request of requests) {
    try {
      const parsed = parseMergeRequest(request);
      results.push(renderMergeResult(deps.merge(parsed.type, parsed.masterId, parsed.loserIds, parsed.fields)));
    } catch (err) {
      if (!(err instanceof SalesforceApiError)) throw err;
      if (FAULT_CODES.has(err.errorCode)) return { status: 500, body: soapFault(err.errorCode, err.message) };
      results.push(renderMergeResult(err));
    }
  }
  return {
    status: 200,
    body: soapEnvelope(`<mergeResponse>${results.join('')}</mergeResponse>`, '', { '': PARTNER_NS }),
  };
}

/** Answers `login()`: a `loginResponse` with the session, or the INVALID_LOGIN fault. */
function handleLogin(
  node: XmlNode | undefined,
  login: NonNullable<SoapRouteDeps['login']>,
  version: string,
): { status: number; body: string } {
  const outcome = login(text(child(node, 'username')) ?? '', text(child(node, 'password')) ?? '', version);
  if (!outcome) {
    const message = 'Invalid username, password, security token; or user locked out.';
    return { status: 500, body: soapFault('INVALID_LOGIN', message) };
  }
  const e = (v: string) => escapeXml(v);
  const result =
    `<result><passwordExpired>false</passwordExpired><sandbox>false</sandbox>` +
    `<serverUrl>${e(outcome.serverUrl)}</serverUrl><sessionId>${e(outcome.sessionId)}</sessionId>` +
    `<userId>${e(outcome.userId)}</userId><userInfo><organizationId>${e(outcome.organizationId)}</organizationId>` +
    `<userEmail>${e(outcome.userEmail)}</userEmail><userFullName>${e(outcome.userFullName)}</userFullName>` +
    `<userId>${e(outcome.userId)}</userId><userName>${e(outcome.userName)}</userName></userInfo></result>`;
  return { status: 200, body: soapEnvelope(`<loginResponse>${result}</loginResponse>`, '', { '': PARTNER_NS }) };
}

/** Serves `POST /services/Soap/u/:version` (merge only) in its own scope with its own `text/xml` parser. */
export function registerSoapRoutes(app: FastifyInstance, deps: SoapRouteDeps): void {
  void app.register(async (scope) => {
    const types = ['text/xml', 'application/soap+xml'];
    for (const type of types) if (scope.hasContentTypeParser(type)) scope.removeContentTypeParser(type);
    scope.addContentTypeParser(types, { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.setErrorHandler((err, _req, reply) => {
      const message = err instanceof Error ? err.message : String(err);
      return sendXml(reply, 500, soapFault('UNKNOWN_EXCEPTION', message));
    });
    scope.post<{ Params: { version: string } }>('/services/Soap/u/:version', async (req, reply) => {
      const raw = typeof req.body === 'string' ? req.body : '';
      const { status, body } = handleSoapCall(raw, deps, req.params.version);
      return sendXml(reply, status, body);
    });
  });
}
