/**
 * Small XML helpers shared by the Salesforce sandbox's SOAP pieces (Outbound Messages and
 * the SOAP API merge call): escaping, the SOAP 1.1 envelope and a namespace-blind parser.
 */
import { XMLParser } from 'fast-xml-parser';

/** The SOAP 1.1 envelope namespace. */
export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

/** Escapes text for an XML element or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * A SOAP 1.1 envelope around `body` (and `header` when given), declaring the `soapenv`,
 * `xsd` and `xsi` prefixes as Salesforce's messages do, plus any `extraNs` prefixes.
 */
export function soapEnvelope(body: string, header = '', extraNs: Record<string, string> = {}): string {
  const ns = Object.entries(extraNs)
    .map(([prefix, uri]) => ` xmlns${prefix ? `:${prefix}` : ''}="${escapeXml(uri)}"`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV_NS}" xmlns:xsd="http://www.w3.org/2001/XMLSchema"` +
    ` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"${ns}>` +
    (header ? `<soapenv:Header>${header}</soapenv:Header>` : '') +
    `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
  );
}

/** A parsed XML element: text, or children by local name (repeated ones as arrays), attributes under `@_`. */
export type XmlNode = string | { [name: string]: XmlNode | XmlNode[] };

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
});

/** Parses XML with namespace prefixes dropped (`soapenv:Body` -> `Body`); undefined when malformed. */
export function parseXml(text: string): Record<string, XmlNode | XmlNode[]> | undefined {
  try {
    const parsed: unknown = parser.parse(text, true);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, XmlNode | XmlNode[]>) : undefined;
  } catch {
    return undefined;
  }
}

/** The child `name` of an element (the first when repeated). */
export function child(node: XmlNode | XmlNode[] | undefined, name: string): XmlNode | XmlNode[] | undefined {
  const one = Array.isArray(node) ? node[0] : node;
  return typeof one === 'object' && one !== null ? one[name] : undefined;
}

/** Every value of a possibly repeated element, as a list. */
export function all(node: XmlNode | XmlNode[] | undefined): XmlNode[] {
  if (node === undefined) return [];
  return Array.isArray(node) ? node : [node];
}

/** The text of an element: its own text, `#text` when it has attributes, '' for an empty one. */
export function text(node: XmlNode | XmlNode[] | undefined): string | undefined {
  const one = Array.isArray(node) ? node[0] : node;
  if (one === undefined) return undefined;
  if (typeof one === 'string') return one;
  const inner = one['#text'];
  return typeof inner === 'string' ? inner : '';
}

/** Whether an element says `xsi:nil="true"`. */
export function isNil(node: XmlNode | XmlNode[] | undefined): boolean {
  const one = Array.isArray(node) ? node[0] : node;
  return typeof one === 'object' && one !== null && one['@_nil'] === 'true';
}
