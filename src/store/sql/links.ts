import { randomUUID } from 'node:crypto';
import { VersionConflictError } from '../../errors.ts';
import type { Link, LinkInput, LinkListOptions, LinkRepository, Side } from '../link-repository.ts';
import { chunks } from './chunks.ts';
import type { SqlContext } from './context.ts';
import type { LinksTable } from './database.ts';

function toLink(row: LinksTable): Link {
  return { id: row.id, mappingId: row.mapping_id, crmId: row.crm_id, erpId: row.erp_id, createdAt: row.created_at };
}

/** Links over SQL. */
export class SqlLinkRepository implements LinkRepository {
  readonly #ctx: SqlContext;
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  async create(input: LinkInput): Promise<Link> {
    const row: LinksTable = {
      id: randomUUID(),
      mapping_id: input.mappingId,
      crm_id: input.crmId,
      erp_id: input.erpId,
      created_at: this.#ctx.now(),
    };
    // ON CONFLICT DO NOTHING instead of catching the unique violation: on
    // PostgreSQL an error would abort the caller's whole transaction.
    const inserted = await this.#ctx.write((db) =>
      db
        .insertInto('links')
        .values(row)
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst(),
    );
    if (!inserted) {
      throw new VersionConflictError(
        `mapping ${input.mappingId} already links CRM record ${input.crmId} or ERP record ${input.erpId}`,
        { mappingId: input.mappingId, crmId: input.crmId, erpId: input.erpId },
      );
    }
    return toLink(row);
  }

  async get(id: string): Promise<Link | undefined> {
    const row = await this.#ctx.run((db) => db.selectFrom('links').selectAll().where('id', '=', id).executeTakeFirst());
    return row && toLink(row);
  }

  async findBySide(mappingId: string, side: Side, recordId: string): Promise<Link | undefined> {
    const column = side === 'crm' ? 'crm_id' : 'erp_id';
    const row = await this.#ctx.run((db) =>
      db
        .selectFrom('links')
        .selectAll()
        .where('mapping_id', '=', mappingId)
        .where(column, '=', recordId)
        .executeTakeFirst(),
    );
    return row && toLink(row);
  }

  async findManyBySide(mappingId: string, side: Side, recordIds: readonly string[]): Promise<Map<string, Link>> {
    const column = side === 'crm' ? 'crm_id' : 'erp_id';
    const found = new Map<string, Link>();
    for (const ids of chunks([...new Set(recordIds)])) {
      const rows = await this.#ctx.run((db) =>
        db.selectFrom('links').selectAll().where('mapping_id', '=', mappingId).where(column, 'in', ids).execute(),
      );
      for (const row of rows) found.set(row[column], toLink(row));
    }
    return found;
  }

  async list(mappingId: string, options: LinkListOptions = {}): Promise<Link[]> {
    const rows = await this.#ctx.run((db) => {
      let query = db.selectFrom('links').selectAll().where('mapping_id', '=', mappingId);
      if (options.afterId !== undefined) query = query.where('id', '>', options.afterId);
      return query
        .orderBy('id')
        .limit(options.limit ?? 1000)
        .execute();
    });
    return rows.map(toLink);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.#ctx.atomic(async (db) => {
      await db.deleteFrom('snapshots').where('link_id', '=', id).execute();
      return db.deleteFrom('links').where('id', '=', id).executeTakeFirst();
    });
    return result.numDeletedRows > 0n;
  }
}
