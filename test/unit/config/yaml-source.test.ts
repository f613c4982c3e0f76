import { describe, expect, it } from 'vitest';
import { formatPath, parseYamlSource } from '../../../src/config/yaml-source.ts';

const text = [
  'server:', //                          1
  '  port: 8080', //                     2
  '  host: "0.0.0.0"', //                3
  'connections:', //                     4
  '  hubspot:', //                       5
  '    auth: { type: bearer, token: x }', // 6
  '    empty:', //                       7
  'fields:', //                          8
  '  - crm: email', //                   9
  '    erp: email', //                   10
  '  - crm: phone', //                   11
  '',
].join('\n');

describe('parseYamlSource', () => {
  const source = parseYamlSource(text, 'x.yaml');

  it('gives the plain value', () => {
    expect(source.issues).toEqual([]);
    expect(source.value).toEqual({
      server: { port: 8080, host: '0.0.0.0' },
      connections: { hubspot: { auth: { type: 'bearer', token: 'x' }, empty: null } },
      fields: [{ crm: 'email', erp: 'email' }, { crm: 'phone' }],
    });
  });

  it.each([
    { path: [], where: 'value', line: 1, column: 1 },
    { path: ['server', 'port'], where: 'value', line: 2, column: 9 },
    { path: ['server', 'port'], where: 'key', line: 2, column: 3 },
    { path: ['server', 'host'], where: 'value', line: 3, column: 9 },
    { path: ['server'], where: 'value', line: 1, column: 1 },
    { path: ['connections', 'hubspot', 'auth'], where: 'value', line: 6, column: 5 },
    { path: ['connections', 'hubspot', 'auth', 'token'], where: 'value', line: 6, column: 34 },
    { path: ['connections', 'hubspot', 'auth', 'missing'], where: 'value', line: 6, column: 5 },
    { path: ['connections', 'hubspot', 'empty'], where: 'value', line: 7, column: 5 },
    { path: ['connections', 'nope', 'deeper'], where: 'value', line: 4, column: 1 },
    { path: ['fields', 1], where: 'value', line: 11, column: 5 },
    { path: ['fields', 0, 'erp'], where: 'value', line: 10, column: 10 },
    { path: ['fields', 5, 'erp'], where: 'value', line: 8, column: 1 },
    { path: ['server', 'port', 'under-a-scalar'], where: 'value', line: 2, column: 3 },
  ] as const)('$where of $path is at $line:$column', ({ path, where, line, column }) => {
    const pos = where === 'key' ? source.locateKey(path) : source.locate(path);
    expect(pos).toEqual({ line, column });
  });

  it('builds issues with position and dotted path', () => {
    expect(source.issueAt(['server', 'port'], 'bad')).toEqual({
      file: 'x.yaml',
      line: 2,
      column: 9,
      path: 'server.port',
      message: 'bad',
    });
  });

  it.each([
    { name: 'empty file', text: '', value: undefined },
    { name: 'only a comment', text: '# nothing\n', value: undefined },
    { name: 'scalar document', text: '42\n', value: 42 },
    { name: 'anchors and aliases', text: 'a: &x {b: 1}\nc: *x\n', value: { a: { b: 1 }, c: { b: 1 } } },
  ])('$name', ({ text: t, value }) => {
    const s = parseYamlSource(t, 'y.yaml');
    expect(s.issues).toEqual([]);
    expect(s.value).toEqual(value);
  });

  it.each([
    {
      name: 'unknown alias',
      text: 'a: 1\nb: *nope\n',
      issue: 'y.yaml:2:4 b: unknown alias "*nope" (the anchor must be defined before it is used)',
    },
    {
      name: 'complex key',
      text: '? [a, b]\n: 1\n',
      issue: 'y.yaml:1:3: keys must be plain scalars, not collections or aliases',
    },
    {
      name: 'constructor key',
      text: 'a:\n  constructor: 1\n',
      issue: 'y.yaml:2:3 a: key "constructor" is not allowed (reserved JavaScript property name)',
    },
    {
      name: 'prototype key',
      text: 'prototype: 1\n',
      issue: 'y.yaml:1:1: key "prototype" is not allowed (reserved JavaScript property name)',
    },
    {
      name: 'two documents',
      text: 'a: 1\n---\nb: 2\n',
      issue: 'y.yaml:2:1: only one YAML document is allowed per file (remove the "---" separator)',
    },
    { name: 'unknown tag', text: 'a: !vault 1\n', issue: 'y.yaml:1:4: unknown YAML tag !vault' },
    {
      name: 'unquoted ${VAR} inside a flow mapping, once, with the fix',
      text: 'auth: { type: bearer, token: ${X} }\n',
      issue:
        'y.yaml:1:31: Unexpected flow-map-start at node end; inside { } or [ ], quote values that contain "${...}"',
    },
    {
      name: 'single-quoted string left open',
      text: "a: 'open\n",
      issue: 'y.yaml:1:4: unclosed quote: this string has no closing quote',
    },
  ])('reports $name', async ({ text: t, issue }) => {
    const { formatSourceIssue } = await import('../../../src/errors.ts');
    const s = parseYamlSource(t, 'y.yaml');
    expect(s.issues.map(formatSourceIssue)).toEqual([issue]);
  });

  it('drops refused keys from the value, so nothing reaches a prototype', () => {
    const s = parseYamlSource('__proto__:\n  polluted: 1\nok: 2\n', 'y.yaml');
    expect(s.value).toEqual({ ok: 2 });
    expect(Object.getPrototypeOf(s.value)).toBe(Object.prototype);
    expect(s.issues).toHaveLength(1);
  });

  it('refuses alias bombs instead of expanding them', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    ].join('\n');
    const s = parseYamlSource(bomb, 'bomb.yaml');
    expect(s.value).toBeUndefined();
    expect(s.issues).toHaveLength(1);
    expect(s.issues[0]?.message).toMatch(/alias/i);
  });
});

describe('formatPath', () => {
  it.each([
    { path: [], text: '' },
    { path: ['a', 'b'], text: 'a.b' },
    { path: ['fields', 2, 'crm'], text: 'fields[2].crm' },
    { path: ['options', 'a.b'], text: 'options["a.b"]' },
    { path: ['business-central'], text: 'business-central' },
  ])('$path -> $text', ({ path, text }) => {
    expect(formatPath(path)).toBe(text);
  });
});
