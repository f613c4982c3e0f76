import { Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openSqliteDialect } from '../../../src/store/sql/sqlite-dialect.ts';

describe('openSqliteDialect', () => {
  it('turns recursive_triggers on, so REPLACE fires the audit DELETE trigger on the store connection', async () => {
    const db = new Kysely<unknown>({
      dialect: openSqliteDialect({ path: ':memory:', busyTimeoutMs: 100, synchronous: 'full' }).dialect,
    });
    try {
      const { rows } = await sql<{ recursive_triggers: number }>`pragma recursive_triggers`.execute(db);
      expect(rows).toEqual([{ recursive_triggers: 1 }]);
    } finally {
      await db.destroy();
    }
  });
});
