import { describe, expect, it } from 'vitest';
import { ErrorCode, FrontbackError } from '../../../../src/errors.ts';
import { TRANSFORMS, TransformError, transformNames } from '../../../../src/mapping/transforms/index.ts';

const EXPECTED = [
  'boolean',
  'company-name',
  'concat',
  'country-code',
  'country-name',
  'date',
  'datetime',
  'default',
  'digits',
  'domain',
  'e164',
  'email',
  'lower',
  'map',
  'number',
  'phone',
  'replace',
  'round',
  'split',
  'template',
  'title',
  'trim',
  'upper',
];

// Transforms that lose information going forward, so a both-ways field must not use them.
const LOSSY = [
  'company-name',
  'default',
  'digits',
  'domain',
  'lower',
  'phone',
  'replace',
  'round',
  'title',
  'trim',
  'upper',
];

describe('transform registry', () => {
  it('lists every transform of the issue, sorted, under its mapping-file name', () => {
    expect(transformNames()).toEqual(EXPECTED);
  });

  it.each(EXPECTED)('%s has a lower-case kebab name, a one-line summary and a compile function', (name) => {
    const def = TRANSFORMS.get(name);
    expect(def?.name).toBe(name);
    expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(def?.summary).toMatch(/^[^\n]{10,120}$/);
    expect(typeof def?.compile).toBe('function');
    expect(typeof def?.normalize).toBe('function');
  });

  it('offers an inverse exactly for the transforms that do not lose information', () => {
    const withoutInverse = EXPECTED.filter((n) => TRANSFORMS.get(n)?.inverse === undefined);
    expect(withoutInverse).toEqual(LOSSY);
  });

  it('accepts a missing argument block where every argument has a default', () => {
    const optional = EXPECTED.filter((n) => TRANSFORMS.get(n)?.args.safeParse(undefined).success);
    expect(optional).toEqual(EXPECTED.filter((n) => !['default', 'map', 'replace', 'template'].includes(n)));
  });

  it('rejects unknown argument names instead of ignoring them', () => {
    const lenient = EXPECTED.filter((n) => !['default', 'map', 'template'].includes(n)).filter(
      (n) => TRANSFORMS.get(n)?.args.safeParse({ pattern: 'x', nonsense: 1 }).success,
    );
    expect(lenient).toEqual([]);
  });
});

describe('TransformError', () => {
  it('is a FrontbackError with a stable code, the transform name and no context by default', () => {
    const err = new TransformError('e164: "12" is not a valid phone number', { transform: 'e164' });
    expect(err).toBeInstanceOf(FrontbackError);
    expect(err.name).toBe('TransformError');
    expect(err.code).toBe(ErrorCode.Transform);
    expect(err.retryable).toBe(false);
    expect(err.transform).toBe('e164');
    expect(err.message).toBe('e164: "12" is not a valid phone number');
    expect(err.toJSON().error.details).toMatchObject({ transform: 'e164' });
  });

  it('withContext prefixes field and record once, keeping the reason', () => {
    const err = new TransformError('number: "abc" is not a number', { transform: 'number' });
    const once = err.withContext({ field: 'fields[3]' });
    const twice = once.withContext({ record: '42' });
    expect(once.message).toBe('field fields[3]: number: "abc" is not a number');
    expect(twice.message).toBe('field fields[3] (record 42): number: "abc" is not a number');
    expect(twice.reason).toBe('number: "abc" is not a number');
    expect(twice.details).toMatchObject({ field: 'fields[3]', record: '42', transform: 'number' });
  });
});
