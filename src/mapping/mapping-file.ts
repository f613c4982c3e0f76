/**
 * A mapping's file as written, with `frontback validate`'s findings at their lines: the
 * folder is loaded as validate loads it (every file, so that links between mappings are
 * checked), and the problems and warnings of the file holding the mapping are placed on
 * the lines they name. Read afresh at each call, so a person who edits the file sees its
 * findings at once; what runs is still the version the process loaded.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { SourceIssue } from '../errors.ts';
import type { ConnectorCatalog } from './check-connectors.ts';
import { listFiles, loadMappings, type LoadedMapping } from './load.ts';

/** One finding of validate in the file. */
export interface FileFinding {
  /** `problem`: the file does not load; `warning`: it loads, but probably not as meant. */
  readonly level: 'problem' | 'warning';
  /** 1-based line and column, when the finding has a place. */
  readonly line?: number;
  readonly column?: number;
  /** The key path in the file (`fields[3].crm`), when known. */
  readonly path: string;
  readonly message: string;
}

/** One line of the file, with the findings placed on it. */
export interface FileLine {
  /** 1-based. */
  readonly n: number;
  readonly text: string;
  readonly findings: readonly FileFinding[];
}

/** The file of a mapping, read now. */
export interface MappingFile {
  /** Its path, relative to the mappings folder. */
  readonly file: string;
  readonly lines: readonly FileLine[];
  /** Findings without a line (the file cannot be read, ...). */
  readonly unplaced: readonly FileFinding[];
  readonly problems: number;
  readonly warnings: number;
  /** Problems of other files of the folder (a duplicate id, a lookup to a mapping that does not load). */
  readonly elsewhere: number;
  /** The mapping as the file says now, when the file loads without a problem. */
  readonly loaded?: LoadedMapping;
}

/** A top-level `id:` line, for a file that no longer loads. */
const ID_LINE = /^id:\s*["']?([^\s"'#]+)/m;

/** Where `file:line:col rest` (a warning of loadMappings) points, for `file`. */
function placedWarning(file: string, warning: string): FileFinding | undefined {
  if (!warning.startsWith(`${file}:`)) return undefined;
  const rest = warning.slice(file.length + 1);
  // `line:col path: message`, or `line:col: message` without a path (formatSourceIssue).
  const at = /^(\d+):(\d+)(?: ([^\s:]+))?: (.*)$/s.exec(rest);
  if (at)
    return { level: 'warning', line: Number(at[1]), column: Number(at[2]), path: at[3] ?? '', message: at[4] ?? '' };
  return { level: 'warning', path: '', message: rest.trim() };
}

/**
 * Reads the file of mapping `id` under `dir` with validate's findings (`catalog`: the
 * connections and connector descriptions validate checks against). Undefined when no
 * file of the folder holds that id.
 */
export function readMappingFile(
  dir: string,
  id: string,
  options: { catalog?: ConnectorCatalog | undefined } = {},
): MappingFile | undefined {
  const result = loadMappings('.', { cwd: dir, ...(options.catalog ? { catalog: options.catalog } : {}) });
  const loaded = result.mappings.find((m) => m.mapping.id === id);
  let file = loaded?.file;
  let text: string | undefined;
  if (file === undefined) {
    let files: string[];
    try {
      files = listFiles(resolve(dir));
    } catch {
      return undefined;
    }
    for (const full of files) {
      const candidate = readText(full);
      if (candidate !== undefined && ID_LINE.exec(candidate)?.[1] === id) {
        [file, text] = [relative(resolve(dir), full), candidate];
        break;
      }
    }
    if (file === undefined) return undefined;
  }
  text ??= readText(resolve(dir, file)) ?? '';
  const mine = (i: SourceIssue) => i.file === file;
  const findings: FileFinding[] = [
    ...result.issues
      .filter(mine)
      .map((i): FileFinding => ({ level: 'problem', ...placeOf(i), path: i.path, message: i.message })),
    ...result.warnings.flatMap((w) => placedWarning(file, w) ?? []),
  ];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const onLine = (n: number) => findings.filter((f) => f.line === n);
  return {
    file,
    lines: lines.map((line, i) => ({ n: i + 1, text: line, findings: onLine(i + 1) })),
    unplaced: findings.filter((f) => f.line === undefined || f.line > lines.length),
    problems: findings.filter((f) => f.level === 'problem').length,
    warnings: findings.filter((f) => f.level === 'warning').length,
    elsewhere: result.issues.filter((i) => !mine(i)).length,
    ...(loaded ? { loaded } : {}),
  };
}

function placeOf(issue: SourceIssue): { line?: number; column?: number } {
  return {
    ...(issue.line === undefined ? {} : { line: issue.line }),
    ...(issue.column === undefined ? {} : { column: issue.column }),
  };
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
