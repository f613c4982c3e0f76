/**
 * `email`: trim and lower-case the whole address. Deliberately nothing more:
 * removing dots or `+tags` is right for Gmail only, and would merge two different
 * people's addresses on every other provider; the local part is case-sensitive in
 * RFC 5321 but no mail provider in use treats it so, and both CRMs and ERPs match
 * addresses case-insensitively. Because the normalised address is the same mailbox,
 * the inverse is the same normalisation and a both-ways email field is allowed.
 */
import { z } from 'zod';
import { fail, show, textFn } from './support.ts';
import type { TransformDefinition, TransformFn } from './types.ts';

/** Arguments of `email`. */
export interface EmailArgs {
  /** When true, text that is not shaped like `local@domain.tld` throws. Default false (normalise only). */
  validate: boolean;
}

// A shape check, not RFC 5322: one @, something before it, a dotted domain after it,
// no whitespace. Enough to catch a phone number typed in the email field.
const SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function normaliser(args: EmailArgs): TransformFn {
  return textFn('email', (text) => {
    const address = text.trim().toLowerCase();
    if (address === '') return null;
    if (args.validate && !SHAPE.test(address)) throw fail('email', `${show(text)} is not an email address`);
    return address;
  });
}

/** `email`: trim + lower case of the whole address; "" -> null. */
export const email: TransformDefinition<EmailArgs> = {
  name: 'email',
  output: 'text',
  summary: 'trim and lower-case an email address (" A@B.com" -> "a@b.com")',
  args: z.object({ validate: z.boolean().default(false) }).strict().prefault({}),
  compile: normaliser,
  inverse: normaliser,
  normalize: normaliser,
};
