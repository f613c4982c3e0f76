/**
 * One ErrorCode list (src/errors.ts), used by name everywhere: no file under src/ or
 * connectors/ may compare, switch on, or raise a frontback code as a string literal
 * (`err.code === 'CONNECTOR_ERROR'`, `case 'RATE_LIMITED':`, `new FrontbackError('NOT_FOUND', ...)`, `super('JOB_UNRECOVERABLE', ...)`,
 * `{ code: 'VALIDATION_FAILED' }`). A literal drifts silently when a code is renamed or
 * misspelt; `ErrorCode.X` does not compile then. Vendor codes that happen to spell a
 * frontback code (HubSpot's `CONFLICT` category) are vendor data: mark such a line with
 * `// vendor data`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.ts';
import { projectRoot } from '../support/env.ts';

const ROOTS = ['src', 'connectors'];
const OWNER = join('src', 'errors.ts');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The ways a literal code is used as one: compared, switched on, raised, set as a code. */
function patternsFor(code: string): RegExp[] {
  const lit = `(['"\`])${escape(code)}\\1`;
  return [
    new RegExp(`[=!]==?\\s*${lit}`),
    new RegExp(`${lit}\\s*[=!]==?`),
    new RegExp(`\\bcase\\s+${lit}\\s*:`),
    new RegExp(`\\bhasErrorCode\\([^)]*,\\s*${lit}`),
    new RegExp(`(?:Error|\\bsuper)\\(\\s*${lit}`),
    new RegExp(`\\bcode:\\s*${lit}`),
  ];
}

/** `file:line: text` of every offending line under `roots`. */
function findCodeLiterals(root: string, files: readonly string[]): string[] {
  const patterns = Object.values(ErrorCode).flatMap(patternsFor);
  const hits: string[] = [];
  for (const file of files) {
    const rel = relative(root, file);
    if (rel === OWNER) continue;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        if (line.includes('// vendor data')) return;
        if (patterns.some((p) => p.test(line))) hits.push(`${rel}:${index + 1}: ${line.trim()}`);
      });
  }
  return hits;
}

describe('frontback error codes', () => {
  it('are used through ErrorCode, never as string literals, outside src/errors.ts', () => {
    const files = ROOTS.flatMap((r) => tsFiles(join(projectRoot, r)));
    expect(files.length).toBeGreaterThan(100);
    expect(findCodeLiterals(projectRoot, files)).toEqual([]);
  });

  it('the check sees each form it forbids', () => {
    const forms = [
      "if (err.code !== 'CONNECTOR_ERROR') throw err;",
      'if ("RATE_LIMITED" === code) wait();',
      "  case 'VERSION_CONFLICT':",
      "hasErrorCode(err, 'JOB_UNRECOVERABLE')",
      "throw new FrontbackError('VALIDATION_FAILED', 'bad');",
      "    super('JOB_UNRECOVERABLE', message, { details, retryable: false });",
      "reply.send({ error: { code: 'NOT_FOUND', message } });",
    ];
    for (const line of forms) {
      expect(
        Object.values(ErrorCode)
          .flatMap(patternsFor)
          .some((p) => p.test(line)),
        line,
      ).toBe(true);
    }
    for (const line of [
      "if (err.code === 'ECONNRESET') retry();",
      'if (err.code === ErrorCode.Connector) throw err;',
      "vendorCode: 'odoo.exceptions.MissingError',",
    ]) {
      expect(
        Object.values(ErrorCode)
          .flatMap(patternsFor)
          .some((p) => p.test(line)),
        line,
      ).toBe(false);
    }
  });
});
