/**
 * `domain`: a web address or host as people type it -> the bare host, as a match key:
 * `https://www.Bailey.name/about?x=1` -> `bailey.name`. HubSpot keeps a company's
 * `domain` bare; Odoo's `website` is whatever was typed, usually a full URL.
 */
import { z } from 'zod';
import { hostKey } from './host.ts';
import { keyFn, keyText } from './support.ts';
import type { TransformDefinition } from './types.ts';

/** Options of {@link domainKey} and arguments of `domain`. */
export interface DomainOptions {
  /**
   * What an email address (`info@acme.com`, `mailto:info@acme.com`) gives: `domain`,
   * its domain (`acme.com`: someone typed the contact address into the website field), or
   * `none`, no key. Default `domain`.
   */
  fromEmail: 'domain' | 'none';
}

const WEB_SCHEME = /^(?:https?|ftps?):\/*/i;
const OTHER_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const MAILTO = /^mailto:/i;
const WWW = 'www.';

/**
 * The host of a URL, host or email address as a match key, or undefined:
 * NFKC (full-width letters), no scheme (`http`, `https`, `ftp`, `ftps` or none; any
 * other scheme is no key), no user-info, port, path, query or fragment, no trailing
 * dot, no leading `www.` label (only that label, and only while a dotted host remains:
 * `www2.acme.com` and `wwwacme.com` stay), lower case, IDN labels in punycode
 * (`münchen.de` -> `xn--mnchen-3ya.de`). A host needs two labels and a letter
 * top-level domain, so junk (`n/a`, `-`, `none`, `""`), IP addresses and `localhost`
 * are no key. Pure and idempotent.
 */
export function domainKey(value: unknown, options: Partial<DomainOptions> = {}): string | undefined {
  const raw = keyText(value);
  if (raw === undefined) return undefined;
  let text = raw.normalize('NFKC').trim();
  let isEmail = false;
  if (MAILTO.test(text)) {
    text = text.slice('mailto:'.length);
    isEmail = true;
  } else if (WEB_SCHEME.test(text)) text = text.replace(WEB_SCHEME, '');
  else if (OTHER_SCHEME.test(text)) return undefined;
  else {
    text = text.replace(/^\/\//, '');
    // No scheme: `user@host` is an email address typed where a website was expected.
    isEmail = /^[^/?#]*@/.test(text);
  }
  if (isEmail && options.fromEmail === 'none') return undefined;
  let host: string;
  try {
    // The WHATWG URL parser is what browsers use to find the host: user-info, port,
    // path, percent-encoding and IDN handled as a browser would.
    host = new URL(`http://${text}`).hostname;
  } catch {
    return undefined;
  }
  host = host.replace(/\.+$/, '');
  // Only the `www` label, and only while a dotted host remains (`www.com` is a host).
  while (host.startsWith(WWW) && host.indexOf('.', WWW.length) > 0) host = host.slice(WWW.length);
  return hostKey(host);
}

const domainArgs = z
  .object({ fromEmail: z.enum(['domain', 'none']).default('domain') })
  .strict()
  .prefault({});

/** `domain`: URL, host or email -> bare host key (`https://www.Bailey.name/about` -> `bailey.name`); junk -> null. */
export const domain: TransformDefinition<DomainOptions> = {
  name: 'domain',
  output: 'text',
  summary: 'URL or host -> bare host key ("https://www.Acme.com:8080/x" -> "acme.com"); junk -> null',
  args: domainArgs,
  compile: (args) => keyFn('domain', (text) => domainKey(text, args)),
  normalize: (args) => keyFn('domain', (text) => domainKey(text, args)),
};
