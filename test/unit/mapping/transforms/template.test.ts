import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TRANSFORMS, type MappingValue } from '../../../../src/mapping/transforms/index.ts';
import { argProblems, build, transformError } from './build.ts';

describe('template', () => {
  it.each([
    ['{firstname} {lastname}', { firstname: 'Jean-Luc', lastname: 'Picard' }, 'Jean-Luc Picard'],
    ['{firstname} {lastname}', { firstname: 'Jean-Luc', lastname: null }, 'Jean-Luc'],
    ['{firstname} {lastname}', { firstname: null, lastname: null }, null],
    ['{title} {first} {last}', { title: 'Dr', first: null, last: 'Crusher' }, 'Dr Crusher'],
    ['{lastname}, {firstname}', { firstname: 'Jean', lastname: 'Picard' }, 'Picard, Jean'],
    ['{0}-{1}', ['SO', 42], 'SO-42'],
    ['ref {value}', 'A1', 'ref A1'],
    ['ref {}', 7, 'ref 7'],
    ['{{literal}} {value}', 'x', '{literal} x'],
    [{ format: ' {a}  {b} ', trim: false }, { a: 'x', b: 'y' }, ' x  y '],
  ] as [unknown, MappingValue, MappingValue][])('%j with %j -> %j', (args, input, output) => {
    expect(build('template', args).forward(input)).toBe(output);
  });

  it.each([
    ['{firstname} {lastname}', 'Jean Luc Picard', { firstname: 'Jean', lastname: 'Luc Picard' }],
    ['{firstname} {lastname}', 'Jean', { firstname: 'Jean', lastname: null }],
    ['{lastname}, {firstname}', 'Picard, Jean-Luc', { lastname: 'Picard', firstname: 'Jean-Luc' }],
    ['{0}-{1}', 'SO-42', ['SO', '42']],
    ['ref {value}', 'ref A1', 'A1'],
    ['{firstname} {lastname}', null, { firstname: null, lastname: null }],
  ] as [string, MappingValue, MappingValue][])('inverse of %j reads %j back as %j', (format, input, output) => {
    expect(build('template', format).inverse(input)).toEqual(output);
  });

  it.each([
    ['{a', ': template: unclosed "{" at character 1 of "{a"'],
    ['a}', ': template: unmatched "}" at character 2 of "a}" (write "}}" for a literal brace)'],
    ['no placeholder', ': "no placeholder" has no {placeholder}'],
  ])('refuses the format %j when the mapping loads', (format, problem) => {
    expect(argProblems('template', format)).toEqual([problem]);
  });

  it.each([
    ['{a}{b}', 'template: "{a}{b}" has no inverse: {a} and {b} have no text between them; declare the field one-way'],
    ['{a} {a}', 'template: "{a} {a}" has no inverse: {a} appears twice; declare the field one-way'],
  ])('says at compile time that %j cannot flow back', (format, message) => {
    const def = TRANSFORMS.get('template');
    expect(transformError(() => def?.inverse?.(def.args.parse(format))).message).toBe(message);
  });

  it('names the placeholder that has nothing to read', () => {
    expect(transformError(() => build('template', '{first} {last}').forward({ first: 'a' })).message).toBe(
      'template: placeholder {last} has nothing to read in object {"first":"a"}',
    );
  });

  it('round-trips names whose first part has no space (property)', () => {
    const { forward, inverse } = build('template', '{firstname} {lastname}');
    const word = fc.stringMatching(/^[A-Za-zÀ-ÿ'-]{1,12}$/);
    const words = fc.array(word, { minLength: 1, maxLength: 3 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(word, words, (firstname, lastname) => {
        const record = { firstname, lastname };
        expect(inverse(forward(record))).toEqual(record);
      }),
    );
  });
});
