/**
 * WHERE conditions compiled into predicates over rows, with SOQL's typing rules
 * (SOQL and SOSL Reference, "fieldExpression Syntax", "Comparison Operators"): text is
 * quoted and compares without case, numbers, booleans, dates and date-times are not
 * quoted, ids accept 15 or 18 characters, LIKE is for text only. A value of the wrong kind
 * fails INVALID_FIELD `value of filter criterion for field 'X' must be of type T and
 * should (not) be enclosed in quotes`; a bad id or operator fails
 * INVALID_QUERY_FILTER_OPERATOR.
 *
 * Nulls follow SOQL, not SQL: `= null` and `!= null` test emptiness, `!=` and NOT IN are
 * true for an empty value, `<`, `>`, LIKE are false for it.
 */
import { normalizeId } from '../ids.ts';
import type { SObjectRow, SObjectValue } from '../records.ts';
import type { SObjectField } from '../schema.ts';
import type { CompareOp, Condition, FieldPath, Literal } from './ast.ts';
import { locatedError } from './errors.ts';
import { type ResolveContext, type ResolvedField, readField, resolveField } from './fields.ts';
import { type MsRange, dateLiteralRange, dateMs, dateTimeMs, decodeString, likePattern } from './literals.ts';

/** How a field's values compare. */
export type FieldKind = 'text' | 'id' | 'number' | 'boolean' | 'date' | 'datetime';

/** The comparison kind of a describe field type. */
export function kindOf(field: SObjectField): FieldKind {
  switch (field.type) {
    case 'id':
    case 'reference':
      return 'id';
    case 'currency':
    case 'double':
    case 'percent':
    case 'int':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    default:
      return 'text';
  }
}

/** A comparable form of a stored value: upper-cased text, 18-char id, number, boolean, epoch ms. */
export type Comparable = string | number | boolean;

/** The comparable form of a stored value of a field kind (null stays null). */
export function comparable(kind: FieldKind, value: SObjectValue): Comparable | null {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'text':
      return String(value).toUpperCase();
    case 'id':
      return normalizeId(String(value)) ?? String(value);
    case 'number':
      return Number(value);
    case 'boolean':
      return value === true;
    case 'date':
      return dateMs(String(value));
    case 'datetime':
      return dateTimeMs(String(value));
  }
}

/** What a literal compares as: one value, a range (date literals) or null. */
type Operand = { kind: 'value'; value: Comparable } | { kind: 'range'; range: MsRange } | { kind: 'null' };

/** A compiled WHERE condition. */
export type RowPredicate = (row: SObjectRow) => boolean;

/** What compiling needs: resolution context plus the clock and visibility of related rows. */
export interface FilterContext extends ResolveContext {
  includeDeleted: boolean;
}

const TYPE_WORD: Record<FieldKind, string> = {
  text: 'string',
  id: 'id',
  number: 'double',
  boolean: 'boolean',
  date: 'date',
  datetime: 'dateTime',
};

function typeError(ctx: FilterContext, field: ResolvedField, pos: number, kind: FieldKind): Error {
  const word = field.field.type === 'int' ? 'integer' : TYPE_WORD[kind];
  const quotes = kind === 'text' || kind === 'id' ? 'should be enclosed in quotes' : 'should not be enclosed in quotes';
  return locatedError(
    'INVALID_FIELD',
    ctx.query,
    pos,
    `value of filter criterion for field '${field.field.name}' must be of type ${word} and ${quotes}`,
  );
}

/** The operand of a literal against a field, or the error Salesforce gives for the pair. */
function operand(literal: Literal, field: ResolvedField, fieldPos: number, ctx: FilterContext): Operand {
  const kind = kindOf(field.field);
  if (literal.kind === 'null') return { kind: 'null' };
  if (literal.kind === 'word' && kind !== 'text') {
    throw locatedError('MALFORMED_QUERY', ctx.query, literal.pos, `unexpected token: '${literal.text}'`);
  }
  const mismatch = (): Error => typeError(ctx, field, fieldPos, kind);
  switch (kind) {
    case 'text':
      if (literal.kind !== 'string') throw mismatch();
      return { kind: 'value', value: decodeString(literal.raw, ctx.query, literal.pos).toUpperCase() };
    case 'id': {
      if (literal.kind !== 'string') throw mismatch();
      const text = decodeString(literal.raw, ctx.query, literal.pos);
      const id = normalizeId(text);
      if (!id) throw locatedError('INVALID_QUERY_FILTER_OPERATOR', ctx.query, literal.pos, `invalid ID field: ${text}`);
      return { kind: 'value', value: id };
    }
    case 'number':
      if (literal.kind !== 'number') throw mismatch();
      return { kind: 'value', value: literal.value };
    case 'boolean':
      if (literal.kind !== 'boolean') throw mismatch();
      return { kind: 'value', value: literal.value };
    case 'date':
    case 'datetime':
      if (literal.kind === 'dateLiteral') {
        return { kind: 'range', range: dateLiteralRange(literal.name, literal.n, ctx.source.now()) };
      }
      if (kind === 'date' && literal.kind === 'date') return { kind: 'value', value: checkedDate(literal, ctx) };
      if (kind === 'datetime' && literal.kind === 'datetime') return { kind: 'value', value: dateTimeMs(literal.text) };
      throw mismatch();
  }
}

function checkedDate(literal: Literal & { kind: 'date' }, ctx: FilterContext): number {
  const ms = dateMs(literal.text);
  if (Number.isNaN(ms))
    throw locatedError('MALFORMED_QUERY', ctx.query, literal.pos, `unexpected token: '${literal.text}'`);
  return ms;
}

function equals(value: Comparable | null, op: Operand): boolean {
  if (op.kind === 'null') return value === null;
  if (value === null) return false;
  if (op.kind === 'range') return (value as number) >= op.range.start && (value as number) < op.range.end;
  return value === op.value;
}

function ordered(value: Comparable | null, op: Operand, cmp: '<' | '<=' | '>' | '>='): boolean {
  if (value === null || op.kind === 'null') return false;
  if (op.kind === 'range') {
    const v = value as number;
    const { start, end } = op.range;
    return cmp === '<' ? v < start : cmp === '<=' ? v < end : cmp === '>' ? v >= end : v >= start;
  }
  const o = op.value;
  return cmp === '<' ? value < o : cmp === '<=' ? value <= o : cmp === '>' ? value > o : value >= o;
}

function checkOperator(op: CompareOp | 'IN', field: ResolvedField, opPos: number, ctx: FilterContext): void {
  const kind = kindOf(field.field);
  const bad = (op === 'LIKE' && kind !== 'text') || (kind === 'boolean' && op !== '=' && op !== '!=' && op !== 'IN');
  if (bad) {
    const word = kind === 'id' ? 'id' : field.field.type;
    throw locatedError('INVALID_QUERY_FILTER_OPERATOR', ctx.query, opPos, `invalid operator on ${word} field`);
  }
}

function resolveFilterable(cond: { field: FieldPath }, ctx: FilterContext): ResolvedField {
  const resolved = resolveField(cond.field, ctx);
  if (resolved.field.type === 'textarea' && resolved.field.length > 255) {
    throw locatedError(
      'INVALID_FIELD',
      ctx.query,
      cond.field.pos,
      `field '${resolved.field.name}' can not be filtered in a query call`,
    );
  }
  return resolved;
}

/** Compiles a WHERE condition; throws the error Salesforce gives for a bad field, value or operator. */
export function compileCondition(cond: Condition, ctx: FilterContext): RowPredicate {
  switch (cond.kind) {
    case 'and': {
      const parts = cond.items.map((c) => compileCondition(c, ctx));
      return (row) => parts.every((p) => p(row));
    }
    case 'or': {
      const parts = cond.items.map((c) => compileCondition(c, ctx));
      return (row) => parts.some((p) => p(row));
    }
    case 'not': {
      const inner = compileCondition(cond.item, ctx);
      return (row) => !inner(row);
    }
    case 'in': {
      const field = resolveFilterable(cond, ctx);
      checkOperator('IN', field, cond.opPos, ctx);
      const ops = cond.values.map((v) => operand(v, field, cond.field.pos, ctx));
      const kind = kindOf(field.field);
      return (row) => {
        const value = comparable(kind, readField(row, field, ctx.source, ctx.includeDeleted));
        return ops.some((o) => equals(value, o)) !== cond.negated;
      };
    }
    case 'compare':
      return compileCompare(cond, ctx);
  }
}

function compileCompare(cond: Condition & { kind: 'compare' }, ctx: FilterContext): RowPredicate {
  const field = resolveFilterable(cond, ctx);
  checkOperator(cond.op, field, cond.opPos, ctx);
  const kind = kindOf(field.field);
  const read = (row: SObjectRow): SObjectValue => readField(row, field, ctx.source, ctx.includeDeleted);
  if (cond.op === 'LIKE') {
    if (cond.value.kind !== 'string') throw typeError(ctx, field, cond.field.pos, kind);
    const re = likePattern(cond.value.raw, ctx.query, cond.value.pos);
    return (row) => {
      const value = read(row);
      return value !== null && re.test(String(value));
    };
  }
  const op = operand(cond.value, field, cond.field.pos, ctx);
  const cmp = cond.op;
  if (cmp === '=') return (row) => equals(comparable(kind, read(row)), op);
  if (cmp === '!=') return (row) => !equals(comparable(kind, read(row)), op);
  return (row) => ordered(comparable(kind, read(row)), op, cmp);
}
