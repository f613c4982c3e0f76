/**
 * Transforms' declared `output` (what `frontback validate` uses for type fit) is what
 * their compiled functions really give, for inputs of other kinds too; transforms
 * whose output follows the input declare none.
 */
import { describe, expect, it } from 'vitest';
import { TRANSFORMS, type MappingValue } from '../../../../src/mapping/transforms/index.ts';

/** Transform, arguments as a mapping file gives them, sample inputs, and the declared output. */
const CASES: [string, unknown, MappingValue[], string][] = [
  ['trim', undefined, [' a ', 'b'], 'text'],
  ['lower', undefined, ['ABC'], 'text'],
  ['upper', undefined, ['abc'], 'text'],
  ['title', undefined, ['jean-luc'], 'text'],
  ['email', undefined, [' A@B.com '], 'text'],
  ['domain', undefined, ['https://www.Acme.com/x', 'acme.com'], 'text'],
  ['company-name', undefined, ['ACME S.A.S.', 42], 'text'],
  ['phone', { country: 'FR' }, ['01 23 45 67 89', '+33612345678'], 'text'],
  ['digits', undefined, ['FR 12-345', 12345], 'text'],
  ['e164', { country: 'FR' }, ['01 23 45 67 89', '+33612345678'], 'text'],
  ['template', { format: '{a} {b}' }, [{ a: 'x', b: 'y' }], 'text'],
  ['concat', { separator: ';' }, [['a', 'b']], 'text'],
  ['replace', { pattern: '-', with: '' }, ['a-b'], 'text'],
  ['split', { separator: ';' }, ['a;b'], 'list'],
  ['number', undefined, ['10.0', 7], 'number'],
  ['round', { decimals: 2 }, ['1.005', 2.345], 'number'],
  ['boolean', undefined, ['yes', 'false', true], 'boolean'],
  ['date', undefined, ['2024-01-02T03:04:05Z', '2024-01-02'], 'date'],
  ['datetime', undefined, ['2024-01-02 03:04:05', 1704164645000], 'datetime'],
];

const KIND: Readonly<Record<string, (v: MappingValue) => boolean>> = {
  text: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number',
  boolean: (v) => typeof v === 'boolean',
  list: (v) => Array.isArray(v),
  date: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v),
  datetime: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)) && v.includes('T'),
};

describe('transform outputs', () => {
  it.each(CASES)('%s gives what it declares', (name, args, inputs, output) => {
    const def = TRANSFORMS.get(name);
    expect(def?.output).toBe(output);
    if (def === undefined) return;
    const parsed = def.args.parse(args);
    const fn = def.compile(parsed);
    for (const input of inputs) {
      const value = fn(input);
      expect(KIND[output]?.(value), `${name}(${JSON.stringify(input)}) = ${JSON.stringify(value)}`).toBe(true);
    }
  });

  it('transforms whose output follows their input or arguments declare none', () => {
    const undeclared = [...TRANSFORMS.values()]
      .filter((t) => t.output === undefined)
      .map((t) => t.name)
      .sort();
    expect(undeclared).toEqual(['country-code', 'country-name', 'default', 'map']);
  });
});
