import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { interpolateString, interpolateValue, type Env } from '../../../src/config/interpolate.ts';

const files: Record<string, string> = {
  '/run/secrets/token': 's3cret\n',
  '/run/secrets/crlf': 'windows\r\n',
  '/run/secrets/two-newlines': 'kept\n\n',
  '/work/relative/key': 'from-cwd',
};
const readFile = (path: string): string => {
  const text = files[path];
  if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  return text;
};
const run = (text: string, env: Env) => interpolateString(text, { env, readFile, cwd: '/work' });

describe('interpolateString', () => {
  it.each([
    { text: 'plain text', env: {}, value: 'plain text' },
    { text: '${A}', env: { A: 'x' }, value: 'x' },
    { text: 'pre-${A}-post', env: { A: 'x' }, value: 'pre-x-post' },
    { text: '${A}${B}', env: { A: '1', B: '2' }, value: '12' },
    { text: '${A:-fallback}', env: {}, value: 'fallback' },
    { text: '${A:-fallback}', env: { A: '' }, value: 'fallback' },
    { text: '${A:-fallback}', env: { A: 'set' }, value: 'set' },
    { text: '${A:-}', env: {}, value: '' },
    { text: '${A:-with spaces and :-}', env: {}, value: 'with spaces and :-' },
    { text: '${A}', env: { A: '' }, value: '' },
    { text: '$${A}', env: { A: 'x' }, value: '${A}' },
    { text: 'cost: $5 and $$ and $x', env: {}, value: 'cost: $5 and $$ and $x' },
    { text: '$${A} and ${A}', env: { A: 'x' }, value: '${A} and x' },
  ])('$text with $env -> $value', ({ text, env, value }) => {
    expect(run(text, env)).toEqual({ value, problems: [] });
  });

  it.each([
    { text: '${HUBSPOT_TOKEN}', problem: 'environment variable HUBSPOT_TOKEN is not set (nor HUBSPOT_TOKEN_FILE)' },
    { text: 'x ${OPEN', problem: 'unterminated "${" (write "$${" for a literal "${")' },
    { text: '${1BAD}', problem: 'invalid variable reference "${1BAD}": expected ${NAME} or ${NAME:-default}' },
    { text: '${A-b}', problem: 'invalid variable reference "${A-b}": expected ${NAME} or ${NAME:-default}' },
    { text: '${}', problem: 'invalid variable reference "${}": expected ${NAME} or ${NAME:-default}' },
    { text: '${A:-${B}}', problem: 'invalid variable reference "${A:-${B}": expected ${NAME} or ${NAME:-default}' },
  ])('$text -> $problem', ({ text, problem }) => {
    expect(run(text, {}).problems).toEqual([problem]);
  });

  it('reports every unset variable in one string', () => {
    expect(run('${A}:${B}', {}).problems).toEqual([
      'environment variable A is not set (nor A_FILE)',
      'environment variable B is not set (nor B_FILE)',
    ]);
  });
});

describe('secrets from VAR_FILE', () => {
  it.each([
    { name: 'strips one trailing newline', env: { T_FILE: '/run/secrets/token' }, value: 's3cret' },
    { name: 'strips a CRLF', env: { T_FILE: '/run/secrets/crlf' }, value: 'windows' },
    { name: 'strips only one newline', env: { T_FILE: '/run/secrets/two-newlines' }, value: 'kept\n' },
    { name: 'resolves a relative path against cwd', env: { T_FILE: 'relative/key' }, value: 'from-cwd' },
    {
      name: 'the variable itself wins over the file',
      env: { T: 'direct', T_FILE: '/run/secrets/token' },
      value: 'direct',
    },
  ])('$name', ({ env, value }) => {
    expect(run('${T}', env)).toEqual({ value, problems: [] });
  });

  it('the file wins over a :- default, which is used when neither is set', () => {
    expect(run('${T:-dflt}', { T_FILE: '/run/secrets/token' }).value).toBe('s3cret');
    expect(run('${T:-dflt}', { T: '', T_FILE: '/run/secrets/token' }).value).toBe('s3cret');
    expect(run('${T:-dflt}', {}).value).toBe('dflt');
  });

  it('an unreadable file is a problem naming the variable and path, never its content', () => {
    expect(run('${T}', { T_FILE: '/run/secrets/absent' }).problems).toEqual([
      'cannot read T_FILE (/run/secrets/absent): no such file',
    ]);
  });

  it('reads real files by default', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'frontback-interp-'));
    try {
      writeFileSync(join(dir, 'secret'), 'on-disk\n');
      expect(interpolateString('${S}', { env: { S_FILE: 'secret' }, cwd: dir })).toEqual({
        value: 'on-disk',
        problems: [],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('interpolateValue', () => {
  it('replaces strings at any depth, keeps other values and keys, and reports paths', () => {
    const input = {
      '${KEY}': 'k',
      list: ['${A}', 2, true, null, { deep: '${MISSING}' }],
      n: 5,
    };
    const result = interpolateValue(input, { env: { A: 'a', KEY: 'no' } });
    expect(result.value).toEqual({ '${KEY}': 'k', list: ['a', 2, true, null, { deep: '' }], n: 5 });
    expect(result.problems).toEqual([
      { path: ['list', 4, 'deep'], message: 'environment variable MISSING is not set (nor MISSING_FILE)' },
    ]);
  });

  it('does not let a __proto__ key reach the prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": "${A}"}}') as unknown;
    const result = interpolateValue(input, { env: { A: 'yes' } }).value as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('interpolation properties', () => {
  const text = fc.string({ unit: fc.constantFrom('$', '{', '}', 'A', ':', '-', ' ', 'x') });

  it('escaping every "${" as "$${" gives back the original text, with no problems', () => {
    fc.assert(
      fc.property(text, (original) => {
        const escaped = original.replaceAll('${', () => '$${');
        expect(interpolateString(escaped, { env: {} })).toEqual({ value: original, problems: [] });
      }),
    );
  });

  it('${A} becomes exactly the value of A, whatever it contains', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (value, around) => {
        const safe = around.replaceAll('$', '');
        expect(interpolateString(`${safe}\${A}${safe}`, { env: { A: value } })).toEqual({
          value: `${safe}${value}${safe}`,
          problems: [],
        });
      }),
    );
  });
});
