/**
 * `email`: trim and lower-case the whole address. Deliberately nothing more:
 * removing dots or `+tags` is right for Gmail only, and would merge two different
 * people's addresses on every other provider; the local part is case-sensitive in
 * RFC 5321 but no mail provider in use treats it so, and both CRMs and ERPs match
 * addresses case-insensitively. Because the normalised address is the same mailbox,
 * the inverse is the same normalisation and a both-ways email field is allowed.
 *
 * In a match rule the key form ({@link emailKey}) serves: an address that is not
 * plausible is no key, so two records both holding "n/a" never pair.
 */
import { z } from 'zod';
import { hostKey } from './host.ts';
import { fail, keyFn, keyText, show, textFn } from './support.ts';
import type { TransformDefinition, TransformFn } from './types.ts';

/** Arguments of `email`. */
export interface EmailArgs {
  /** When true, text that is not a plausible address (see {@link emailKey}) throws. Default false (normalise only). */
  validate: boolean;
}

const MAILTO = /^mailto:/i;

/**
 * The match key of an email address: trimmed, a `mailto:` prefix removed, lower case,
 * the domain in punycode (`ann@münchen.de` -> `ann@xn--mnchen-3ya.de`, the same
 * mailbox). Undefined when the value is not a plausible address: a shape check, not
 * RFC 5322: one `@`, something without spaces before it, a host of two or more labels
 * with a letter top-level domain after it (`n/a`, `ann@localhost`, a phone number and
 * `Ann <ann@x.com>` are not keys). Pure and idempotent. The identity matcher
 * (src/sync/identity.ts `normalizeEmail`) is this function.
 */
export function emailKey(value: unknown): string | undefined {
  const text = keyText(value);
  if (text === undefined) return undefined;
  let address = text.trim();
  while (MAILTO.test(address)) address = address.slice('mailto:'.length);
  address = address.toLowerCase();
  const at = address.indexOf('@');
  if (at <= 0 || at !== address.lastIndexOf('@') || /\s/.test(address)) return undefined;
  const host = hostKey(address.slice(at + 1));
  return host === undefined ? undefined : `${address.slice(0, at)}@${host}`;
}

function normaliser(args: EmailArgs): TransformFn {
  return textFn('email', (text) => {
    const address = text.trim().toLowerCase();
    if (address === '') return null;
    if (args.validate && emailKey(address) === undefined) throw fail('email', `${show(text)} is not an email address`);
    return address;
  });
}

const key: TransformFn = keyFn('email', emailKey);

/** `email`: trim + lower case of the whole address; "" -> null; as a match key, not an address -> null. */
export const email: TransformDefinition<EmailArgs> = {
  name: 'email',
  output: 'text',
  summary: 'trim and lower-case an email address (" A@B.com" -> "a@b.com")',
  args: z
    .object({ validate: z.boolean().default(false) })
    .strict()
    .prefault({}),
  compile: normaliser,
  inverse: normaliser,
  normalize: normaliser,
  key: () => key,
};
