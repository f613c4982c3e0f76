/**
 * Decisions through the admin API are attributed to a person: with an admin's own token
 * (server.admins) the audit log names that admin (and what the caller said, in brackets);
 * with the shared server.adminToken it records what the caller said, default `admin-api`.
 * A token file replaced while the server runs is honoured by the API at once.
 */
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ADA_TOKEN, ADMIN_TOKEN, startConsoleRig, type ConsoleRig } from '../../support/console.ts';

let consoleRig: ConsoleRig | undefined;
afterEach(async () => {
  await consoleRig?.close();
  consoleRig = undefined;
});

/** Parks a dead letter and discards it through the API with `token` and `body`; answers the audit entry's `by`. */
async function discardedBy(rig: ConsoleRig, token: string, body: Record<string, string>): Promise<unknown> {
  const dl = await rig.rig.store.deadLetters.add({
    mappingId: 'contacts-partners',
    connection: 'odoo',
    side: 'erp',
    recordId: `crm-${Math.random().toString(36).slice(2)}`,
    payload: { name: 'Kestrel Dynamics, Inc.' },
    message: 'refused',
    attempts: 1,
  });
  const answer = await rig.app.inject({
    method: 'POST',
    url: `/admin/dead-letters/${dl.id}/discard`,
    headers: { authorization: `Bearer ${token}` },
    payload: { reason: 'a duplicate entered by hand', ...body },
  });
  expect(answer.statusCode, answer.body).toBe(200);
  const [entry] = await rig.rig.store.audit.tail(1, { actions: ['discarded'] });
  return (entry?.details as { by?: unknown } | undefined)?.by;
}

describe('who decided, through the admin API', () => {
  it("names the admin whose own token was used; the shared token records what the caller said, default 'admin-api'", async () => {
    consoleRig = await startConsoleRig();
    expect(await discardedBy(consoleRig, ADA_TOKEN, {})).toBe('Ada Lovelace');
    expect(await discardedBy(consoleRig, ADA_TOKEN, { by: 'nightly clean-up' })).toBe(
      'Ada Lovelace (nightly clean-up)',
    );
    expect(await discardedBy(consoleRig, ADA_TOKEN, { by: 'Grace Hopper' })).toBe('Ada Lovelace (Grace Hopper)');
    expect(await discardedBy(consoleRig, ADMIN_TOKEN, {})).toBe('admin-api');
    expect(await discardedBy(consoleRig, ADMIN_TOKEN, { by: 'ops-team' })).toBe('ops-team');
  });

  it('honours a replaced token file at once: the old token is refused, the new one accepted', async () => {
    consoleRig = await startConsoleRig();
    const next = 'Qw3eR5tY7uI9oP1aS3dF5gH7jK9lZ1xC';
    writeFileSync(consoleRig.adaTokenFile, `${next}\n`);
    const call = (token: string) =>
      consoleRig!.app.inject({ method: 'GET', url: '/admin/runs', headers: { authorization: `Bearer ${token}` } });
    expect((await call(ADA_TOKEN)).statusCode).toBe(401);
    expect((await call(next)).statusCode).toBe(200);
  });
});
