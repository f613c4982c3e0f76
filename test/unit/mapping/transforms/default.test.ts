import { describe, expect, it } from 'vitest';
import type { MappingValue } from '../../../../src/mapping/transforms/index.ts';
import { argProblems, build } from './build.ts';

describe('default', () => {
  it.each([
    ['n/a', null, 'n/a'],
    ['n/a', '', 'n/a'],
    ['n/a', '   ', 'n/a'],
    ['n/a', 'Acme', 'Acme'],
    [0, null, 0],
    [false, null, false],
    [{ value: 'n/a', blank: false }, '', ''],
    [{ value: 'n/a', blank: false }, null, 'n/a'],
    [{ value: ['untagged'] }, null, ['untagged']],
    ['n/a', 0, 0],
    ['n/a', false, false],
  ] as [unknown, MappingValue, MappingValue][])('default %j: %j -> %j', (args, input, output) => {
    expect(build('default', args).forward(input)).toEqual(output);
  });

  it('treats an empty value and the default as equal (no ping-pong between "" and "n/a")', () => {
    const { normalize } = build('default', 'n/a');
    expect(normalize('')).toBe(normalize('n/a'));
    expect(normalize(null)).toBe('n/a');
    expect(normalize('x')).toBe('x');
  });

  it('needs a value', () => {
    expect(argProblems('default', undefined).length).toBeGreaterThan(0);
    expect(argProblems('default', { blank: true }).length).toBeGreaterThan(0);
  });
});
