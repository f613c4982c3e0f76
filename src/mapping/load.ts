/**
 * Loads mapping files (one file, or every `*.yaml` / `*.yml` under a folder) with
 * the YAML loader that keeps positions, validates them against the spec, compiles
 * them, checks them against the connectors (when a catalog is given) and runs
 * their examples. Every problem of every file is collected and reported at once
 * as `file:line:col path: message`.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import stringify from 'safe-stable-stringify';
import { didYouMean } from '../config/did-you-mean.ts';
import { compareIssues, parseYamlSource, type YamlSource } from '../config/yaml-source.ts';
import { createIssueTranslator, describeInput } from '../config/zod-issues.ts';
import { formatSourceIssue, MappingError, type SourceIssue } from '../errors.ts';
import { checkAgainstConnectors, type ConnectorCatalog } from './check-connectors.ts';
import { compileMapping, type MappingReference } from './compile.ts';
import { runExamples } from './examples.ts';
import { mappingSpecSchema, type MappingSpec } from './spec.ts';
import type { CompiledMapping, CompileIssue } from './types.ts';

/** One loaded, compiled mapping. */
export interface LoadedMapping {
  /** File it came from, as reported in issues. */
  readonly file: string;
  /** The parsed file. */
  readonly spec: MappingSpec;
  /** The compiled mapping (its `version` is the content hash). */
  readonly mapping: CompiledMapping;
}

/** Options of {@link loadMappings}. */
export interface LoadMappingsOptions {
  /** Directory relative paths are resolved against and reported from; default `process.cwd()`. */
  cwd?: string;
  /** Connections and connector descriptions to check against; without it only the files themselves are checked. */
  catalog?: ConnectorCatalog;
  /** Run `examples:` (default true). */
  examples?: boolean;
}

/** What {@link loadMappings} found. */
export interface LoadMappingsResult {
  /** Mappings that loaded without a problem. */
  readonly mappings: readonly LoadedMapping[];
  /** Every problem, sorted by file, line, column. */
  readonly issues: readonly SourceIssue[];
  /**
   * Warnings, one line each: things not checked (a connector without an offline
   * description), and things that work but are probably not meant (`file:line:col path:
   * message`, e.g. a mapping that creates records without a match rule).
   */
  readonly warnings: readonly string[];
}

/** The mapping version: SHA-256 of the canonical JSON of the parsed file, first 12 hex characters. */
export function mappingVersion(spec: MappingSpec): string {
  return createHash('sha256')
    .update(stringify(spec) ?? '')
    .digest('hex')
    .slice(0, 12);
}

/** The mapping files under `path` (a file, or every `*.yaml` / `*.yml` under a folder), sorted. */
export function listFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const out: string[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

/** Places a compile issue in the file; an expression problem's offset moves the column. */
function place(source: YamlSource, lines: readonly string[], issue: CompileIssue): SourceIssue {
  const placed = source.issueAt(issue.path, issue.message, issue.at === 'key' ? 'key' : 'value');
  if (issue.offset !== undefined && placed.line !== undefined && placed.column !== undefined) {
    const first = lines[placed.line - 1]?.[placed.column - 1];
    if (first !== '|' && first !== '>') {
      const quote = first === '"' || first === "'" ? 1 : 0;
      return { ...placed, column: placed.column + quote + issue.offset };
    }
  }
  return placed;
}

const LIST_SENTINELS: Readonly<Record<string, unknown>> = {
  fields: { crm: 'x', erp: 'x' },
  children: { crm: 'x', erp: 'x', fields: [{ crm: 'x', erp: 'x' }] },
  examples: { from: 'crm', input: {}, expect: {} },
};

/**
 * When every schema problem sits inside an entry of fields, children or examples,
 * the spec with those entries left out (as holes, so indexes still match the
 * file); otherwise undefined.
 */
function partialSpec(
  raw: Record<string, unknown>,
  zodIssues: readonly { path: readonly PropertyKey[] }[],
): MappingSpec | undefined {
  const holes = new Map<string, Set<number>>();
  for (const issue of zodIssues) {
    const [list, index] = issue.path;
    if (typeof list !== 'string' || typeof index !== 'number' || !(list in LIST_SENTINELS)) return undefined;
    if (!holes.has(list)) holes.set(list, new Set());
    holes.get(list)?.add(index);
  }
  const patched: Record<string, unknown> = { ...raw };
  for (const [list, indexes] of holes) {
    const items = raw[list];
    if (!Array.isArray(items)) return undefined;
    patched[list] = items.map((item: unknown, i) => (indexes.has(i) ? LIST_SENTINELS[list] : item));
  }
  const reparsed = mappingSpecSchema.safeParse(patched);
  if (!reparsed.success) return undefined;
  const spec = reparsed.data as Record<string, unknown>;
  for (const [list, indexes] of holes) {
    spec[list] = (spec[list] as unknown[]).map((item, i) => (indexes.has(i) ? undefined : item));
  }
  return spec as MappingSpec;
}

interface FileResult {
  loaded?: LoadedMapping;
  links: MappingReference[];
  source?: YamlSource;
  lines: readonly string[];
}

function loadFile(
  file: string,
  text: string,
  options: LoadMappingsOptions,
  issues: SourceIssue[],
  warnings: string[],
): FileResult {
  const source = parseYamlSource(text, file);
  const lines = text.split('\n');
  issues.push(...source.issues);
  if (source.value === undefined) {
    if (source.issues.length === 0)
      issues.push({
        file,
        line: 1,
        column: 1,
        path: '',
        message: 'the file is empty; a mapping needs id, sides and fields',
      });
    return { links: [], lines };
  }
  if (typeof source.value !== 'object' || source.value === null || Array.isArray(source.value)) {
    issues.push(
      source.issueAt(
        [],
        `expected a mapping (key: value pairs) at the top level; got ${describeInput(source.value, false)}`,
      ),
    );
    return { links: [], lines };
  }
  const translator = createIssueTranslator(() => false);
  const parsed = mappingSpecSchema.safeParse(source.value, { error: translator.error, reportInput: true });
  let spec: MappingSpec;
  if (parsed.success) spec = parsed.data;
  else {
    issues.push(
      ...translator.toSourceIssues(parsed.error.issues, (path, message, where) => source.issueAt(path, message, where)),
    );
    // Still check the sound entries, so the file's other problems show in the same run.
    const partial = partialSpec(source.value as Record<string, unknown>, parsed.error.issues);
    if (partial === undefined) return { links: [], source, lines };
    spec = partial;
  }
  const before = parsed.success ? issues.length : -1;
  const check = options.catalog ? checkAgainstConnectors(spec, options.catalog) : undefined;
  if (check) {
    issues.push(...check.issues.map((i) => place(source, lines, i)));
    warnings.push(...check.warnings.map((w) => `${file}: ${w}`));
  }
  const version = mappingVersion(spec);
  const compiled = compileMapping(spec, { version, ...(check ? { typeOf: check.typeOf } : {}) });
  if (!compiled.ok) {
    issues.push(...compiled.issues.map((i) => place(source, lines, i)));
    return { links: [...compiled.links], source, lines };
  }
  warnings.push(...compiled.warnings.map((w) => formatSourceIssue(place(source, lines, w))));
  // Examples run only on an otherwise sound file: a wrong field would make them fail for the same reason twice.
  if (options.examples !== false && spec.examples && parsed.success && issues.length === before) {
    issues.push(...runExamples(compiled.mapping, spec.examples).map((i) => place(source, lines, i)));
  }
  const links = [...compiled.links];
  if (issues.length > before) return { links, source, lines };
  return { loaded: { file, spec, mapping: compiled.mapping }, links, source, lines };
}

/**
 * Loads every mapping under `path` (a file or a folder). Never throws for a bad
 * mapping: see {@link loadMappingsOrThrow}.
 */
export function loadMappings(path: string, options: LoadMappingsOptions = {}): LoadMappingsResult {
  const cwd = options.cwd ?? process.cwd();
  const issues: SourceIssue[] = [];
  const warnings: string[] = [];
  let files: string[];
  try {
    files = listFiles(resolve(cwd, path));
  } catch {
    return { mappings: [], issues: [{ file: path, path: '', message: 'no such file or folder' }], warnings };
  }
  const results: { file: string; result: FileResult }[] = [];
  for (const full of files) {
    const file = relative(cwd, full) || full;
    let text: string;
    try {
      text = readFileSync(full, 'utf8');
    } catch (err) {
      issues.push({ file, path: '', message: `cannot read: ${(err as Error).message}` });
      continue;
    }
    results.push({ file, result: loadFile(file, text, options, issues, warnings) });
  }
  // Across files: ids are unique, link lookups name a mapping that exists.
  const ids = new Map<string, string>();
  for (const { file, result } of results) {
    const id = result.loaded?.spec.id ?? (result.source?.value as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string' || !result.source) continue;
    const earlier = ids.get(id);
    if (earlier !== undefined)
      issues.push(result.source.issueAt(['id'], `duplicate mapping id "${id}" (also in ${earlier})`));
    else ids.set(id, file);
  }
  const failed = new Set<string>();
  for (const { file, result } of results) {
    for (const link of result.links) {
      if (ids.has(link.mapping) || !result.source) continue;
      const what = link.role === 'via' ? 'via: unknown mapping' : 'lookup to unknown mapping';
      const message = `${what} "${link.mapping}"${didYouMean(link.mapping, ids.keys())}`;
      issues.push(place(result.source, result.lines, { path: link.path, message }));
      failed.add(file);
    }
  }
  const mappings = results.flatMap(({ file, result }) => (result.loaded && !failed.has(file) ? [result.loaded] : []));
  return { mappings, issues: issues.sort(compareIssues), warnings };
}

/** Like {@link loadMappings}, but throws one {@link MappingError} listing every problem. */
export function loadMappingsOrThrow(path: string, options: LoadMappingsOptions = {}): LoadMappingsResult {
  const result = loadMappings(path, options);
  if (result.issues.length > 0) throw new MappingError(result.issues);
  return result;
}
