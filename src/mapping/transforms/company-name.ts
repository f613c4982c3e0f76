/**
 * `company-name`: a company name as people type it -> a match key, so that
 * "Bernier Kuphal & Little" and "Bernier, Kuphal and Little", or "Acme SAS" and "ACME",
 * find each other: accents, case, punctuation and spacing do not count, `&`/`+` read
 * "and", and legal forms (legal-forms.ts) are stripped. A match that needed a legal
 * form stripped is weaker evidence than one that did not ("Acme SA" in France and
 * "Acme Inc" in the US are likely different companies): {@link companyNameKey} and
 * {@link companyNameMatch} tell the two apart.
 */
import { z } from 'zod';
import { LEGAL_FORMS, type LegalForm } from './legal-forms.ts';
import { keyFn, keyText } from './support.ts';
import type { TransformDefinition } from './types.ts';

/** The key of a company name, see {@link companyNameKey}. */
export interface CompanyNameKey {
  /** The name without its legal forms (`Acme S.A.S.` -> `acme`): what `company-name` gives. */
  readonly key: string;
  /** The name with its legal forms written one way (`Acme Limited` and `ACME LTD.` -> `acme ltd`). */
  readonly full: string;
  /** Ids of the legal forms stripped (`["gmbh", "co", "kg"]`), in the order the name has them. */
  readonly legalForms: readonly string[];
  /** True when a legal form was stripped, i.e. `key` differs from `full`. */
  readonly strippedLegalForm: boolean;
}

const MARKS = /\p{M}+/gu;
// Letters that are not "a letter plus an accent" in Unicode, so NFKD keeps them.
const FOLD: Readonly<Record<string, string>> = {
  ß: 'ss',
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
};
const FOLDABLE = /[ßøæœłđðþıħ]/g;
// Apostrophes and dots join what they separate ("McDonald's", "S.A.S."); other punctuation separates.
const JOINERS = /['’‘ʼ`.]/g;
const SEPARATORS = /[^\p{L}\p{N}]+/gu;
// Placeholders typed where a name was required.
const JUNK = new Set(['na', 'n a', 'none', 'null', 'nil', 'unknown', 'undefined', 'tbd', 'tba']);

/**
 * The words of a name as keys compare them: NFKD with accents (combining marks)
 * removed, case-folded (`ß` -> `ss`, `ø` -> `o`, `æ` -> `ae`...), `&` and `+` as `and`,
 * apostrophes and dots removed, any other run of non-letters/digits a word break.
 */
export function companyWords(text: string): string[] {
  // Accents off before lower-casing: NFKD splits `İ` into `I` and a dot, which
  // toLowerCase would otherwise turn into `i̇` (checked over every code point, once).
  const folded = text
    .normalize('NFKD')
    .replace(MARKS, '')
    .toLowerCase()
    .replace(FOLDABLE, (c) => FOLD[c] ?? c);
  const words = folded.replace(/[&+]/g, ' and ').replace(JOINERS, '').replace(SEPARATORS, ' ').trim();
  return words === '' ? [] : words.split(' ');
}

const FORMS = new Map<string, LegalForm>();
let WINDOW = 1;
for (const form of LEGAL_FORMS) {
  for (const spelling of form.spellings) {
    const words = companyWords(spelling);
    FORMS.set(words.join(''), form);
    WINDOW = Math.max(WINDOW, words.length);
  }
}
// A short form may be typed letter by letter ("S A R L"), one word per letter.
for (const compact of FORMS.keys()) if (compact.length <= 4) WINDOW = Math.max(WINDOW, compact.length);

/** The legal form the last (or first) `k` words spell, with `k` as large as possible; the name keeps one word. */
function formAt(words: readonly string[], side: 'end' | 'start'): { form: LegalForm; count: number } | undefined {
  for (let k = Math.min(WINDOW, words.length - 1); k >= 1; k -= 1) {
    const form = FORMS.get((side === 'end' ? words.slice(-k) : words.slice(0, k)).join(''));
    if (form && (side === 'end' || form.at === 'either')) return { form, count: k };
  }
  return undefined;
}

/**
 * The match key of a company name, or undefined when it is no name (blank,
 * punctuation only, a placeholder such as `n/a`, `none`, `unknown`). Words as
 * {@link companyWords} reads them; then legal forms are stripped from the end, one
 * after the other (`GmbH & Co. KG`, `Pty Ltd`), and those marked `either` from the
 * start too, always leaving one word (`Company Ltd` -> `company`). Pure and
 * idempotent: `companyNameKey(key).key === key`.
 */
export function companyNameKey(value: unknown): CompanyNameKey | undefined {
  const text = keyText(value);
  if (text === undefined) return undefined;
  let words = companyWords(text);
  if (words.length === 0 || JUNK.has(words.join(' '))) return undefined;
  const before: string[] = [];
  const after: string[] = [];
  for (;;) {
    const atEnd = formAt(words, 'end');
    if (atEnd) {
      after.unshift(atEnd.form.id);
      words = words.slice(0, -atEnd.count);
      continue;
    }
    const atStart = formAt(words, 'start');
    if (!atStart) break;
    before.push(atStart.form.id);
    words = words.slice(atStart.count);
  }
  const key = words.join(' ');
  if (JUNK.has(key)) return undefined;
  const legalForms = [...before, ...after];
  return { key, full: [...before, ...words, ...after].join(' '), legalForms, strippedLegalForm: legalForms.length > 0 };
}

/**
 * How two company names agree: `full` when they do legal forms included (`Acme Ltd`
 * and `ACME Limited`), `key` when only once legal forms are stripped (`Acme SAS` and
 * `Acme`: weak evidence, to trust only when other facts, such as the country, agree),
 * undefined when they differ or either is no name.
 */
export function companyNameMatch(a: unknown, b: unknown): 'full' | 'key' | undefined {
  const x = companyNameKey(a);
  const y = companyNameKey(b);
  if (x === undefined || y === undefined || x.key !== y.key) return undefined;
  return x.full === y.full ? 'full' : 'key';
}

/** Arguments of `company-name`. */
export interface CompanyNameArgs {
  /** `strip` legal forms (key `acme` for `Acme SAS`), or `keep` them written one way (`acme sas`). Default `strip`. */
  legalForms: 'strip' | 'keep';
}

const companyNameArgs = z
  .object({ legalForms: z.enum(['strip', 'keep']).default('strip') })
  .strict()
  .prefault({});

function keyOf(args: CompanyNameArgs): (text: string) => string | undefined {
  return (text) => {
    const k = companyNameKey(text);
    return args.legalForms === 'keep' ? k?.full : k?.key;
  };
}

/** `company-name`: company name -> match key (`Bernier, Kuphal and Little S.A.S.` -> `bernier kuphal and little`). */
export const companyName: TransformDefinition<CompanyNameArgs> = {
  name: 'company-name',
  output: 'text',
  summary: 'company name -> match key: no accents, case, punctuation or legal form ("ACME S.A.S." -> "acme")',
  args: companyNameArgs,
  compile: (args) => keyFn('company-name', keyOf(args)),
  normalize: (args) => keyFn('company-name', keyOf(args)),
};
