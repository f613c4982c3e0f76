/** What the commands that record a person's decision share: who acts, and values in one line. */
import { userInfo } from 'node:os';
import type { JsonValue } from '../store/json.ts';

/** A value in one line, at most 60 characters. */
export function showValue(value: JsonValue): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Who is acting: `--by`, else the login name. */
export function actorName(by: string | undefined): string {
  if (by !== undefined && by.trim() !== '') return by.trim();
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}
