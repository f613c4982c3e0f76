/**
 * Issue #15 item 6: on a full disk SQLite ends the transaction itself, and the ROLLBACK
 * that followed failed with "cannot rollback - no transaction is active", which replaced
 * the error that mattered. A real simulated full disk (`PRAGMA max_page_count` at the
 * file's size): the error says disk full and carries SQLITE_FULL, inside
 * `store.transaction` too, and the write probe of /readyz fails the same way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../../src/errors.ts';
import { translateStoreError } from '../../../src/store/sql/errors.ts';
import type { Store } from '../../../src/store/store.ts';
import { deadLetter, delivery, fillUntilRefused, fullDiskStore } from '../../support/full-disk-store.ts';

let dir: string;
let store: Store | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontback-full-'));
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('a full disk (SQLite)', () => {
  it.each([
    ['a dead letter', deadLetter],
    ['an inbox delivery', delivery],
  ])('%s says disk full with SQLITE_FULL, not "cannot rollback"', async (_what, write) => {
    store = await fullDiskStore(join(dir, 'full.db'));
    const err = await fillUntilRefused(store, write);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).message).toMatch(/disk full/);
    expect((err as StoreError).message).not.toMatch(/cannot rollback/);
    expect((err as StoreError).details).toMatchObject({ driverCode: 'SQLITE_FULL' });
  });

  it('inside store.transaction the caller sees the same error', async () => {
    store = await fullDiskStore(join(dir, 'full.db'));
    const full = store;
    const err = await full
      .transaction(async (tx) => {
        for (let i = 0; i < 1_000; i++) await deadLetter(tx, i);
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((err as StoreError).message).toMatch(/disk full/);
    expect((err as StoreError).details).toMatchObject({ driverCode: 'SQLITE_FULL' });
  });

  it('the write probe fails with disk full while reads still answer', async () => {
    store = await fullDiskStore(join(dir, 'full.db'));
    await fillUntilRefused(store);
    expect(await store.ping()).toBe(true);
    await expect(store.probeWrite()).rejects.toThrow(/disk full/);
  });
});

describe('a full disk (PostgreSQL)', () => {
  it('SQLSTATE 53100 says disk full, retryable', () => {
    const err = translateStoreError(Object.assign(new Error('could not extend file'), { code: '53100' }));
    expect(err.message).toMatch(/disk full \(53100/);
    expect(err.retryable).toBe(true);
  });
});
