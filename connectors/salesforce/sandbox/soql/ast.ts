/**
 * The parsed form of a SOQL query, before names are resolved against the org's objects.
 * Every node keeps the offset of its first token so the compiler can point errors at it.
 */

/** A field as written: `Name`, `Account.Name`, `a.Account.Owner.Name` (names in the query's casing). */
export interface FieldPath {
  parts: string[];
  /** Offset of the path (its first name) and of each part. */
  pos: number;
  partPos: number[];
}

/** One item of the SELECT list. */
export type SelectItem = { kind: 'field'; path: FieldPath } | { kind: 'count'; pos: number };

/** A value on the right of a comparison. */
export type Literal =
  | { kind: 'string'; raw: string; pos: number }
  | { kind: 'number'; value: number; text: string; pos: number }
  | { kind: 'boolean'; value: boolean; pos: number }
  | { kind: 'null'; pos: number }
  | { kind: 'date'; text: string; pos: number }
  | { kind: 'datetime'; text: string; pos: number }
  /** An unquoted word that is no keyword or date literal (`Name = Acme`): refused once the field's type is known. */
  | { kind: 'word'; text: string; pos: number }
  /** A relative range such as TODAY or LAST_N_DAYS:7 (name upper-cased). */
  | { kind: 'dateLiteral'; name: string; n?: number; pos: number };

/** Comparison operators (`<>` is parsed as `!=`). */
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE';

/** A WHERE condition. */
export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'compare'; field: FieldPath; op: CompareOp; value: Literal; opPos: number }
  | { kind: 'in'; field: FieldPath; negated: boolean; values: Literal[]; opPos: number };

/** One ORDER BY item. */
export interface OrderItem {
  path: FieldPath;
  descending: boolean;
  /** Explicit NULLS FIRST / LAST; undefined takes the default (first when ascending, last when descending). */
  nullsFirst?: boolean;
}

/** A whole SELECT query. */
export interface SoqlQuery {
  select: SelectItem[];
  from: { name: string; pos: number; alias?: string };
  where?: Condition;
  orderBy: OrderItem[];
  limit?: { value: number; pos: number };
  offset?: { value: number; pos: number };
}
