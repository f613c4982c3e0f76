import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreKind } from '../../store.ts';

/** Message both databases raise when someone changes the audit log. */
export const AUDIT_IMMUTABLE_MESSAGE = 'audit log is append-only';

async function auditTriggers(db: Kysely<unknown>, kind: StoreKind): Promise<void> {
  if (kind === 'sqlite') {
    for (const op of ['update', 'delete']) {
      await sql
        .raw(
          `create trigger audit_log_no_${op} before ${op} on audit_log ` +
            `begin select raise(abort, '${AUDIT_IMMUTABLE_MESSAGE}'); end`,
        )
        .execute(db);
    }
    return;
  }
  await sql
    .raw(
      `create function audit_log_refuse() returns trigger language plpgsql as $$ ` +
        `begin raise exception '${AUDIT_IMMUTABLE_MESSAGE}' using errcode = 'restrict_violation'; end $$`,
    )
    .execute(db);
  await sql
    .raw(
      'create trigger audit_log_no_change before update or delete on audit_log ' +
        'for each row execute function audit_log_refuse()',
    )
    .execute(db);
  // Row triggers do not fire on TRUNCATE; only a statement trigger sees it.
  await sql
    .raw(
      'create trigger audit_log_no_truncate before truncate on audit_log ' +
        'for each statement execute function audit_log_refuse()',
    )
    .execute(db);
}

/** Creates every table, index and the audit triggers. */
export function initialMigration(kind: StoreKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('cursors')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('ts', 'text')
        .addColumn('record_id', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('links')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('mapping_id', 'text', (c) => c.notNull())
        .addColumn('crm_id', 'text', (c) => c.notNull())
        .addColumn('erp_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('links_crm_unique', ['mapping_id', 'crm_id'])
        .addUniqueConstraint('links_erp_unique', ['mapping_id', 'erp_id'])
        .execute();

      await db.schema
        .createTable('snapshots')
        .addColumn('link_id', 'text', (c) => c.primaryKey().references('links.id').onDelete('cascade'))
        .addColumn('crm_values', 'text', (c) => c.notNull())
        .addColumn('erp_values', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('inbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('delivery_key', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('inbox_delivery_unique', ['source', 'delivery_key'])
        .execute();
      await db.schema.createIndex('inbox_status_received').on('inbox').columns(['status', 'received_at']).execute();

      await db.schema
        .createTable('conflicts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('mapping_id', 'text', (c) => c.notNull())
        .addColumn('link_id', 'text', (c) => c.notNull())
        .addColumn('field', 'text', (c) => c.notNull())
        .addColumn('crm_value', 'text', (c) => c.notNull())
        .addColumn('erp_value', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('resolution', 'text')
        .addColumn('resolved_by', 'text')
        .addColumn('resolved_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('conflicts_status').on('conflicts').columns(['status', 'created_at']).execute();

      await db.schema
        .createTable('dead_letters')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('mapping_id', 'text', (c) => c.notNull())
        .addColumn('connection', 'text', (c) => c.notNull())
        .addColumn('record_id', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('dead_letters_status').on('dead_letters').columns(['status', 'created_at']).execute();

      await db.schema
        .createTable('runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('mapping_id', 'text', (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('counts', 'text', (c) => c.notNull())
        .addColumn('timings', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .execute();
      await db.schema.createIndex('runs_mapping_started').on('runs').columns(['mapping_id', 'started_at']).execute();

      await db.schema
        .createTable('audit_log')
        // SQLite: exactly `integer primary key` makes seq the rowid (fastest scans).
        .addColumn('seq', kind === 'sqlite' ? 'integer' : 'bigint', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text')
        .addColumn('job_id', 'text')
        .addColumn('mapping_id', 'text')
        .addColumn('mapping_version', 'text')
        .addColumn('crm_id', 'text')
        .addColumn('erp_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('rule', 'text')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('canonical', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
      await auditTriggers(db, kind);
    },
  };
}
