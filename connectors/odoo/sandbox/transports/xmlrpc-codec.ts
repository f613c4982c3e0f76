/**
 * XML-RPC encoding (https://xmlrpc.com/spec.md) as Python's xmlrpc.client speaks it:
 * parse a `<methodCall>` (struct, array, boolean, int/i4/i8, double, string, nil,
 * dateTime.iso8601, base64, and untyped values as strings) and render a
 * `<methodResponse>` or `<fault>`. Parsing uses fast-xml-parser with document order kept.
 */
import { XMLParser } from 'fast-xml-parser';
import { OdooError } from '../errors.ts';

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  trimValues: false,
  parseTagValue: false,
  processEntities: true,
  ignoreDeclaration: true,
});

function bad(message: string): OdooError {
  return new OdooError('builtins.ValueError', `XML-RPC request is not well formed: ${message}`);
}

function tagOf(node: XmlNode): string | undefined {
  return Object.keys(node).find((k) => k !== '#text' && k !== ':@');
}

function childrenOf(node: XmlNode): XmlNode[] {
  const tag = tagOf(node);
  const children = tag === undefined ? [] : node[tag];
  return Array.isArray(children) ? (children as XmlNode[]) : [];
}

function elements(nodes: readonly XmlNode[]): XmlNode[] {
  return nodes.filter((n) => tagOf(n) !== undefined);
}

function text(nodes: readonly XmlNode[]): string {
  return nodes
    .map((n) =>
      typeof n['#text'] === 'string' ? n['#text'] : typeof n['#text'] === 'number' ? String(n['#text']) : '',
    )
    .join('');
}

function child(nodes: readonly XmlNode[], tag: string): XmlNode | undefined {
  return nodes.find((n) => tagOf(n) === tag);
}

function decodeValue(valueNode: XmlNode): unknown {
  const inner = childrenOf(valueNode);
  const typed = elements(inner)[0];
  if (!typed) return text(inner);
  const tag = tagOf(typed) ?? '';
  const content = childrenOf(typed);
  const raw = text(content);
  switch (tag) {
    case 'string':
      return raw;
    case 'int':
    case 'i4':
    case 'i8': {
      const n = Number.parseInt(raw.trim(), 10);
      if (Number.isNaN(n)) throw bad(`bad ${tag} '${raw}'`);
      return n;
    }
    case 'double': {
      const n = Number.parseFloat(raw.trim());
      if (Number.isNaN(n)) throw bad(`bad double '${raw}'`);
      return n;
    }
    case 'boolean':
      if (raw.trim() !== '0' && raw.trim() !== '1') throw bad(`bad boolean value '${raw}'`);
      return raw.trim() === '1';
    case 'nil':
      return null;
    case 'dateTime.iso8601': {
      const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(raw.trim());
      if (!m) throw bad(`bad dateTime '${raw}'`);
      return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}`;
    }
    case 'base64':
      return raw.replace(/\s+/g, '');
    case 'array': {
      const data = child(content, 'data');
      return data
        ? elements(childrenOf(data))
            .filter((n) => tagOf(n) === 'value')
            .map(decodeValue)
        : [];
    }
    case 'struct': {
      const out: Record<string, unknown> = {};
      for (const member of elements(content).filter((n) => tagOf(n) === 'member')) {
        const parts = childrenOf(member);
        const nameNode = child(parts, 'name');
        const value = child(parts, 'value');
        if (!nameNode || !value) throw bad('struct member without name or value');
        const key = text(childrenOf(nameNode));
        // A `__proto__` key must stay data, never change the object's prototype.
        Object.defineProperty(out, key, {
          value: decodeValue(value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    default:
      throw bad(`unknown type <${tag}>`);
  }
}

/** Parses a `<methodCall>`. */
export function parseMethodCall(xml: string): { methodName: string; params: unknown[] } {
  let doc: XmlNode[];
  try {
    doc = parser.parse(xml) as XmlNode[];
  } catch (err) {
    throw bad(err instanceof Error ? err.message : String(err));
  }
  const call = child(elements(doc), 'methodCall');
  if (!call) throw bad('no <methodCall>');
  const parts = childrenOf(call);
  const nameNode = child(parts, 'methodName');
  if (!nameNode) throw bad('no <methodName>');
  const paramsNode = child(parts, 'params');
  const params = paramsNode
    ? elements(childrenOf(paramsNode))
        .filter((n) => tagOf(n) === 'param')
        .map((p) => {
          const value = child(childrenOf(p), 'value');
          if (!value) throw bad('<param> without <value>');
          return decodeValue(value);
        })
    : [];
  return { methodName: text(childrenOf(nameNode)).trim(), params };
}

function escapeXml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Renders one value. `null`/`undefined` become `<nil/>` (Odoo itself answers `false` for empty). */
export function encodeValue(value: unknown): string {
  if (value === null || value === undefined) return '<value><nil/></value>';
  if (typeof value === 'boolean') return `<value><boolean>${value ? 1 : 0}</boolean></value>`;
  if (typeof value === 'number') {
    return Number.isInteger(value) && Math.abs(value) <= 2147483647
      ? `<value><int>${value}</int></value>`
      : `<value><double>${String(value)}</double></value>`;
  }
  if (typeof value === 'string') return `<value><string>${escapeXml(value)}</string></value>`;
  if (Array.isArray(value))
    return `<value><array><data>\n${value.map(encodeValue).join('\n')}\n</data></array></value>`;
  if (typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>).map(
      ([k, v]) => `<member>\n<name>${escapeXml(k)}</name>\n${encodeValue(v)}\n</member>`,
    );
    return `<value><struct>\n${members.join('\n')}\n</struct></value>`;
  }
  return `<value><string>${escapeXml(String(value))}</string></value>`;
}

/** A `<methodResponse>` with one value. */
export function encodeResponse(value: unknown): string {
  return `<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n${encodeValue(value)}\n</param>\n</params>\n</methodResponse>\n`;
}

/** A `<methodResponse>` with a fault. */
export function encodeFault(faultCode: number | string, faultString: string): string {
  return `<?xml version='1.0'?>\n<methodResponse>\n<fault>\n${encodeValue({ faultCode, faultString })}\n</fault>\n</methodResponse>\n`;
}
