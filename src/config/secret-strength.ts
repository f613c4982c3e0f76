/**
 * How strong a secret that frontback's admin chooses is (admin token, metrics token, a
 * webhook URL token): a rough lower bound of its randomness, length x log2(alphabet of
 * the character classes it uses), and the low-variety shapes people type (whitespace,
 * one character repeated, a short pattern repeated, one character most of the time).
 * What `frontback secret` prints always passes. Messages never contain the value.
 */

/** Bits of randomness a chosen secret needs: what `frontback secret --bytes 16` gives. */
export const MIN_SECRET_BITS = 128;

/** The command that prints a strong secret, named in every refusal. */
export const SECRET_COMMAND = 'frontback secret';

/** ASCII punctuation: 33 printable characters that are not letters, digits or space. */
const OTHER_CLASS_SIZE = 33;

/**
 * The alphabet `value` looks drawn from: the sum of the classes it uses (a-z 26, A-Z 26,
 * 0-9 10, anything else 33). Hex in one case counts 16 (digits alone 10); a base64/base64url string that
 * mixes both letter cases counts 64, the alphabet `frontback secret` draws from.
 */
export function alphabetSize(value: string): number {
  if (/^[0-9]+$/.test(value)) return 10;
  if (/^[0-9a-f]+$/.test(value) || /^[0-9A-F]+$/.test(value)) return 16;
  const lower = /[a-z]/.test(value);
  const upper = /[A-Z]/.test(value);
  if ((/^[A-Za-z0-9_-]+$/.test(value) || /^[A-Za-z0-9+/]+=*$/.test(value)) && lower && upper) return 64;
  let size = 0;
  if (lower) size += 26;
  if (upper) size += 26;
  if (/[0-9]/.test(value)) size += 10;
  if (/[^A-Za-z0-9]/.test(value)) size += OTHER_CLASS_SIZE;
  return size;
}

/** Estimated bits of randomness: length (in characters) x log2(alphabet size). */
export function estimateSecretBits(value: string): number {
  const length = [...value].length;
  const alphabet = alphabetSize(value);
  return alphabet <= 1 ? 0 : length * Math.log2(alphabet);
}

/** The length of the shortest pattern `chars` repeats (a partial last copy allowed); its own length when none. */
function shortestPeriod(chars: readonly string[]): number {
  for (let p = 1; p <= chars.length / 2; p += 1) {
    let repeats = true;
    for (let i = p; i < chars.length && repeats; i += 1) repeats = chars[i] === chars[i - p];
    if (repeats) return p;
  }
  return chars.length;
}

/**
 * Why `value` is too weak for a secret the admin chooses, in a few words; undefined when
 * it is strong enough. An empty value is not judged here (the schema says "is empty").
 */
export function secretWeakness(value: string): string | undefined {
  if (value === '') return undefined;
  if (/^\s+$/.test(value)) return 'only whitespace';
  if (/\s/.test(value)) return 'it contains whitespace';
  const chars = [...value];
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  if (chars.length > 1 && counts.size === 1) return 'one character repeated';
  const period = shortestPeriod(chars);
  if (period < chars.length) return `a pattern of ${period} characters repeated`;
  const most = Math.max(...counts.values());
  if (chars.length >= 6 && most * 3 > chars.length) return 'mostly one character';
  const bits = Math.floor(estimateSecretBits(value));
  if (bits < MIN_SECRET_BITS) return `about ${bits} bits of randomness`;
  return undefined;
}

/** The one message for a weak chosen secret: what is wrong, what is needed, and how to get one. Never the value. */
export function weakSecretMessage(weakness: string): string {
  return `too weak (${weakness}): a secret you choose needs at least ${MIN_SECRET_BITS} bits of randomness; generate one with \`${SECRET_COMMAND}\``;
}
