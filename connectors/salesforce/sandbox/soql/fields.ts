/**
 * Resolving field paths of a query against the org's objects: `Name` on the queried
 * object, `Account.Name` through the lookup whose relationship name is `Account`,
 * `Opportunity.Account.Owner.Name` through several. Names match without case and resolve
 * to their canonical spelling (SOQL and SOSL Reference, "Relationship Queries"). Unknown
 * names fail INVALID_FIELD worded as Salesforce words them.
 */
import type { SObjectRow, SObjectValue } from '../records.ts';
import { findField, type SObjectField, type SObjectType } from '../schema.ts';
import type { FieldPath } from './ast.ts';
import { locatedError, unsupported } from './errors.ts';
import type { SoqlSource } from './source.ts';

/** One hop of a path: the lookup field, its relationship name and the object it reaches. */
export interface RelationshipHop {
  field: SObjectField;
  /** Canonical relationship name, e.g. `Account` for `AccountId`. */
  name: string;
  target: SObjectType;
}

/** A resolved path: the hops, then the field read on the last object. */
export interface ResolvedField {
  hops: RelationshipHop[];
  field: SObjectField;
  /** Canonical dotted name, e.g. `Account.Name`. */
  key: string;
}

/** What resolving needs besides the path. */
export interface ResolveContext {
  query: string;
  source: SoqlSource;
  root: SObjectType;
  /** The FROM clause's alias, when the query gives one. */
  alias?: string;
}

const NO_SUCH_COLUMN_HINT =
  "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. " +
  'Please reference your WSDL or the describe call for the appropriate names.';
const RELATIONSHIP_HINT =
  "If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. " +
  'Please reference your WSDL or the describe call for the appropriate names.';

/** Resolves a path on the queried object; throws INVALID_FIELD for unknown names. */
export function resolveField(path: FieldPath, ctx: ResolveContext): ResolvedField {
  let parts = path.parts;
  let positions = path.partPos;
  if (ctx.alias && parts.length > 1 && parts[0]!.toLowerCase() === ctx.alias.toLowerCase()) {
    parts = parts.slice(1);
    positions = positions.slice(1);
  }
  const hops: RelationshipHop[] = [];
  let current = ctx.root;
  for (let i = 0; i < parts.length - 1; i++) {
    const name = parts[i]!.toLowerCase();
    const field = current.fields.find((f) => f.type === 'reference' && f.relationshipName?.toLowerCase() === name);
    const targetName = field?.referenceTo[0];
    const target = targetName === undefined ? undefined : ctx.source.type(targetName);
    if (!field || !target) {
      throw locatedError(
        'INVALID_FIELD',
        ctx.query,
        path.pos,
        `Didn't understand relationship '${parts[i]}' in field path. ${RELATIONSHIP_HINT}`,
      );
    }
    if (field.referenceTo.length > 1) {
      throw unsupported(ctx.query, positions[i]!, 'polymorphic relationships');
    }
    hops.push({ field, name: field.relationshipName!, target });
    current = target;
  }
  const last = parts[parts.length - 1]!;
  const field = findField(current, last);
  if (!field) {
    throw locatedError(
      'INVALID_FIELD',
      ctx.query,
      path.pos,
      `No such column '${last}' on entity '${current.name}'. ${NO_SUCH_COLUMN_HINT}`,
    );
  }
  return { hops, field, key: [...hops.map((h) => h.name), field.name].join('.') };
}

/** The row a lookup points at, or undefined when it is empty or the record is not visible. */
export function followLookup(
  row: SObjectRow,
  hop: RelationshipHop,
  source: SoqlSource,
  includeDeleted: boolean,
): { type: string; row: SObjectRow } | undefined {
  const id = row[hop.field.name];
  if (typeof id !== 'string' || id === '') return undefined;
  return source.byId(id, includeDeleted);
}

/** The value of a resolved field for a row (null when a lookup on the way is empty). */
export function readField(
  row: SObjectRow,
  resolved: ResolvedField,
  source: SoqlSource,
  includeDeleted: boolean,
): SObjectValue {
  let current: SObjectRow = row;
  for (const hop of resolved.hops) {
    const next = followLookup(current, hop, source, includeDeleted);
    if (!next) return null;
    current = next.row;
  }
  return current[resolved.field.name] ?? null;
}
