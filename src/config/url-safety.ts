/**
 * Base URL checks against server-side request forgery (OWASP API7:2023). A
 * connection's base URL is where frontback sends credentials and follows links
 * from vendor answers; pointing it at a cloud metadata endpoint would hand that
 * endpoint's instance credentials to whoever wrote the config or controls DNS.
 *
 * Refused: schemes other than http and https; a user name or password in the URL;
 * IPv4 link-local 169.254.0.0/16 (AWS, Azure, GCP, OpenStack metadata at
 * 169.254.169.254); Alibaba's 100.100.100.200; IPv6 link-local fe80::/10; AWS's
 * IPv6 metadata fd00:ec2::254; those IPv4 addresses written as IPv4-mapped or NAT64
 * IPv6; the metadata host names below. Allowed on purpose: localhost and 127.0.0.1
 * (the sandboxes run there) and private ranges (on-premises ERPs live there).
 * A DNS name that resolves to a refused address is not caught here, at load time.
 */

/** Host names of cloud metadata services (lowercase, without a trailing dot). */
export const METADATA_HOSTNAMES: ReadonlySet<string> = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

function parseIpv4(host: string): number[] | undefined {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined;
  const bytes = parts.map(Number);
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

/** Expands an IPv6 literal (as WHATWG URL serialises it: lowercase hex, `::`) to 8 groups. */
function parseIpv6(host: string): number[] | undefined {
  const halves = host.split('::');
  if (halves.length > 2) return undefined;
  const groups = (text: string | undefined): number[] | undefined => {
    if (!text) return [];
    const out: number[] = [];
    for (const part of text.split(':')) {
      const v4 = parseIpv4(part);
      if (v4) out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      else if (/^[0-9a-f]{1,4}$/i.test(part)) out.push(parseInt(part, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const fill = 8 - head.length - tail.length;
  return fill < 1 ? undefined : [...head, ...new Array<number>(fill).fill(0), ...tail];
}

function refusedIpv4(bytes: readonly number[]): boolean {
  const [a, b, c, d] = bytes;
  return (a === 169 && b === 254) || (a === 100 && b === 100 && c === 100 && d === 200);
}

function refusedIpv6(g: readonly number[]): boolean {
  if (((g[0] ?? 0) & 0xffc0) === 0xfe80) return true;
  if (g.join(':') === [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254].join(':')) return true;
  const mapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  if (mapped || nat64) {
    const hi = g[6] ?? 0;
    const lo = g[7] ?? 0;
    return refusedIpv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  }
  return false;
}

/** True when `hostname` (as `URL.hostname` gives it) is link-local or a metadata endpoint. */
export function isRefusedHost(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (METADATA_HOSTNAMES.has(host)) return true;
  const v4 = parseIpv4(host);
  if (v4) return refusedIpv4(v4);
  const v6 = host.includes(':') ? parseIpv6(host) : undefined;
  return v6 ? refusedIpv6(v6) : false;
}

/** What to check besides the scheme and userinfo. */
export interface UrlCheckOptions {
  /** Refuse link-local and metadata hosts (true for URLs frontback calls). */
  refuseInternal: boolean;
}

/**
 * Checks an http(s) URL; returns undefined when it is acceptable, else what is
 * wrong. The URL is only echoed back when it has no userinfo, so a password in
 * it never reaches an error message.
 */
export function checkHttpUrl(raw: string, options: UrlCheckOptions): string | undefined {
  // Anything with an "@" may carry a password: describe it instead of echoing it.
  const shown = raw.includes('@') ? 'a value containing "@"' : JSON.stringify(raw);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `expected an http:// or https:// URL; got ${shown}`;
  }
  if (url.username !== '' || url.password !== '') {
    return 'must not contain a user name or password (put credentials under auth)';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `expected an http:// or https:// URL; got ${shown}`;
  }
  if (options.refuseInternal && isRefusedHost(url.hostname)) {
    return `points at a link-local or cloud metadata address (${url.hostname}), which is refused (SSRF protection)`;
  }
  return undefined;
}
