import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emailKey, TRANSFORMS, type MappingValue } from '../../../../src/mapping/transforms/index.ts';
import { build, transformError } from './build.ts';

describe('email', () => {
  it.each([
    [' A@B.com', 'a@b.com'],
    ['John.Doe+Sales@Example.COM\n', 'john.doe+sales@example.com'],
    ['j.o.h.n@gmail.com', 'j.o.h.n@gmail.com'],
    ['', null],
    ['  ', null],
    [null, null],
  ] as [MappingValue, MappingValue][])('%j -> %j (no dot or +tag stripping)', (input, output) => {
    expect(build('email').forward(input)).toBe(output);
  });

  it('" A@B.com" and "a@b.com" compare equal', () => {
    const { normalize } = build('email');
    expect(normalize(' A@B.com')).toBe(normalize('a@b.com'));
  });

  it('only checks the shape when asked', () => {
    expect(build('email').forward('+33 1 23 45 67 89')).toBe('+33 1 23 45 67 89');
    expect(transformError(() => build('email', { validate: true }).forward('+33 1 23 45 67 89')).message).toBe(
      'email: "+33 1 23 45 67 89" is not an email address',
    );
    expect(build('email', { validate: true }).forward('Ops@Acme.io')).toBe('ops@acme.io');
  });

  it('flows both ways: the inverse of a normalised address is the address (property)', () => {
    const { forward, inverse } = build('email');
    fc.assert(
      fc.property(fc.emailAddress(), (address) => {
        const once = forward(address);
        expect(inverse(once)).toBe(once);
        expect(forward(inverse(once))).toBe(once);
      }),
    );
  });

  it.each([
    [' Brandt.Dooley@Cole.INFO ', 'brandt.dooley@cole.info'],
    ['BRANDT.DOOLEY@COLE.INFO', 'brandt.dooley@cole.info'],
    ['john.doe+sales@example.com', 'john.doe+sales@example.com'],
    ['mailto:Ann@X.com', 'ann@x.com'],
    ['ann@x.com.', 'ann@x.com'],
    ['ann@münchen.de', 'ann@xn--mnchen-3ya.de'],
    ['n/a', null],
    ['-', null],
    ['none', null],
    ['+33 1 23 45 67 89', null],
    ['ann@localhost', null],
    ['ann@x', null],
    ['ann@x.c', null],
    ['@x.com', null],
    ['ann@@x.com', null],
    ['ann@x.com, bob@y.com', null],
    ['Ann Lee <ann@x.com>', null],
    ['ann lee@x.com', null],
    ['ann@x.com/about', null],
    ['ann@x.com?subject=hi', null],
    ['ann@ex%41mple.com', null],
    ['', null],
    [null, null],
  ] as [MappingValue, MappingValue][])('as a match key %j -> %j (not a plausible address: no key)', (input, output) => {
    const key = TRANSFORMS.get('email')?.key?.({ validate: false });
    expect(key?.(input)).toBe(output);
    expect(emailKey(input)).toBe(output ?? undefined);
  });

  it('keeps a mistyped address on a field, where the key form drops it', () => {
    expect(build('email').forward(' N/A ')).toBe('n/a');
  });
});
