/**
 * The strength rule for secrets the admin chooses: each kind of weakness the probe of
 * issue #15 found is named; what generators print (frontback secret, openssl rand) passes.
 */
import { describe, expect, it } from 'vitest';
import { estimateSecretBits, secretWeakness, weakSecretMessage } from '../../../src/config/secret-strength.ts';

describe('secretWeakness', () => {
  it.each([
    { name: 'one character', value: 'x', weakness: 'about 4 bits of randomness' },
    {
      name: 'two characters (the Odoo URL token the probe found)',
      value: 'k9',
      weakness: 'about 10 bits of randomness',
    },
    { name: '16 spaces', value: ' '.repeat(16), weakness: 'only whitespace' },
    { name: 'a tab and newlines', value: '\t\n\n', weakness: 'only whitespace' },
    { name: 'whitespace inside', value: 'Zq3vT9xLpW2mRk8s Hy4nB6cJd1fGa5e', weakness: 'it contains whitespace' },
    { name: 'a trailing newline', value: 'Zq3vT9xLpW2mRk8sHy4nB6cJd1fGa5eU7\n', weakness: 'it contains whitespace' },
    { name: 'aaaaaaaaaaaaaaaa', value: 'a'.repeat(16), weakness: 'one character repeated' },
    { name: '64 x "Z"', value: 'Z'.repeat(64), weakness: 'one character repeated' },
    { name: 'abab...', value: 'ab'.repeat(32), weakness: 'a pattern of 2 characters repeated' },
    {
      name: 'a repeated word',
      value: 'Secret-1'.repeat(6).slice(0, 45),
      weakness: 'a pattern of 8 characters repeated',
    },
    { name: 'mostly one character', value: `${'0'.repeat(30)}Xy7Kq2Lm9Pz4Rt8Wv3`, weakness: 'mostly one character' },
    { name: 'short mixed', value: 'aB3$xY9!qW2@eR5#', weakness: 'about 105 bits of randomness' },
    {
      name: '31 hex digits',
      value: '0123456789abcdef0123456789abcde'.split('').reverse().join(''),
      weakness: 'about 124 bits of randomness',
    },
    { name: '21 base64url characters', value: 'Qm9vb2sK-dF8_zT1aPx4e', weakness: 'about 126 bits of randomness' },
    { name: '38 digits', value: '73914062580294716385920174639058271634', weakness: 'about 126 bits of randomness' },
  ])('refuses $name: $weakness', ({ value, weakness }) => {
    expect(secretWeakness(value)).toBe(weakness);
  });

  it.each([
    { name: 'frontback secret (32 bytes)', value: 'Vq8Xb1h-3Jm2cY_rT0aP6eLwZ9kN4sGdF7uQ5oIiRtE' },
    { name: 'frontback secret --bytes 16', value: 'n3Kx_9PqW-2mZa7LrT4bVc' },
    { name: 'openssl rand -hex 16', value: '9f86d081884c7d659a2feaa0c55ad015' },
    { name: 'openssl rand -base64 24', value: 'q1Zr8w+KfT0/3xLpQm7sYbE5vNaHc2Jd' },
    { name: 'a UUID v4 without dashes and another', value: '3f2b8c1e9a7d4e6f8b0c2d4e6f8a0b1c' },
    { name: '40 random digits', value: '8203749165037281946502837164950283716495' },
  ])('accepts $name', ({ value }) => {
    expect(secretWeakness(value)).toBeUndefined();
  });

  it('estimates length x log2(alphabet of the classes used)', () => {
    expect(estimateSecretBits('abc')).toBeCloseTo(3 * Math.log2(16), 6); // hex
    expect(estimateSecretBits('xyz')).toBeCloseTo(3 * Math.log2(26), 6);
    expect(estimateSecretBits('xyz9')).toBeCloseTo(4 * Math.log2(36), 6);
    expect(estimateSecretBits('xyz-')).toBeCloseTo(4 * Math.log2(59), 6);
    expect(estimateSecretBits('xY')).toBeCloseTo(2 * Math.log2(64), 6); // base64url, both cases
    expect(estimateSecretBits('xY!')).toBeCloseTo(3 * Math.log2(85), 6);
  });

  it('the message names the weakness and the command, never the value', () => {
    const message = weakSecretMessage(secretWeakness('hunter2hunter2') ?? '');
    expect(message).toBe(
      'too weak (a pattern of 7 characters repeated): a secret you choose needs at least 128 bits of randomness; ' +
        'generate one with `frontback secret`',
    );
    expect(message).not.toContain('hunter2');
  });
});
