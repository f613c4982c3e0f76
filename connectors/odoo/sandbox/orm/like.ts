/**
 * SQL LIKE matching as PostgreSQL does it for Odoo's `like`/`ilike`/`=like`/`=ilike`:
 * `%` any run, `_` one character, `\` escapes. Odoo wraps `like`/`ilike` values in `%`
 * without escaping, so user `%` and `_` stay wildcards. Every other character, including
 * those special in a regular expression (`- ] [ ^ $ . | ? * + ( ) { }`), is itself.
 */

const cache = new Map<string, RegExp>();

// With the `u` flag a regular expression refuses escapes of anything but its syntax
// characters and `/` (`\-` is "Invalid escape"), so exactly those are escaped.
const SYNTAX = /[\\^$.*+?()[\]{}|/]/g;
const literal = (ch: string): string => ch.replace(SYNTAX, '\\$&');

/** Compiles a LIKE pattern to an anchored RegExp (memoised). */
export function likeRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const key = `${caseInsensitive ? 'i' : 's'}:${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const ch = pattern[i] ?? '';
    if (ch === '\\' && i + 1 < pattern.length) {
      i += 1;
      source += literal(pattern[i] ?? '');
    } else if (ch === '%') source += '[\\s\\S]*';
    else if (ch === '_') source += '[\\s\\S]';
    else source += literal(ch);
  }
  const re = new RegExp(`^${source}$`, caseInsensitive ? 'iu' : 'u');
  if (cache.size > 1000) cache.clear();
  cache.set(key, re);
  return re;
}

/** True when `text` matches the LIKE `pattern`. */
export function likeMatch(text: string, pattern: string, caseInsensitive: boolean): boolean {
  return likeRegExp(pattern, caseInsensitive).test(text);
}
