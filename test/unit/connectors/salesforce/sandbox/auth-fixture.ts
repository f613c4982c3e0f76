/** Shared setup of the Salesforce sandbox auth tests: a sandbox on a ManualClock and form posts. */
import { ManualClock } from '../../../../../src/connector/sandbox/clock.ts';
import {
  createSalesforceSandbox,
  type SalesforceSandbox,
  type SalesforceSandboxOptions,
} from '../../../../../connectors/salesforce/sandbox/server.ts';

export const BASE = 'https://sandbox.test';
export const STATIC = 'static-session-token';
export const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);
export const QUERY = '/services/data/v60.0/query?q=SELECT+Id+FROM+User';

export interface AuthFixture {
  sb: SalesforceSandbox;
  clock: ManualClock;
}

export async function authSandbox(options: SalesforceSandboxOptions = {}): Promise<AuthFixture> {
  const clock = new ManualClock(T0);
  const sb = await createSalesforceSandbox({ clock, records: 0, publicUrl: BASE, accessTokens: [STATIC], ...options });
  return { sb, clock };
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

/** POSTs a form to `url`. */
export async function postForm(
  sb: SalesforceSandbox,
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await sb.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(form).toString(),
  });
  let body: Record<string, unknown> = {};
  try {
    body = res.json();
  } catch {
    // Not JSON (empty or plain text).
  }
  return { status: res.statusCode, body, text: res.body };
}

/** GETs `url` with an optional bearer token. */
export async function get(sb: SalesforceSandbox, url: string, token?: string, scheme = 'Bearer'): Promise<Answer> {
  const res = await sb.app.inject({
    method: 'GET',
    url,
    headers: token === undefined ? {} : { authorization: `${scheme} ${token}` },
  });
  let body: Record<string, unknown> = {};
  try {
    body = res.json();
  } catch {
    // Not JSON (plain-text identity errors).
  }
  return { status: res.statusCode, body, text: res.body };
}
