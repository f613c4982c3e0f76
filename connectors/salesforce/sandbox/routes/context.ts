/**
 * What every Salesforce sandbox route needs: the store, the kit (counters and faults),
 * the acting user, the public base URL, and the API versions the org serves.
 */
import type { FastifyRequest } from 'fastify';
import type { SandboxKit } from '../../../../src/connector/sandbox/kit.ts';
import { notFound } from '../errors.ts';
import type { SObjectRow } from '../records.ts';
import type { SalesforceStore, WriteContext } from '../store.ts';

/** Oldest and newest API versions the sandbox serves (a real org serves 31.0 up to its release's). */
export const API_VERSIONS = { oldest: 31, newest: 66 } as const;

/** Shared by the routes. */
export interface SalesforceRouteContext {
  store: SalesforceStore;
  kit: SandboxKit;
  /** The integration user's id (every API call acts as it). */
  userId(): string;
  /** Public base URL (instance URL). */
  baseUrl(): string;
}

/** The `XX.X` of a `vXX.X` path segment, or NOT_FOUND as Salesforce answers an unknown version. */
export function apiVersion(segment: string): string {
  const m = /^v(\d{2})\.0$/.exec(segment);
  const major = m ? Number(m[1]) : 0;
  if (major < API_VERSIONS.oldest || major > API_VERSIONS.newest) throw notFound();
  return `${major}.0`;
}

/** Every version the org serves, as `GET /services/data` lists them. */
export function versionList(): { label: string; url: string; version: string }[] {
  const out = [];
  for (let v = API_VERSIONS.oldest; v <= API_VERSIONS.newest; v++) {
    out.push({ label: `Release ${v}`, url: `/services/data/v${v}.0`, version: `${v}.0` });
  }
  return out;
}

/** The write context of an API request (duplicate-rule header honoured). */
export function apiWrite(ctx: SalesforceRouteContext, request: FastifyRequest): WriteContext {
  const header = String(request.headers['sforce-duplicate-rule-header'] ?? '');
  return { origin: 'api', userId: ctx.userId(), allowDuplicates: /allowSave\s*=\s*true/i.test(header) };
}

/** The relative URL of a record. */
export function recordUrl(version: string, type: string, id: string): string {
  return `/services/data/v${version}/sobjects/${type}/${id}`;
}

/** A record as the REST API renders it: `attributes` first, then the fields (all, or the ones asked for). */
export function renderRecord(
  version: string,
  type: string,
  row: SObjectRow,
  fields?: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: { type, url: recordUrl(version, type, String(row['Id'])) } };
  for (const name of fields ?? Object.keys(row)) out[name] = row[name] ?? null;
  return out;
}
