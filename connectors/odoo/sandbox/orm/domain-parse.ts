/**
 * Parsing of Odoo's domain language: a flat list in Polish (prefix) notation of the
 * operators `&`, `|`, `!` and leaves `[field, operator, value]`, with an implicit `&`
 * between consecutive terms (odoo/osv/expression.py `normalize_domain`). The result is
 * a tree; malformed domains raise ValueError in Odoo's words.
 */
import { valueError } from '../errors.ts';

/** Comparison operators of a leaf. */
export const TERM_OPERATORS = [
  '=',
  '!=',
  '<=',
  '<',
  '>',
  '>=',
  '=?',
  '=like',
  '=ilike',
  'like',
  'not like',
  'ilike',
  'not ilike',
  'in',
  'not in',
  'child_of',
  'parent_of',
] as const;
/** A leaf's comparison operator. */
export type TermOperator = (typeof TERM_OPERATORS)[number];

/** A parsed domain. */
export type DomainNode =
  | { kind: 'leaf'; path: string; op: TermOperator; value: unknown }
  | { kind: 'const'; value: boolean }
  | { kind: 'and' | 'or'; left: DomainNode; right: DomainNode }
  | { kind: 'not'; child: DomainNode };

const OPERATOR_SET: ReadonlySet<string> = new Set(TERM_OPERATORS);

/** A Python-like repr of a domain term, for error messages. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

type Token = '&' | '|' | '!' | DomainNode;

function toToken(element: unknown): Token {
  if (element === '&' || element === '|' || element === '!') return element;
  if (!Array.isArray(element) || element.length !== 3) throw valueError(`Invalid leaf ${pyRepr(element)}`);
  const [left, rawOp, value] = element as [unknown, unknown, unknown];
  if (typeof rawOp !== 'string') throw valueError(`Invalid leaf ${pyRepr(element)}`);
  // Odoo lowercases operators and accepts the legacy spellings `<>` and `==`.
  let op = rawOp.toLowerCase();
  if (op === '<>') op = '!=';
  if (op === '==') op = '=';
  if (!OPERATOR_SET.has(op)) throw valueError(`Invalid operator ${pyRepr(rawOp)} in domain term ${pyRepr(element)}`);
  // TRUE_LEAF (1, '=', 1) and FALSE_LEAF (0, '=', 1).
  if (left === 1 && op === '=' && value === 1) return { kind: 'const', value: true };
  if (left === 0 && op === '=' && value === 1) return { kind: 'const', value: false };
  if (typeof left !== 'string' || left === '') throw valueError(`Invalid leaf ${pyRepr(element)}`);
  return { kind: 'leaf', path: left, op: op as TermOperator, value };
}

/** Parses a domain (a list; `false`/`null`/`[]` mean "everything") into a tree. */
export function parseDomain(domain: unknown): DomainNode {
  if (domain === false || domain === null || domain === undefined) return { kind: 'const', value: true };
  if (!Array.isArray(domain)) throw valueError(`Invalid domain ${pyRepr(domain)}`);
  if (domain.length === 0) return { kind: 'const', value: true };
  // normalize_domain: count the terms still expected; a new term when none is expected
  // joins what came before with an implicit '&'.
  const tokens: Token[] = [];
  let expected = 1;
  for (const element of domain) {
    if (expected === 0) {
      tokens.unshift('&');
      expected = 1;
    }
    const token = toToken(element);
    if (token === '&' || token === '|') expected += 1;
    else if (token !== '!') expected -= 1;
    tokens.push(token);
  }
  if (expected !== 0) throw valueError(`Domain ${pyRepr(domain)} is syntactically not correct.`);
  let at = 0;
  const build = (): DomainNode => {
    const token = tokens[at];
    at += 1;
    if (token === undefined) throw valueError(`Domain ${pyRepr(domain)} is syntactically not correct.`);
    if (token === '!') return { kind: 'not', child: build() };
    if (token === '&' || token === '|') {
      const left = build();
      const right = build();
      return { kind: token === '&' ? 'and' : 'or', left, right };
    }
    return token;
  };
  return build();
}

/** True when some leaf of the tree is on `path` (Odoo adds `active = True` only when none is). */
export function mentionsPath(node: DomainNode, path: string): boolean {
  switch (node.kind) {
    case 'leaf':
      return node.path === path;
    case 'const':
      return false;
    case 'not':
      return mentionsPath(node.child, path);
    default:
      return mentionsPath(node.left, path) || mentionsPath(node.right, path);
  }
}
