import {
  PostgresDialect,
  sql,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type Dialect,
  type Kysely,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely';
import pg from 'pg';
import { StoreError } from '../../errors.ts';

/** Options for connecting to PostgreSQL. */
export interface PostgresOpenOptions {
  /** `postgres://` URL (without frontback's own `schema` parameter). */
  url: string;
  /** Schema to create (if missing) and put first on the search_path; default `public`. */
  schema: string | undefined;
  /** Pool size (connections). */
  poolSize: number;
  /** Called when an idle pooled connection fails (otherwise the process would crash). */
  onPoolError: (err: Error) => void;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Quotes a schema name after checking it is a plain identifier. */
export function quoteSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new StoreError(`invalid PostgreSQL schema name "${schema}": use letters, digits and _`);
  }
  return `"${schema}"`;
}

/** Creates the schema when asked, and a pool whose connections use it. */
export async function openPostgresDialect(options: PostgresOpenOptions): Promise<Dialect> {
  const schema = options.schema;
  if (schema !== undefined) {
    const quoted = quoteSchema(schema);
    const setup = new pg.Client({ connectionString: options.url });
    await setup.connect();
    try {
      // CREATE SCHEMA checks the right to create schemas in the database before IF NOT
      // EXISTS: a runtime role without it (docs/store.md, least privilege) would fail on a
      // schema that is there. Create only a missing one.
      const { rowCount } = await setup.query('select 1 from pg_namespace where nspname = $1', [schema]);
      if (rowCount === 0) await setup.query(`create schema if not exists ${quoted}`);
    } finally {
      await setup.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    // A startup parameter, so every pooled connection has it before its first query.
    ...(schema === undefined ? {} : { options: `-c search_path=${quoteSchema(schema)}` }),
  });
  pool.on('error', options.onPoolError);
  return new ScopedPostgresDialect({ pool });
}

/**
 * Kysely's PostgreSQL introspector (which its Migrator uses) reads the tables of
 * every schema in the database; a schema another tenant or test drops meanwhile
 * makes that query fail. frontback only ever looks at its own schema, so its
 * introspector reads the current schema alone.
 */
class ScopedPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

class CurrentSchemaIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>;
  constructor(db: Kysely<unknown>) {
    this.#db = db;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`select current_schema() as name`.execute(this.#db);
    return rows;
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ schema: string; name: string; kind: string }>`
      select table_schema as schema, table_name as name, table_type as kind
      from information_schema.tables where table_schema = current_schema()`.execute(this.#db);
    // Column details are not needed by the Migrator, the only user of this introspector.
    return rows.map((r) => ({ schema: r.schema, name: r.name, isView: r.kind === 'VIEW', columns: [] }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}
