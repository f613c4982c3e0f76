import Fastify, { type FastifyInstance } from 'fastify';
import { Connection } from 'jsforce';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SalesforceApiError } from '../../../../../connectors/salesforce/sandbox/errors.ts';
import { registerSoapRoutes, type SoapRouteDeps } from '../../../../../connectors/salesforce/sandbox/routes/soap.ts';

const TOKEN = '00D5g000004XyZa!AQ4AQFakeSessionToken';
const MASTER = '0015g00000000AAAAA';
const LOSER1 = '0015g00000000BBAAA';
const LOSER2 = '0015g00000000CCAAA';

interface MergeCall {
  typeName: string;
  masterId: string;
  loserIds: string[];
  masterFields: Record<string, string | null>;
}

const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, parseTagValue: false });

function envelope(body: string, session = TOKEN): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
    ' xmlns:urn="urn:partner.soap.sforce.com" xmlns:urn1="urn:sobject.partner.soap.sforce.com"' +
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<soapenv:Header><urn:SessionHeader><urn:sessionId>${session}</urn:sessionId></urn:SessionHeader></soapenv:Header>` +
    `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
  );
}

describe('Salesforce sandbox SOAP merge()', () => {
  let app: FastifyInstance;
  let calls: MergeCall[];
  let deps: SoapRouteDeps;

  beforeEach(async () => {
    calls = [];
    deps = {
      checkSession: (token) => token === TOKEN,
      merge: (typeName, masterId, loserIds, masterFields) => {
        calls.push({ typeName, masterId, loserIds, masterFields });
        if (loserIds.includes(LOSER2) && typeName === 'Account' && masterFields['Name'] === 'fail') {
          throw new SalesforceApiError(400, 'ENTITY_IS_DELETED', 'entity is deleted', ['Id']);
        }
        return { id: masterId, mergedRecordIds: loserIds, updatedRelatedIds: ['0035g00000000AAAAA'] };
      },
    };
    app = Fastify();
    // The sandbox app may already parse text/xml its own way: the SOAP scope must not clash.
    app.addContentTypeParser('text/xml', { parseAs: 'buffer' }, (_req, body, done) => done(null, { raw: body }));
    registerSoapRoutes(app, deps);
    await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterEach(async () => {
    await app.close();
  });

  const baseUrl = () => {
    const addr = app.server.address();
    return typeof addr === 'object' && addr ? `http://127.0.0.1:${addr.port}` : '';
  };

  it('merges through jsforce: master fields and the MergeResult; a nil value is ignored as in the real API', async () => {
    const conn = new Connection({ instanceUrl: baseUrl(), accessToken: TOKEN, version: '60.0' });
    // A variable, not a literal: jsforce types sObject without its fields.
    const masterRecord = { type: 'Account', Id: MASTER, Name: 'Acme & Co', Fax: null, fieldsToNull: ['Phone'] };
    const result = await conn.soap.merge({ masterRecord, recordToMergeIds: [LOSER1], additionalInformationMap: [] });
    expect(calls).toEqual([
      { typeName: 'Account', masterId: MASTER, loserIds: [LOSER1], masterFields: { Name: 'Acme & Co', Phone: null } },
    ]);
    expect(result).toMatchObject({
      success: true,
      id: MASTER,
      mergedRecordIds: [LOSER1],
      updatedRelatedIds: ['0035g00000000AAAAA'],
      errors: [],
    });
  });

  it('answers one MergeResult per request, an error as success false with its errors', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/services/Soap/u/60.0',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
      payload: envelope(
        '<urn:merge>' +
          `<urn:request><urn:masterRecord xsi:type="urn1:sObject"><urn1:type>Contact</urn1:type><urn1:Id>${MASTER}</urn1:Id>` +
          `<urn1:fieldsToNull>Phone</urn1:fieldsToNull><urn1:fieldsToNull>Email</urn1:fieldsToNull>` +
          `<urn1:LastName>Smith</urn1:LastName></urn:masterRecord><urn:recordToMergeIds>${LOSER1}</urn:recordToMergeIds>` +
          `<urn:recordToMergeIds>${LOSER2}</urn:recordToMergeIds></urn:request>` +
          `<urn:request><urn:masterRecord><urn1:type>Account</urn1:type><urn1:Id>${MASTER}</urn1:Id>` +
          `<urn1:Name>fail</urn1:Name></urn:masterRecord><urn:recordToMergeIds>${LOSER2}</urn:recordToMergeIds></urn:request>` +
          '</urn:merge>',
      ),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/xml');
    const doc = parser.parse(res.body) as {
      Envelope: { Body: { mergeResponse: { result: Record<string, unknown>[] } } };
    };
    const [ok, failed] = doc.Envelope.Body.mergeResponse.result;
    expect(calls[0]).toEqual({
      typeName: 'Contact',
      masterId: MASTER,
      loserIds: [LOSER1, LOSER2],
      masterFields: { Phone: null, Email: null, LastName: 'Smith' },
    });
    expect(ok).toMatchObject({ id: MASTER, success: 'true', mergedRecordIds: [LOSER1, LOSER2] });
    expect(failed).toMatchObject({
      success: 'false',
      errors: { fields: 'Id', message: 'entity is deleted', statusCode: 'ENTITY_IS_DELETED' },
    });
    expect(failed).not.toHaveProperty('mergedRecordIds');
  });

  it('faults with sf:INVALID_SESSION_ID on a bad session, and jsforce sees it', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/services/Soap/u/60.0',
      headers: { 'content-type': 'text/xml' },
      payload: envelope(
        `<urn:merge><urn:request><urn:masterRecord><urn1:type>Account</urn1:type><urn1:Id>${MASTER}</urn1:Id></urn:masterRecord><urn:recordToMergeIds>${LOSER1}</urn:recordToMergeIds></urn:request></urn:merge>`,
        'stale',
      ),
    });
    expect(res.statusCode).toBe(500);
    expect(res.body).toMatch(/<faultcode>sf:INVALID_SESSION_ID<\/faultcode>/);
    expect(calls).toHaveLength(0);
    const conn = new Connection({ instanceUrl: baseUrl(), accessToken: 'stale', version: '60.0' });
    await expect(
      conn.soap.merge({
        masterRecord: { type: 'Account', Id: MASTER },
        recordToMergeIds: [LOSER1],
        additionalInformationMap: [],
      }),
    ).rejects.toMatchObject({ errorCode: 'sf:INVALID_SESSION_ID' });
  });

  it('faults on operations other than login, logout and merge, and on a body that is not SOAP', async () => {
    const other = await app.inject({
      method: 'POST',
      url: '/services/Soap/u/60.0',
      headers: { 'content-type': 'text/xml' },
      payload: envelope('<urn:query><urn:queryString>SELECT Id FROM Account</urn:queryString></urn:query>'),
    });
    expect(other.statusCode).toBe(500);
    expect(other.body).toContain('<faultcode>soapenv:Client</faultcode>');
    expect(other.body).toContain('implements only login(), logout() and merge()');
    const junk = await app.inject({
      method: 'POST',
      url: '/services/Soap/u/60.0',
      headers: { 'content-type': 'text/xml' },
      payload: 'not xml',
    });
    expect(junk.statusCode).toBe(500);
    expect(junk.body).toContain('<faultcode>soapenv:Client</faultcode>');
    expect(calls).toHaveLength(0);
  });

  it('answers an unexpected failure of the merge function with an sf:UNKNOWN_EXCEPTION fault', async () => {
    deps.merge = () => {
      throw new Error('store exploded');
    };
    const res = await app.inject({
      method: 'POST',
      url: '/services/Soap/u/60.0',
      headers: { 'content-type': 'text/xml' },
      payload: envelope(
        `<urn:merge><urn:request><urn:masterRecord><urn1:type>Account</urn1:type><urn1:Id>${MASTER}</urn1:Id></urn:masterRecord><urn:recordToMergeIds>${LOSER1}</urn:recordToMergeIds></urn:request></urn:merge>`,
      ),
    });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toContain('text/xml');
    expect(res.body).toContain('<faultcode>sf:UNKNOWN_EXCEPTION</faultcode>');
  });

  it("reports a request without ids as that request's error", async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/services/Soap/u/60.0',
      headers: { 'content-type': 'text/xml' },
      payload: envelope(
        `<urn:merge><urn:request><urn:masterRecord><urn1:type>Account</urn1:type><urn1:Id>${MASTER}</urn1:Id></urn:masterRecord></urn:request></urn:merge>`,
      ),
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<statusCode>MISSING_ARGUMENT</statusCode>');
    expect(calls).toHaveLength(0);
  });
});
