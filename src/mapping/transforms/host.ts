/**
 * Host names as match keys: the check that `domain` and `email` share for the part
 * after the scheme or the `@`. A key is an ASCII host (IDN labels in punycode), lower
 * case, of at least two labels, and its last label (the top-level domain) is letters:
 * IP addresses, `localhost` and `n/a` are not keys.
 */
import { domainToASCII, domainToUnicode } from 'node:url';

// RFC 1035 labels, plus `_` (seen in real sub-domains); at most 63 characters each.
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
// A top-level domain is letters (`com`, `name`), or an IDN one in punycode (`xn--p1ai`).
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const MAX_LENGTH = 253;
const DELIMITER = /[\s/\\?#@:%[\]<>]/;

/**
 * The host as a key, or undefined: `host` in lower case ASCII when it is a plausible
 * public host name; Unicode labels are converted to punycode (`münchen.de` ->
 * `xn--mnchen-3ya.de`), trailing dots removed; no empty label.
 */
export function hostKey(host: string): string | undefined {
  // domainToASCII reads its input as a URL ("a/b.com" -> "a"): a host has no delimiters.
  // A trailing dot (`acme.com.`, the fully qualified form) names the same host.
  const text = host.normalize('NFKC').replace(/\.+$/, '');
  if (DELIMITER.test(text)) return undefined;
  // UTS #46 as URLs do it: lower case, full-width and other compatibility forms mapped,
  // Unicode labels to punycode, invalid punycode (`xn--abc`) refused as "".
  const ascii = domainToASCII(text);
  if (ascii === '' || ascii.length > MAX_LENGTH) return undefined;
  const labels = ascii.split('.');
  if (labels.length < 2 || !TLD.test(labels[labels.length - 1] ?? '')) return undefined;
  return labels.every((l) => LABEL.test(l) && decodes(l)) ? ascii : undefined;
}

/**
 * False for a punycode label that does not decode. Node 20's domainToASCII refuses one
 * (""); Node 24's (a newer ada) keeps it as written, and its domainToUnicode then gives
 * it back undecoded (`xn--abc`), so both are checked here.
 */
function decodes(label: string): boolean {
  if (!label.startsWith('xn--')) return true;
  const unicode = domainToUnicode(label);
  return unicode !== '' && !unicode.startsWith('xn--');
}
