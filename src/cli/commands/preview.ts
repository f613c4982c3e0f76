/**
 * `frontback preview <mapping> --from <side> --record <file.json>`: translates one
 * record with a mapping, offline, and prints the patch for the other side with a
 * per-field trace of which rule produced each value. Lookups are answered from
 * `--resolve <file.json>` (the `resolve:` table format of examples), else left out.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ConfigError, MappingError } from '../../errors.ts';
import { loadMappings, type LoadedMapping } from '../../mapping/load.ts';
import { isJsonObject, parseJsonSafely, previewRecord, resolverOfTable } from '../../mapping/preview.ts';
import type { Side } from '../../mapping/spec.ts';
import type { MappingValue } from '../../mapping/transforms/index.ts';
import type { PatchResult } from '../../mapping/types.ts';
import { loadCliConfig } from '../config.ts';
import { mappingCatalog } from '../mapping-catalog.ts';

interface PreviewOptions {
  from: Side;
  record: string;
  resolve?: string;
  json?: boolean;
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(resolve(process.cwd(), file), 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, path: '', message: `cannot read the ${what}: ${(err as Error).message}` }]);
  }
  try {
    return parseJsonSafely(text);
  } catch (err) {
    throw new ConfigError([{ file, path: '', message: `the ${what} is not valid JSON: ${(err as Error).message}` }]);
  }
}

function pick(loaded: readonly LoadedMapping[], wanted: string): LoadedMapping {
  const hit =
    loaded.find((m) => m.mapping.id === wanted) ?? (loaded.length === 1 && existsSync(wanted) ? loaded[0] : undefined);
  if (hit) return hit;
  const known = loaded.map((m) => m.mapping.id).join(', ') || 'none';
  throw new ConfigError([{ file: wanted, path: '', message: `no mapping "${wanted}" (known: ${known})` }]);
}

const show = (value: MappingValue): string => JSON.stringify(value);

/** Renders a patch and its trace for people. */
export function formatPreview(loaded: LoadedMapping, from: Side, accepted: boolean, result: PatchResult): string {
  const { mapping } = loaded;
  const target: Side = from === 'crm' ? 'erp' : 'crm';
  const lines = [
    `mapping ${mapping.id} (version ${mapping.version}, ${loaded.file}): ${from} -> ` +
      `${target} (${mapping.sides[target].connection} ${mapping.sides[target].object})`,
    accepted ? `filter (${from}): accepted` : `filter (${from}): REJECTED: this record would not be synced`,
    'patch:',
    ...JSON.stringify(result.patch, null, 2)
      .split('\n')
      .map((l) => `  ${l}`),
    'trace:',
  ];
  for (const t of result.trace ?? []) {
    const steps = t.steps.map((s) => `${s.rule} ${show(s.value)}`).join(' -> ');
    const outcome =
      t.outcome === 'set' ? `=> ${t.target}` : `=> ${t.target} left out (${t.outcome}: ${t.reason ?? ''})`;
    lines.push(`  ${t.path} ${t.field}: ${steps} ${outcome}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Registers `frontback preview`. */
export function registerPreviewCommand(program: Command): void {
  program
    .command('preview')
    .description('translate one record with a mapping and print the patch for the other side with a per-field trace')
    .argument('<mapping>', 'mapping id, or a mapping file')
    .addOption(new Option('--from <side>', 'side the record comes from').choices(['crm', 'erp']).makeOptionMandatory())
    .requiredOption('--record <file.json>', 'the record, as the connector delivers it (JSON object)')
    .option('--resolve <file.json>', 'lookup answers: { "<mapping or model>:<value>": result }')
    .option('--json', 'print { patch, problems, trace } as JSON')
    .action((wanted: string, options: PreviewOptions, command: Command) => {
      const config = loadCliConfig(command);
      const fromFile = existsSync(resolve(process.cwd(), wanted)) && /\.ya?ml$/.test(wanted);
      const result = loadMappings(fromFile ? wanted : config.mappings.dir, {
        catalog: mappingCatalog(config),
        examples: false,
      });
      if (result.issues.length > 0) throw new MappingError(result.issues);
      const loaded = pick(result.mappings, wanted);
      const record = readJson(options.record, 'record file');
      if (!isJsonObject(record)) throw new InvalidArgumentError('--record must hold one JSON object');
      const table = options.resolve === undefined ? {} : readJson(options.resolve, 'resolve file');
      if (!isJsonObject(table)) throw new InvalidArgumentError('--resolve must hold one JSON object');
      const { mapping } = loaded;
      const { accepted, result: patch } = previewRecord(mapping, options.from, record, resolverOfTable(table));
      if (options.json === true)
        process.stdout.write(
          `${JSON.stringify({ mapping: mapping.id, version: mapping.version, accepted, ...patch }, null, 2)}\n`,
        );
      else process.stdout.write(formatPreview(loaded, options.from, accepted, patch));
      if (patch.problems.length > 0) process.exitCode = 1;
    });
}
