import { describe, expect, it } from 'vitest';
import type { MappingValue } from '../../../../src/mapping/transforms/index.ts';
import { argProblems, build } from './build.ts';

describe('replace', () => {
  it.each([
    [{ pattern: ' GmbH', with: '' }, 'Acme GmbH', 'Acme'],
    [{ pattern: '.', with: '' }, '1.234.567', '1234567'],
    [{ pattern: '$', with: ' USD' }, '10$ and 20$', '10 USD and 20 USD'],
    [{ pattern: 'x', with: '$&$&' }, 'axb', 'a$&$&b'],
    [{ pattern: 'inc.', with: 'Inc.', ignoreCase: true }, 'Acme INC.', 'Acme Inc.'],
    [{ pattern: '\\s+', with: ' ', regex: true }, 'a \t b\n\nc', 'a b c'],
    [{ pattern: '^(\\w+), (\\w+)$', with: '$2 $1', regex: true }, 'Picard, Jean', 'Jean Picard'],
    [{ pattern: '[^\\d+]', regex: true }, '+33 (0)1-23', '+330123'],
    [{ pattern: 'a' }, null, null],
    [{ pattern: 'a', with: 'b' }, ['ab', 'ca'], ['bb', 'cb']],
  ] as [unknown, MappingValue, MappingValue][])('%j: %j -> %j', (args, input, output) => {
    expect(build('replace', args).forward(input)).toEqual(output);
  });

  it('reports a broken regular expression when the mapping loads, not per record', () => {
    expect(argProblems('replace', { pattern: '(unclosed', regex: true })).toEqual([
      'pattern: not a valid regular expression: Invalid regular expression: /(unclosed/gu: Unterminated group',
    ]);
  });

  it('needs a pattern', () => {
    expect(argProblems('replace', undefined)).toHaveLength(1);
    expect(argProblems('replace', { pattern: '' })).toHaveLength(1);
  });
});
