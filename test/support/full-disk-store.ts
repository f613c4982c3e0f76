/**
 * A SQLite store on a simulated full disk: `PRAGMA max_page_count` at the file's size, so
 * a write that needs a new page fails with SQLITE_FULL as on a real full disk.
 */
import { createStore } from '../../src/store/sql/create-store.ts';
import type { Store, StoreRepositories } from '../../src/store/store.ts';

/** A store at `path` whose file cannot grow past its size at open (migrations done first, without the cap). */
export async function fullDiskStore(path: string): Promise<Store> {
  await (await createStore({ url: path })).close();
  return createStore({ url: path, sqliteMaxPages: 1 });
}

/** A write of 2 KiB through `repos` (a statement without RETURNING: SQLite then ends the whole transaction). */
export function deadLetter(repos: StoreRepositories, i: number): Promise<unknown> {
  return repos.deadLetters.add({
    mappingId: 'm',
    connection: 'hub',
    side: 'crm',
    recordId: `r${i}`,
    payload: { pad: 'x'.repeat(2_048) },
    message: 'refused',
    attempts: 1,
  });
}

/** An inbox delivery of 2 KiB (an insert with RETURNING). */
export function delivery(repos: StoreRepositories, i: number): Promise<unknown> {
  return repos.inbox.accept({ source: 'hub', deliveryKey: `d${i}`, payload: { pad: 'x'.repeat(2_048) } });
}

/** Writes with `write` until the store refuses one; answers that refusal. */
export async function fillUntilRefused(
  full: Store,
  write: (repos: StoreRepositories, i: number) => Promise<unknown> = deadLetter,
): Promise<unknown> {
  for (let i = 0; i < 1_000; i++) {
    try {
      await write(full, i);
    } catch (err) {
      return err;
    }
  }
  throw new Error('the capped store accepted 1,000 writes of 2 KiB');
}
