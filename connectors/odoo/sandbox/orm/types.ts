/**
 * The shapes of the sandbox's in-memory ORM: field and model definitions (what
 * `fields_get` describes) and stored values. Stored values follow Odoo's cache
 * conventions: empty is `false`, a many2one is a bare id, an x2many is a list of ids.
 */

/** Odoo field types the sandbox implements. */
export type FieldType =
  | 'char'
  | 'text'
  | 'integer'
  | 'float'
  | 'monetary'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'selection'
  | 'many2one'
  | 'one2many'
  | 'many2many';

/** A value as stored on a row: scalars, `false` for empty, ids for relations. */
export type Stored = string | number | boolean | number[];

/** One stored record: field name to value. `id` is always present. */
export type Row = Readonly<Record<string, Stored>> & { readonly id: number };

/** What a compute function can see: other models' rows and other computed values. */
export interface ComputeEnv {
  /** All rows of a model (do not mutate). */
  rows(model: string): Iterable<Row>;
  /** One row of a model, or undefined. */
  row(model: string, id: number): Row | undefined;
  /** Display name of a record (for many2one reads). */
  displayName(model: string, id: number): string;
}

/** A non-stored computed field's batch compute: values for `rows`, in order. Must be linear. */
export type ComputeFn = (env: ComputeEnv, rows: readonly Row[]) => Stored[];

/** How a written value of a non-stored computed field is stored elsewhere (Odoo's `inverse`). */
export type InverseFn = (
  row: Row,
  value: Stored,
  env: ComputeEnv,
) => { model: string; id: number; vals: Record<string, unknown> } | undefined;

/** One field of a model. */
export interface FieldDef {
  /** Field type, as `fields_get` reports it. */
  type: FieldType;
  /** Human label (`string` in fields_get). */
  string: string;
  /** Must be set on create and cannot be emptied. Default false. */
  required?: boolean;
  /** Shown read-only in the UI (Odoo does not enforce it over RPC). Default false. */
  readonly?: boolean;
  /** Comodel for relational fields. */
  relation?: string;
  /** For one2many: the many2one on the comodel pointing back. */
  inverseName?: string;
  /** For many2one: what happens when the target is deleted. Default `set null`. */
  ondelete?: 'set null' | 'cascade' | 'restrict';
  /** Allowed values for selection fields: `[value, label]` pairs. */
  selection?: readonly (readonly [string, string])[];
  /** Non-stored computed field: computed on read, never written to the row. */
  compute?: ComputeFn;
  /** For computed fields: writing them stores through this (Odoo's inverse). */
  inverse?: InverseFn;
  /** Computed fields only: may appear in a domain (Odoo's `search=`). Default false. */
  searchable?: boolean;
  /** Value on create when none is given. */
  default?: Stored | ((now: string) => Stored);
  /** Field help text. */
  help?: string;
}

/** A model (an Odoo `_name`) and how it behaves. */
export interface ModelDef {
  /** Technical name, e.g. `res.partner`. */
  name: string;
  /** `_description`, e.g. `Contact`. */
  description: string;
  /** Default order (`_order`), e.g. `complete_name ASC, id DESC`. Default `id`. */
  order?: string;
  /** Field holding the hierarchy parent, used by `child_of` (Odoo's `_parent_name`). Default `parent_id`. */
  parentName?: string;
  /** Fields, without the magic ones (id, display_name, create/write date and uid), which are added. */
  fields: Record<string, FieldDef>;
  /** Display name of a row; default the `name` field, else `model,id`. */
  displayName?: (row: Row, env: ComputeEnv) => string;
  /** Fields `name_search` matches on, default `display_name`. */
  nameSearchFields?: readonly string[];
  /** Stored fields recomputed after each create/write of the row (no write_date change). */
  recompute?: (row: Row, env: ComputeEnv) => Record<string, Stored>;
  /** Rows of other models whose stored computed values depend on this row. */
  dependents?: (row: Row, env: ComputeEnv) => readonly { model: string; id: number }[];
  /** Rewrites the written values before a create; may create other records (e.g. a variant's template). */
  prepare?: (vals: Record<string, unknown>, env: HookEnv) => Record<string, unknown>;
  /** Values derived at create time (sequence numbers, defaults from related records). */
  onCreate?: (vals: Record<string, Stored>, ctx: CreateContext) => Record<string, Stored>;
  /** Python-level constraint, run after create/write: a ValidationError message, or undefined. */
  constrain?: (row: Row, env: ComputeEnv) => string | undefined;
  /** After a create: may create records on other models (e.g. a template's variant). */
  afterCreate?: (row: Row, env: HookEnv) => void;
}

/** What create hooks can use. */
export interface HookEnv extends ComputeEnv {
  /** Per-call flags hooks use to talk to each other (e.g. "do not create a variant"). */
  readonly flags: Set<string>;
  /** Creates a record in the same transaction; returns its id. */
  create(model: string, vals: Record<string, unknown>): number;
}

/** What `onCreate` can use. */
export interface CreateContext extends ComputeEnv {
  /** Field names the caller gave values for. */
  given: ReadonlySet<string>;
  /** Next value of a named sequence (1, 2, ...). */
  nextSequence(name: string): number;
  /** The transaction's timestamp, `YYYY-MM-DD HH:MM:SS`. */
  now: string;
}

/** Names of the fields every model gets. */
export const MAGIC_FIELDS: readonly string[] = [
  'id',
  'display_name',
  'create_date',
  'create_uid',
  'write_date',
  'write_uid',
];
