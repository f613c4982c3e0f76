/**
 * Salesforce record ids: 15 case-sensitive characters (a 3-character key prefix naming
 * the object, then the record's number in base 62) and the 18-character form that adds
 * a 3-character checksum so the id survives case-insensitive systems. The API always
 * answers with 18 characters and accepts either.
 *
 * The checksum (Salesforce Help, "Find the 18-character ID"; Knowledge article 000385585):
 * for each 5-character chunk of the 15, a 5-bit number whose bit i is set when character i
 * is an upper-case letter, written as one character of `A..Z0..5`.
 */

const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The 3-character checksum of a 15-character id. */
export function idChecksum(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    out += CHECKSUM_ALPHABET[bits];
  }
  return out;
}

/** The 18-character form of a 15- or 18-character id (an 18 is returned as is). */
export function to18(id: string): string {
  return id.length === 15 ? id + idChecksum(id) : id;
}

/**
 * The canonical 18-character id when `value` is a well-formed Salesforce id, otherwise
 * undefined. A 15-character id is taken as is (it is case-sensitive). An 18-character id
 * is case-insensitive: its suffix says which of the first 15 characters are upper-case,
 * so the case is restored from it, as the API does; a suffix marking a digit as
 * upper-case is malformed.
 */
export function normalizeId(value: string): string | undefined {
  if (!/^[0-9A-Za-z]{15}(?:[0-9A-Za-z]{3})?$/.test(value)) return undefined;
  if (value.length === 15) return value + idChecksum(value);
  let id15 = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    const bits = CHECKSUM_ALPHABET.indexOf(value.charAt(15 + chunk).toUpperCase());
    if (bits < 0) return undefined;
    for (let i = 0; i < 5; i++) {
      const c = value.charAt(chunk * 5 + i);
      const upper = (bits & (1 << i)) !== 0;
      if (upper && !/[A-Za-z]/.test(c)) return undefined;
      id15 += upper ? c.toUpperCase() : c.toLowerCase();
    }
  }
  return id15 + idChecksum(id15);
}

/** The key prefix (first 3 characters) of an id. */
export function keyPrefix(id: string): string {
  return id.slice(0, 3);
}

/**
 * Builds ids for one org: `<prefix><pod 2><reserved "0"><9 base-62 digits>` + checksum.
 * Deterministic: the n-th id of a prefix is always the same for the same pod.
 */
export class IdFactory {
  private readonly counters = new Map<string, number>();

  /** @param pod two characters standing for the instance the org lives on (e.g. `5g`). */
  constructor(private readonly pod = '5g') {}

  /** The next 18-character id for a key prefix such as `001`. */
  next(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return IdFactory.format(prefix, this.pod, n);
  }

  /** Forgets the counters (a data reset). */
  reset(): void {
    this.counters.clear();
  }

  /** The id numbered `n` for a prefix and pod. */
  static format(prefix: string, pod: string, n: number): string {
    let digits = '';
    let rest = n;
    for (let i = 0; i < 9; i++) {
      digits = BASE62[rest % 62] + digits;
      rest = Math.floor(rest / 62);
    }
    const id15 = `${prefix}${pod}0${digits}`.slice(0, 15);
    return id15 + idChecksum(id15);
  }
}
