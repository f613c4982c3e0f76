import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TRANSFORMS, type MappingValue } from '../../../../src/mapping/transforms/index.ts';
import { build, transformError } from './build.ts';

describe('split', () => {
  it.each([
    [undefined, 'a, b ,c', ['a', 'b', 'c']],
    [{ separator: ';' }, 'retail;wholesale', ['retail', 'wholesale']],
    [{ separator: ';' }, 'a;;b;', ['a', 'b']],
    [{ separator: ';', removeEmpty: false }, 'a;;b', ['a', '', 'b']],
    [{ separator: ',', trim: false }, 'a, b', ['a', ' b']],
    [undefined, '', []],
    [undefined, null, null],
    [undefined, ['a,b', 'c'], ['a', 'b', 'c']],
  ] as [unknown, MappingValue, MappingValue][])('%j: %j -> %j', (args, input, output) => {
    expect(build('split', args).forward(input)).toEqual(output);
  });

  it('joins back with the separator, or joinWith', () => {
    expect(build('split', { separator: ';' }).inverse(['a', 'b'])).toBe('a;b');
    expect(build('split', { separator: ',', joinWith: ', ' }).inverse(['a', 'b'])).toBe('a, b');
    expect(build('split').inverse([])).toBe(null);
  });

  it('"a;b" and "a; b" compare equal', () => {
    const { normalize } = build('split', { separator: ';' });
    expect(normalize('a; b')).toEqual(normalize('a;b'));
  });

  it('round-trips lists of non-empty, trimmed items without the separator (property)', () => {
    const { forward, inverse } = build('split', { separator: ';' });
    const item = fc.stringMatching(/^[a-z0-9_]([a-z0-9 _]*[a-z0-9_])?$/);
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 6 }), (list) => {
        expect(forward(inverse(list))).toEqual(list);
      }),
    );
  });
});

describe('concat', () => {
  it.each([
    [undefined, ['Jean', 'Picard'], 'Jean Picard'],
    [undefined, ['Jean', null, '', 'Picard'], 'Jean Picard'],
    [{ separator: ', ' }, { street: '1 Main St', street2: null, city: 'Springfield' }, '1 Main St, Springfield'],
    [{ separator: '-', skipEmpty: false }, ['a', null, 'b'], 'a--b'],
    [undefined, [null, ''], null],
    [undefined, 'single', 'single'],
    [undefined, [1, true], '1 true'],
  ] as [unknown, MappingValue, MappingValue][])('%j: %j -> %j', (args, input, output) => {
    expect(build('concat', args).forward(input)).toBe(output);
  });

  it('refuses nested lists', () => {
    expect(transformError(() => build('concat').forward([['a']])).message).toBe(
      'concat: cannot join a nested list ["a"]',
    );
  });

  it('has no inverse with an empty separator, said at compile time', () => {
    const def = TRANSFORMS.get('concat');
    expect(transformError(() => def?.inverse?.(def.args.parse({ separator: '' }))).message).toBe(
      'concat: has no inverse with an empty separator (the parts cannot be told apart); declare the field one-way',
    );
  });

  it('splits back at the separator', () => {
    expect(build('concat', { separator: ' | ' }).inverse('a | b')).toEqual(['a', 'b']);
  });
});
