/**
 * A YAML loader that keeps positions: parse a file's text once, get the plain
 * value plus a way to ask "where is connections.hubspot.auth.token?" so every
 * later problem (interpolation, schema, cross-checks) can be reported as
 * file:line:column. Shared by the configuration and mapping loaders.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
  type YAMLError,
} from 'yaml';
import type { SourceIssue } from '../errors.ts';

/** A path into a parsed document: map keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

/** A 1-based place in a source file. */
export interface SourcePosition {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

/** A parsed YAML file that remembers where each key and value came from. */
export interface YamlSource {
  /** The file name used in issues, as given. */
  readonly file: string;
  /**
   * The document as plain JavaScript (maps become plain objects). `undefined` when
   * the text has syntax errors: then `issues` says why and nothing else is checked.
   */
  readonly value: unknown;
  /** Syntax problems and refused keys, in file order. Empty when the file is sound. */
  readonly issues: readonly SourceIssue[];
  /**
   * Where the thing at `path` is: the value's position for a scalar, the key's
   * position for a collection, and for a path that does not exist the position of
   * the nearest parent that does (1:1 for the document itself).
   */
  locate(path: YamlPath): SourcePosition;
  /** The position of the key at `path` itself (for "unknown key" problems); falls back like {@link locate}. */
  locateKey(path: YamlPath): SourcePosition;
  /** Builds an issue at {@link locate}(path) (or {@link locateKey} with `at: 'key'`). */
  issueAt(path: YamlPath, message: string, at?: 'value' | 'key'): SourceIssue;
}

/** Keys that could reach Object.prototype if code ever copies them naively. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Limits alias expansion so a "billion laughs" file cannot exhaust memory. */
const MAX_ALIAS_COUNT = 100;

/** Orders issues by file, then line, then column; issues without a line go last. */
export function compareIssues(a: SourceIssue, b: SourceIssue): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0);
}

/** Renders a path the way issues show it: `connections.hubspot.auth.token`, `fields[2].crm`. */
export function formatPath(path: YamlPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

// yaml's own wording is written for parser authors; these say what to fix.
const PLAIN_MESSAGES: Record<string, string> = {
  BLOCK_AS_IMPLICIT_KEY:
    'bad indentation, or an unquoted value containing ": " (indent keys evenly; quote such values)',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line (check the indentation above)',
  DUPLICATE_KEY: 'duplicate key',
  TAB_AS_INDENT: 'tabs are not allowed for indentation; use spaces',
  MULTIPLE_DOCS: 'only one YAML document is allowed per file (remove the "---" separator)',
  TAG_RESOLVE_FAILED: 'unknown YAML tag',
};

interface Found {
  /** The node at the full path, when every segment exists. */
  node: Node | null | undefined;
  /** Offset of the deepest key (or sequence item) that exists. */
  keyOffset: number;
  /** True when every segment exists. */
  complete: boolean;
}

function findPath(doc: Document, path: YamlPath): Found {
  let cur: unknown = doc.contents;
  let keyOffset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (const seg of path) {
    if (isMap(cur)) {
      const pair = cur.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return { node: undefined, keyOffset, complete: false };
      keyOffset = (pair.key as Node).range?.[0] ?? keyOffset;
      cur = pair.value;
    } else if (isSeq(cur) && typeof seg === 'number') {
      const item = cur.items[seg];
      if (item === undefined) return { node: undefined, keyOffset, complete: false };
      keyOffset = (item as Node | null)?.range?.[0] ?? keyOffset;
      cur = item;
    } else {
      return { node: undefined, keyOffset, complete: false };
    }
  }
  return { node: cur as Node | null, keyOffset, complete: true };
}

function yamlErrorIssue(file: string, err: YAMLError, text: string, lines: LineCounter, doc: Document): SourceIssue {
  let offset = err.pos[0];
  let message = PLAIN_MESSAGES[err.code] ?? err.message.replace(/\.$/, '');
  if (err.code === 'DUPLICATE_KEY') {
    const key = /^[^:\n]*/.exec(text.slice(offset))?.[0]?.trim() ?? '';
    message = `duplicate key "${key.replace(/^["']|["']$/g, '')}"`;
  } else if (err.code === 'MISSING_CHAR' && /quote/.test(err.message)) {
    // yaml reports the end of the file; the opening quote is what the user must find.
    visit(doc, {
      Scalar(_key, node) {
        const [start, end] = node.range ?? [0, 0];
        if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && end >= offset && start < offset) {
          offset = start;
          return visit.BREAK;
        }
        return undefined;
      },
    });
    message = 'unclosed quote: this string has no closing quote';
  } else if (err.code === 'TAG_RESOLVE_FAILED') {
    message = `${message} ${/:\s*(\S+)\s*$/.exec(err.message)?.[1] ?? ''}`.trim();
  }
  const pos = lines.linePos(offset);
  const lineText = text.split('\n')[pos.line - 1] ?? '';
  // `{ token: ${X} }`: in flow style `{` and `}` end a plain value, so the reference breaks the line.
  if (err.code !== 'DUPLICATE_KEY' && /[{[][^"']*\$\{/.test(lineText)) {
    message += '; inside { } or [ ], quote values that contain "${...}"';
  }
  return { file, line: pos.line, column: pos.col, path: '', message };
}

type Report = (offset: number, path: YamlPath, message: string) => void;

/**
 * Removes (and reports) keys that are not plain scalars or that name a reserved
 * JavaScript property; reports aliases without an anchor. Returns true when an
 * alias is unresolved, because then the document cannot become a value.
 */
function checkKeys(doc: Document, node: unknown, path: YamlPath, report: Report): boolean {
  let unresolved = false;
  if (isMap(node)) {
    for (let i = node.items.length - 1; i >= 0; i--) {
      const pair = node.items[i];
      if (!pair) continue;
      const key = pair.key as Node | null;
      if (key !== null && !isScalar(key)) {
        report(key.range?.[0] ?? 0, path, 'keys must be plain scalars, not collections or aliases');
        node.items.splice(i, 1);
        continue;
      }
      const name = key === null ? '' : String(key.value);
      if (FORBIDDEN_KEYS.has(name)) {
        report(key?.range?.[0] ?? 0, path, `key "${name}" is not allowed (reserved JavaScript property name)`);
        node.items.splice(i, 1);
        continue;
      }
      if (checkKeys(doc, pair.value, [...path, name], report)) unresolved = true;
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      if (checkKeys(doc, item, [...path, index], report)) unresolved = true;
    });
  } else if (isAlias(node) && node.resolve(doc) === undefined) {
    report(
      node.range?.[0] ?? 0,
      path,
      `unknown alias "*${node.source}" (the anchor must be defined before it is used)`,
    );
    unresolved = true;
  }
  return unresolved;
}

/** Parses one YAML document from `text`, reporting problems against `file`. Never throws. */
export function parseYamlSource(text: string, file: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const toPos = (offset: number): SourcePosition => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const locateKey = (path: YamlPath): SourcePosition => toPos(findPath(doc, path).keyOffset);
  const locate = (path: YamlPath): SourcePosition => {
    const found = findPath(doc, path);
    const node = found.node;
    if (found.complete && node && (isScalar(node) || isAlias(node)) && node.range) {
      // An empty value (`token:`) has no text of its own: point at its key.
      if (node.range[0] !== node.range[1]) return toPos(node.range[0]);
    }
    return toPos(found.keyOffset);
  };
  const issueAt = (path: YamlPath, message: string, at: 'value' | 'key' = 'value'): SourceIssue => ({
    file,
    ...(at === 'key' ? locateKey(path) : locate(path)),
    path: formatPath(path),
    message,
  });

  const issues: SourceIssue[] = [];
  const result = (value: unknown): YamlSource => ({
    file,
    value,
    issues: [...issues].sort(compareIssues),
    locate,
    locateKey,
    issueAt,
  });
  const seen = new Set<string>();
  for (const err of [...doc.errors, ...doc.warnings]) {
    const issue = yamlErrorIssue(file, err, text, lines, doc);
    // yaml often reports one mistake several times on the same line under other codes.
    const at = String(issue.line);
    if (seen.has(at)) continue;
    seen.add(at);
    issues.push(issue);
  }
  if (issues.length > 0) return result(undefined);

  const unresolved = checkKeys(doc, doc.contents, [], (offset, path, message) =>
    issues.push({ file, ...toPos(offset), path: formatPath(path), message }),
  );
  if (unresolved) return result(undefined);

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    issues.push({ file, line: 1, column: 1, path: '', message: (err as Error).message });
    return result(undefined);
  }
  return result(value ?? undefined);
}
