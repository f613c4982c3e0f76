/**
 * Reading what a console form or link sent: blank fields are absent (a filter form sends
 * `?mapping=&side=` for "any"), then zod checks the rest, and a bad value is a 400 that
 * names the field (`query.status`, `form.reason`), as the admin API answers.
 */
import type { z } from 'zod';
import { ErrorCode, FrontbackError } from '../../errors.ts';

/** `value` without its blank (empty or whitespace-only) string fields. */
function withoutBlanks(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value ?? {};
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).filter(([, v]) => !(typeof v === 'string' && v.trim() === '')),
  );
}

/** Parses `value` (a query or a form) with `schema`, or throws a validation error naming each bad field of `where`. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, where: 'query' | 'form' | 'path'): T {
  const result = schema.safeParse(withoutBlanks(value));
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (i) => `${where}${i.path.length > 0 ? `.${i.path.join('.')}` : ''}: ${i.message}`,
  );
  throw new FrontbackError(ErrorCode.Validation, problems.join('; '), { details: { problems } });
}

/** A flash message after a decision, from the query (`?done=` or `?failed=`), shown escaped. */
export function flashOf(query: { done?: string | undefined; failed?: string | undefined }): {
  message?: string;
  failed?: boolean;
} {
  if (query.failed !== undefined) return { message: query.failed, failed: true };
  if (query.done !== undefined) return { message: query.done };
  return {};
}
