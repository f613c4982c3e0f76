/**
 * `frontback describe <connection> [object]`: what a connection's system offers, as its
 * connector describes it (the same descriptions `validate` checks mappings against): the
 * objects, and for one object each field with its type, the object a reference points to,
 * the choices of an enum, and whether it is required, read-only or an external id. Asks the
 * system (custom fields included); `--offline` reads the connector's built-in descriptions
 * instead. `--json` prints the descriptions as they are. Reads only.
 */
import type { Command } from 'commander';
import { didYouMean } from '../../config/did-you-mean.ts';
import type { Config } from '../../config/types.ts';
import type { FieldDescription, ObjectDescription } from '../../connector/index.ts';
import { ErrorCode, FrontbackError } from '../../errors.ts';
import { connectorRegistry } from '../../../connectors/index.ts';
import { loadCliConfig, requireConfiguration } from '../config.ts';
import { openConnectors } from '../connections.ts';
import { cliLog } from '../log-format.ts';

interface DescribeOptions {
  offline?: boolean;
  json?: boolean;
}

/** Most enum choices listed on a field's line; the rest are counted (all of them with --json). */
const OPTIONS_SHOWN = 12;

function notFound(what: string, wanted: string, known: readonly string[]): FrontbackError {
  return new FrontbackError(
    ErrorCode.NotFound,
    `no ${what} "${wanted}"${didYouMean(wanted, known)} (known: ${known.join(', ') || 'none'})`,
  );
}

/** What an object allows, in a few words. */
function objectFacts(o: ObjectDescription): string {
  const facts = [`id ${o.idField}`];
  facts.push(o.modifiedField === undefined ? 'no change listing' : `changes by ${o.modifiedField}`);
  const can = [o.creatable === false ? undefined : 'create', o.archivable ? 'archive' : undefined];
  if (o.deletable !== false) can.push('delete');
  facts.push(can.filter((c) => c !== undefined).join('/') || 'read only');
  if (o.createKey !== undefined) facts.push(`creates keyed by ${o.createKey.field}`);
  return facts.join(', ');
}

const typeOf = (field: FieldDescription): string =>
  field.reference === undefined ? field.type : `${field.type} -> ${field.reference.object}`;

const flagsOf = (field: FieldDescription): string =>
  [field.required ? 'required' : '', field.readOnly ? 'read-only' : '', field.externalId ? 'external id' : '']
    .filter((f) => f !== '')
    .join(', ');

/** One field in columns: name, type (with the object a reference points to), flags, label; enum choices on the next line. */
export function describeFieldLine(
  field: FieldDescription,
  widths: { name: number; type: number; flags: number },
): string[] {
  const label = field.label === undefined || field.label === field.name ? '' : `"${field.label}"`;
  const columns = [
    field.name.padEnd(widths.name),
    typeOf(field).padEnd(widths.type),
    flagsOf(field).padEnd(widths.flags),
    label,
  ];
  const lines = [`  ${columns.join('  ')}`.trimEnd()];
  if (field.options !== undefined && field.options.length > 0) {
    const shown = field.options
      .slice(0, OPTIONS_SHOWN)
      .map((o) => (o.label === undefined || o.label === o.value ? o.value : `${o.value} (${o.label})`));
    const more = field.options.length - shown.length;
    lines.push(`  ${''.padEnd(widths.name)}    options: ${shown.join(', ')}${more > 0 ? `, ... ${more} more` : ''}`);
  }
  return lines;
}

/** The text for people: every object of the connection, or one object's fields. */
export function formatDescription(connection: string, objects: readonly ObjectDescription[], object?: string): string {
  if (object === undefined) {
    const width = Math.max(...objects.map((o) => o.name.length), 6);
    const lines = [
      `${connection}: ${objects.length} objects (frontback describe ${connection} <object> lists the fields)`,
    ];
    for (const o of objects) lines.push(`  ${o.name.padEnd(width)}  ${o.fields.length} fields, ${objectFacts(o)}`);
    return `${lines.join('\n')}\n`;
  }
  const o = objects.find((x) => x.name === object);
  if (o === undefined)
    throw notFound(
      `object on ${connection}`,
      object,
      objects.map((x) => x.name),
    );
  const fields = [...o.fields].sort((a, b) => a.name.localeCompare(b.name));
  const head = `${connection} ${o.name}${o.label ? ` ("${o.label}")` : ''}: ${o.fields.length} fields, ${objectFacts(o)}`;
  const widths = {
    name: Math.max(...o.fields.map((f) => f.name.length)),
    type: Math.max(...o.fields.map((f) => typeOf(f).length)),
    flags: Math.max(...o.fields.map((f) => flagsOf(f).length)),
  };
  return `${[head, ...fields.flatMap((f) => describeFieldLine(f, widths))].join('\n')}\n`;
}

async function descriptions(config: Config, command: Command, connection: string, offline: boolean) {
  const settings = config.connections[connection];
  if (settings === undefined) throw notFound('connection', connection, Object.keys(config.connections));
  if (offline) return connectorRegistry.get(settings.kind)?.objects ?? [];
  const { logger } = cliLog(config, command, {
    to: 'stderr',
    level: config.logging.level === 'info' ? 'warn' : config.logging.level,
  });
  const open = openConnectors({ ...config, connections: { [connection]: settings } }, { logger });
  try {
    const connector = open.connectors.get(connection);
    return connector === undefined ? [] : await connector.describe();
  } finally {
    await open.close();
  }
}

/** Registers `describe`. */
export function registerDescribeCommand(program: Command): void {
  program
    .command('describe')
    .description("list a connection's objects, or one object's fields (type, choices, references, required, read-only)")
    .argument('<connection>', 'connection name from the configuration')
    .argument('[object]', 'object to list the fields of (contacts, res.partner)')
    .option('--offline', "the connector's built-in descriptions, without asking the system (no custom fields)")
    .option('--json', 'print the descriptions as JSON')
    .action(async (connection: string, object: string | undefined, options: DescribeOptions, command: Command) => {
      const config = loadCliConfig(command);
      requireConfiguration(config);
      const objects = await descriptions(config, command, connection, options.offline === true);
      if (options.json !== true) {
        process.stdout.write(formatDescription(connection, objects, object));
        return;
      }
      const wanted = object === undefined ? objects : objects.find((o) => o.name === object);
      if (wanted === undefined)
        throw notFound(
          `object on ${connection}`,
          object ?? '',
          objects.map((o) => o.name),
        );
      process.stdout.write(`${JSON.stringify(wanted, null, 2)}\n`);
    });
}
