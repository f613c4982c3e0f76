/**
 * A fast path for the expressions mappings use most (`firstname + " " + lastname`,
 * `stage in ["a", "b"]`, `is_company == true && x != null`): the CEL syntax tree is
 * turned into plain closures at compile time. Only a small subset is covered
 * (field names, string/boolean/null literals, string `+`, `in` a list of strings,
 * `==`, `!=`, `&&`, `||`, `!`), and only for values whose result is certain: any
 * other value type makes the closure answer {@link FALLBACK}, and the caller
 * evaluates the expression with CEL itself, so results never differ from CEL's.
 */

/** Returned when the fast path cannot decide; the caller runs the CEL interpreter. */
export const FALLBACK: unique symbol = Symbol('fallback');

type Value = string | boolean | null | undefined | object | number;
type Fast = (record: Readonly<Record<string, unknown>>) => Value | typeof FALLBACK;

interface AstNode {
  op: string;
  args: unknown;
}

const isNode = (v: unknown): v is AstNode => typeof v === 'object' && v !== null && 'op' in v;

function literal(value: unknown): Fast | undefined {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return () => value;
  return undefined;
}

function field(name: string): Fast {
  // Names Object.prototype also has (`constructor`) only ever read an own property.
  if (name in Object.prototype) {
    return (record) => {
      const v = Object.hasOwn(record, name) ? record[name] : null;
      return v === undefined || v === '' ? null : (v as Value);
    };
  }
  return (record) => {
    const v = record[name];
    return v === undefined || v === '' ? null : (v as Value);
  };
}

function equality(a: Fast, b: Fast, negate: boolean): Fast {
  return (record) => {
    const x = a(record);
    const y = b(record);
    if (x === FALLBACK || y === FALLBACK) return FALLBACK;
    const same = typeof x === typeof y && (typeof x === 'string' || typeof x === 'boolean');
    if (!same && !(x === null && y === null)) return FALLBACK;
    return negate ? x !== y : x === y;
  };
}

function logic(a: Fast, b: Fast, and: boolean): Fast {
  return (record) => {
    const x = a(record);
    if (x === (and ? false : true)) return x;
    const y = b(record);
    if (typeof x !== 'boolean' || typeof y !== 'boolean') return FALLBACK;
    return y;
  };
}

/** One operand of a `+` chain: a plain field read inline, or a closure. */
interface Operand {
  /** Field read directly (not a name Object.prototype has); undefined: call `fn`. */
  field: string | undefined;
  fn: Fast;
}

/** The operands of a `+` chain, first operand first (`(a + b) + c` -> a, b, c). */
function plusChain(ast: unknown): unknown[] {
  const right: unknown[] = [];
  let node: unknown = ast;
  while (isNode(node) && node.op === '+' && Array.isArray(node.args) && node.args.length === 2) {
    right.push(node.args[1]);
    node = node.args[0];
  }
  return [node, ...right.reverse()];
}

/**
 * `a + b + c` parses as `(a + b) + c`: the left spine of `+` nodes, first operand first.
 * Returns the operands when every one of them compiles, else undefined.
 */
function concatOperands(ast: AstNode): Operand[] | undefined {
  const operands: Operand[] = [];
  for (const item of plusChain(ast)) {
    const fn = compileFast(item);
    if (!fn) return undefined;
    const plain = isNode(item) && item.op === 'id' && typeof item.args === 'string' && !(item.args in Object.prototype);
    operands.push({ field: plain ? (item.args as string) : undefined, fn });
  }
  return operands;
}

/**
 * String `+`, folded left to right in one closure that reads plain fields itself (a
 * computed name `firstname + " " + lastname` costs one call, not six): text + text
 * joins, text + null and null + text give the text; anything else (null + null, a
 * number) is {@link FALLBACK}, for CEL to decide.
 */
function concatAll(operands: readonly Operand[]): Fast {
  const count = operands.length;
  return (record) => {
    let x: Value | typeof FALLBACK = null;
    for (let i = 0; i < count; i++) {
      const operand = operands[i] as Operand;
      const name = operand.field;
      let y: Value | typeof FALLBACK;
      if (name === undefined) y = operand.fn(record);
      else {
        // As field() reads it: missing or "" is null.
        const v = record[name];
        y = v === undefined || v === '' ? null : (v as Value);
      }
      if (i === 0) x = y;
      else if (typeof x === 'string') {
        if (typeof y === 'string') x = x + y;
        else if (y !== null) return FALLBACK;
      } else if (x === null && typeof y === 'string') x = y;
      else return FALLBACK;
    }
    return x;
  };
}

/**
 * A computed text field read in one pass: what compile-field's reader for an
 * expression gives, for a `+` chain of plain fields and text literals only.
 * Returns undefined when the record carries none of the fields (a partial update
 * leaves the value out), null when every part is empty or blank (a blank computed
 * text is empty, like a blank field), else the text; {@link FALLBACK} when a value
 * is not text or CEL must decide (null + null), and the caller takes the general path.
 */
export interface TextReader {
  (record: Readonly<Record<string, unknown>>): string | null | undefined | typeof FALLBACK;
  /** What it joins, in order (generate.ts writes the same reading out per mapping). */
  readonly parts: readonly TextPart[];
}

// Whitespace as /^\s*$/ sees it; a visible ASCII first character answers without the regular expression.
const BLANK = /^\s*$/;
/** True for text that is empty or only whitespace. */
export function blankText(s: string): boolean {
  if (s.length === 0) return true;
  const first = s.charCodeAt(0);
  if (first > 0x20 && first < 0x7f) return false;
  return BLANK.test(s);
}

/** One operand of a text `+` chain. */
export interface TextPart {
  /** The field read, or undefined for a literal. */
  readonly field: string | undefined;
  /** The literal's text ("" for a field). */
  readonly text: string;
  /** The literal has a non-blank character. */
  readonly visible: boolean;
}

/** The {@link TextReader} of `ast`, or undefined when it is not a `+` chain of plain fields and text literals. */
export function compileTextReader(ast: unknown): TextReader | undefined {
  if (!isNode(ast) || ast.op !== '+') return undefined;
  const parts: TextPart[] = [];
  for (const item of plusChain(ast)) {
    if (!isNode(item)) return undefined;
    if (item.op === 'id' && typeof item.args === 'string' && !(item.args in Object.prototype))
      parts.push({ field: item.args, text: '', visible: false });
    else if (item.op === 'value' && typeof item.args === 'string')
      parts.push({ field: undefined, text: item.args, visible: !blankText(item.args) });
    else return undefined;
  }
  // Literals only: a constant, which compile-field works out once.
  if (!parts.some((p) => p.field !== undefined)) return undefined;
  const count = parts.length;
  const read = (record: Readonly<Record<string, unknown>>): string | null | undefined | typeof FALLBACK => {
    let carried = false;
    let visible = false;
    let x: string | null = null;
    for (let i = 0; i < count; i++) {
      const part = parts[i] as TextPart;
      const name = part.field;
      let y: string | null;
      if (name === undefined) {
        y = part.text;
        if (part.visible) visible = true;
      } else {
        const v = record[name];
        if (v === undefined) y = null;
        else {
          carried = true;
          if (v === '') y = null;
          else if (typeof v === 'string') {
            y = v;
            if (!visible && !blankText(v)) visible = true;
          } else return FALLBACK;
        }
      }
      // text + null and null + text give the text; null + null is CEL's to decide.
      if (i === 0) x = y;
      else if (x === null) {
        if (y === null) return FALLBACK;
        x = y;
      } else if (y !== null) x = x + y;
    }
    if (!carried) return undefined;
    return visible ? x : null;
  };
  return Object.assign(read, { parts });
}

/** Compiles `ast` to a fast closure, or undefined when it uses anything outside the subset. */
export function compileFast(ast: unknown): Fast | undefined {
  if (!isNode(ast)) return undefined;
  const args = ast.args;
  switch (ast.op) {
    case 'value':
      return literal(args);
    case 'id':
      return typeof args === 'string' ? field(args) : undefined;
    case '!_': {
      const inner = compileFast(args);
      if (!inner) return undefined;
      return (record) => {
        const v = inner(record);
        return typeof v === 'boolean' ? !v : FALLBACK;
      };
    }
    case 'in': {
      const [left, list] = args as [unknown, unknown];
      const value = compileFast(left);
      if (!value || !isNode(list) || list.op !== 'list' || !Array.isArray(list.args)) return undefined;
      const items = (list.args as unknown[]).map((i) =>
        isNode(i) && i.op === 'value' && typeof i.args === 'string' ? i.args : undefined,
      );
      if (items.some((i) => i === undefined)) return undefined;
      const set = new Set(items as string[]);
      // A filter on one plain field (`stage in [...]`) reads it here: one call less per record.
      if (isNode(left) && left.op === 'id' && typeof left.args === 'string' && !(left.args in Object.prototype)) {
        const name = left.args;
        return (record) => {
          // Missing or "" reads as null, which is not text: CEL decides, as through field().
          const v = record[name];
          return typeof v === 'string' && v !== '' ? set.has(v) : FALLBACK;
        };
      }
      return (record) => {
        const v = value(record);
        return typeof v === 'string' ? set.has(v) : FALLBACK;
      };
    }
    case '+':
    case '==':
    case '!=':
    case '&&':
    case '||': {
      if (!Array.isArray(args) || args.length !== 2) return undefined;
      if (ast.op === '+') {
        const operands = concatOperands(ast);
        if (!operands) return undefined;
        return concatAll(operands);
      }
      const a = compileFast(args[0]);
      const b = compileFast(args[1]);
      if (!a || !b) return undefined;
      if (ast.op === '==' || ast.op === '!=') return equality(a, b, ast.op === '!=');
      return logic(a, b, ast.op === '&&');
    }
    default:
      return undefined;
  }
}
