/**
 * Match keys (property-based): values that differ only in what a key ignores (case,
 * spacing, punctuation, the form of a URL or phone number) get one key; values that
 * differ in anything else (a letter, a digit, a label or a word) get different keys;
 * and every normaliser is idempotent, n(n(x)) === n(x), on any text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  companyNameKey,
  companyWords,
  LEGAL_FORMS,
  TRANSFORMS,
  type TransformFn,
} from '../../../../src/mapping/transforms/index.ts';

const RUNS = { numRuns: 500 };

/** The key function a match rule's `normalize:` uses for the transform (its key form, else its forward function). */
function keyOf(name: string, args?: unknown): TransformFn {
  const def = TRANSFORMS.get(name);
  if (def === undefined) throw new Error(`no transform ${name}`);
  const parsed = def.args.parse(args);
  return def.key?.(parsed) ?? def.compile(parsed);
}

const email = keyOf('email');
const domain = keyOf('domain');
const company = keyOf('company-name');
const companyFull = keyOf('company-name', { legalForms: 'keep' });
const phone = keyOf('phone', { country: 'FR' });
const digits = keyOf('digits');

/** Random upper/lower case of each character. */
function recase(text: string): fc.Arbitrary<string> {
  const flags = fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length });
  return flags.map((up) => [...text].map((c, i) => (up[i] ? c.toUpperCase() : c.toLowerCase())).join(''));
}
const blank = fc.constantFrom('', ' ', '  ', '\t', '\u00a0', '\n');
const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `text` with one character that matches `which` replaced by another of `alphabet` (never a case change). */
function oneChanged(text: string, which: RegExp, alphabet = ALNUM): fc.Arbitrary<string> {
  const at = [...text].flatMap((c, i) => (which.test(c) ? [i] : []));
  return fc.constantFrom(...at).chain((i) =>
    fc
      .constantFrom(...alphabet)
      .filter((c) => c !== text.charAt(i))
      .map((c) => text.slice(0, i) + c + text.slice(i + 1)),
  );
}

// Text that stresses Unicode handling: compatibility forms, case mappings that grow or
// add marks, combining marks, full-width punctuation, URL and email delimiters.
const TRICKY = [
  ..."aAbBwW.-_@:/?#%&+,'’ 0129",
  ...['İ', 'ß', 'ẞ', 'ℌ', 'ﬁ', '＆', 'Æ', 'ø', 'é', '\u0301', '．', '＠', 'ｗ', '。', 'ǅ', 'ı', 'ﬀ'],
];
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: fc.constantFrom(...TRICKY), maxLength: 24 }),
  fc.webUrl(),
  fc.emailAddress(),
  fc.domain(),
);

describe('every normaliser is idempotent: n(n(x)) === n(x)', () => {
  const normalisers: [string, TransformFn][] = [
    ['email', email],
    ['domain', domain],
    ['domain fromEmail none', keyOf('domain', { fromEmail: 'none' })],
    ['company-name', company],
    ['company-name keep', companyFull],
    ['phone', phone],
    ['phone drop', keyOf('phone', { extension: 'drop' })],
    ['digits', digits],
    ['trim', keyOf('trim')],
    ['lower', keyOf('lower')],
  ];
  it.each(normalisers)('%s', (_name, n) => {
    fc.assert(
      fc.property(anyText, (x) => {
        const once = n(x);
        expect(n(once)).toEqual(once);
      }),
      RUNS,
    );
  });

  it('phone, on numbers', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789 +.()-x'), maxLength: 20 }), (x) => {
        const once = phone(x);
        expect(phone(once)).toEqual(once);
      }),
      RUNS,
    );
  });
});

describe('email', () => {
  const address = fc.emailAddress().filter((a) => email(a) !== null);

  it('addresses that differ in case or surrounding spaces share a key', () => {
    const variant = address.chain((a) => fc.tuple(fc.constant(a), recase(a), blank, blank));
    fc.assert(
      fc.property(variant, ([a, cased, before, after]) => {
        expect(email(`${before}${cased}${after}`)).toBe(email(a));
      }),
      RUNS,
    );
  });

  it('addresses that differ otherwise do not', () => {
    fc.assert(
      fc.property(address, address, (a, b) => {
        fc.pre(a.toLowerCase() !== b.toLowerCase());
        expect(email(a)).not.toBe(email(b));
      }),
      RUNS,
    );
  });

  it('fast-check email addresses are keys', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (a) => {
        // RFC 5321 allows a single-letter top-level domain; no registry has one.
        fc.pre(!/\.[a-z]$/i.test(a));
        expect(email(a)).not.toBeNull();
      }),
      RUNS,
    );
  });
});

describe('domain', () => {
  // A bare host as a key, e.g. `bailey.name` (not www-prefixed: that is what the key strips;
  // `xn--` starts a punycode label, which must decode, so not a random one).
  const label = fc
    .stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/)
    .filter((l) => l !== 'www' && !l.startsWith('xn--'));
  const tld = fc.stringMatching(/^[a-z]{2,6}$/);
  const host = fc.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), tld).map(([ls, t]) => [...ls, t].join('.'));
  const fullWidth = (text: string): string =>
    text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
  const urlOf = (h: string): fc.Arbitrary<string> =>
    fc
      .record({
        scheme: fc.constantFrom('', 'http://', 'https://', 'HTTPS://', 'ftp://', '//'),
        user: fc.constantFrom('', 'user@', 'user:pw@'),
        www: fc.constantFrom('', 'www.', 'WWW.'),
        host: recase(h),
        dot: fc.constantFrom('', '.'),
        port: fc.constantFrom('', ':80', ':8080'),
        rest: fc.constantFrom('', '/', '/about', '/a/b?x=1', '?q=a.b', '#top', '/index.html#x'),
        space: blank,
        wide: fc.boolean(),
      })
      .map((u) => {
        const user = u.scheme === '' || u.scheme === '//' ? '' : u.user;
        const url = `${u.space}${u.scheme}${user}${u.www}${u.host}${u.dot}${u.port}${u.rest}${u.space}`;
        return u.wide ? fullWidth(url) : url;
      });

  it('a host and any URL form of it share a key: the host', () => {
    fc.assert(
      fc.property(
        host.chain((h) => fc.tuple(fc.constant(h), urlOf(h))),
        ([h, url]) => {
          expect(domain(h)).toBe(h);
          expect(domain(url)).toBe(h);
        },
      ),
      RUNS,
    );
  });

  it('a letter changed or a label added gives another key', () => {
    const changed = host.chain((h) =>
      fc
        .oneof(
          oneChanged(h, /[a-z0-9]/),
          label.map((l) => `${l}.${h}`),
          tld.map((t) => `${h}.${t}`),
        )
        .map((other) => [h, other] as const),
    );
    fc.assert(
      fc.property(changed, ([h, other]) => {
        const key = domain(other);
        if (key !== null) expect(key).not.toBe(domain(h));
      }),
      RUNS,
    );
  });
});

describe('company-name', () => {
  // Words that are neither legal forms nor placeholders, so that changing one is a change of name.
  const formWords = new Set(LEGAL_FORMS.flatMap((f) => f.spellings.map((s) => companyWords(s).join(''))));
  const special = new Set(['and', 'na', 'none', 'null', 'nil', 'unknown', 'undefined', 'tbd', 'tba']);
  const word = fc.stringMatching(/^[a-z]{2,9}$/).filter((w) => !formWords.has(w) && !special.has(w));
  const name = fc.array(word, { minLength: 1, maxLength: 4 });
  const separator = fc.constantFrom(' ', '  ', ', ', ' - ', ' / ', '\t', ' · ', '; ');
  const ampersand = fc.constantFrom(' & ', ' and ', ' AND ', ' + ', '&', ' ＆ ');
  const form = fc.constantFrom(...LEGAL_FORMS.flatMap((f) => f.spellings.map((s) => [f.id, s] as const)));

  /** The name written some way: any case, separators, `&` for `and`, spaces around, an optional legal form. */
  const written = (words: readonly string[], legal?: string): fc.Arbitrary<string> =>
    fc
      .tuple(
        fc.array(separator, { minLength: words.length, maxLength: words.length }),
        fc.array(ampersand, { minLength: words.length, maxLength: words.length }),
        recase(words.join('\u0000')),
        blank,
        fc.constantFrom('', '.', ','),
      )
      .map(([seps, ands, cased, edge, stop]) => {
        const ws = cased.split('\u0000');
        const joined = ws.map((w, i) => (i === 0 ? w : w.toLowerCase() === 'and' ? ands[i] : `${seps[i]}${w}`));
        return `${edge}${joined.join('')}${legal === undefined ? '' : `${stop} ${legal}`}${edge}`;
      });

  it('names that differ in case, spacing, punctuation or `&` share a key, legal form included', () => {
    const pair = fc.tuple(name, fc.nat(), fc.option(form, { nil: undefined })).chain(([ws, at, f]) => {
      // "and" between two words ("Bernier Kuphal & Little"); last, it would be part of "& Co".
      const cut = ws.length < 2 ? 0 : 1 + (at % (ws.length - 1));
      const words = cut === 0 ? ws : [...ws.slice(0, cut), 'and', ...ws.slice(cut)];
      return fc.tuple(fc.constant(words), written(words, f?.[1]), written(words, f?.[1]));
    });
    fc.assert(
      fc.property(pair, ([words, a, b]) => {
        expect(company(a)).toBe(words.join(' '));
        expect(company(b)).toBe(company(a));
        expect(companyFull(b)).toBe(companyFull(a));
      }),
      RUNS,
    );
  });

  it('a name and the same name with a legal form share a key, not a full key', () => {
    fc.assert(
      fc.property(name, form, (words, [id, spelling]) => {
        const bare = words.join(' ');
        const k = companyNameKey(`${bare} ${spelling}`);
        expect(k).toEqual({ key: bare, full: `${bare} ${id}`, legalForms: [id], strippedLegalForm: true });
        expect(companyNameKey(bare)?.strippedLegalForm).toBe(false);
      }),
      RUNS,
    );
  });

  it('a letter changed or a word added gives another key', () => {
    const changed = name.chain((ws) => {
      const text = ws.join(' ');
      return fc
        .oneof(
          oneChanged(text, /[a-z]/),
          word.map((w) => `${text} ${w}`),
          word.map((w) => `${w} ${text}`),
        )
        .map((other) => [text, other] as const);
    });
    fc.assert(
      fc.property(changed, ([text, other]) => {
        const key = company(other);
        if (key !== null) expect(key).not.toBe(company(text));
      }),
      RUNS,
    );
  });
});

describe('phone', () => {
  // French mobile numbers 60, 61, 62, 64... and seven digits: all valid in libphonenumber's plan.
  const prefix = fc.constantFrom('60', '61', '62', '64', '65', '66', '67', '68');
  const mobile = fc.tuple(prefix, fc.stringMatching(/^[0-9]{7}$/)).map(([p, rest]) => `${p}${rest}`);
  const pairs = (n: string): string => (n.slice(1).match(/../g) ?? []).join(' ');

  it('a number written any way has one key, its E.164 form', () => {
    const written = mobile.chain((n) =>
      fc
        .constantFrom(
          `+33${n}`,
          `+33 ${n[0]} ${pairs(n)}`,
          `0033${n}`,
          `0${n[0]}.${pairs(n).replaceAll(' ', '.')}`,
          `0${n[0]}-${pairs(n).replaceAll(' ', '-')}`,
          `(0)${n}`,
          ` +33 (0)${n} `,
        )
        .map((text) => [n, text] as const),
    );
    fc.assert(
      fc.property(written, ([n, text]) => {
        expect(phone(text)).toBe(`+33${n}`);
      }),
      RUNS,
    );
  });

  it('a digit changed gives another key', () => {
    // The first two digits say "mobile"; any of the seven after them may change.
    const changed = mobile.chain((n) =>
      oneChanged(n.slice(2), /\d/, '0123456789').map((rest) => [n, n.slice(0, 2) + rest] as const),
    );
    fc.assert(
      fc.property(changed, ([n, other]) => {
        expect(phone(`0${other}`)).not.toBe(phone(`0${n}`));
      }),
      RUNS,
    );
  });
});

describe('digits', () => {
  const number = fc.stringMatching(/^[0-9]{1,12}$/);
  const noise = fc.string({ unit: fc.constantFrom(' ', '-', '.', '/', 'F', 'R', 'x', '\u00a0'), maxLength: 3 });

  it('a number with any separators and letters around its digits has one key, its digits', () => {
    const written = number.chain((n) =>
      fc
        .array(noise, { minLength: n.length + 1, maxLength: n.length + 1 })
        .map((ns) => [n, ns.map((s, i) => s + (n[i] ?? '')).join('')] as const),
    );
    fc.assert(
      fc.property(written, ([n, text]) => {
        expect(digits(text)).toBe(n);
      }),
      RUNS,
    );
  });

  it('a digit changed, added or removed gives another key', () => {
    fc.assert(
      fc.property(number, number, (a, b) => {
        fc.pre(a !== b);
        expect(digits(a)).not.toBe(digits(b));
      }),
      RUNS,
    );
  });
});

it('the key transforms are keys going forward: no separate key form, junk is null', () => {
  for (const name of ['domain', 'company-name', 'phone', 'digits']) {
    expect(TRANSFORMS.get(name)?.key).toBeUndefined();
    expect(keyOf(name)(' n/a ')).toBeNull();
  }
});
