/** Loads a mapping from YAML text for compile tests; fails the test on any problem. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSourceIssue } from '../../../src/errors.ts';
import type { ConnectorCatalog } from '../../../src/mapping/check-connectors.ts';
import { loadMappings, type LoadedMapping } from '../../../src/mapping/load.ts';

/**
 * Writes `yaml` to a temporary file, loads it, and returns the one mapping. `others` are
 * ids of mappings it names (`lookup:`, `via:`), written next to it as minimal files.
 */
export function loadYaml(yaml: string, catalog?: ConnectorCatalog, others: readonly string[] = []): LoadedMapping {
  const dir = mkdtempSync(join(tmpdir(), 'frontback-mapping-'));
  try {
    mkdirSync(join(dir, 'm'));
    writeFileSync(join(dir, 'm', 'm.yaml'), yaml);
    for (const id of others) {
      writeFileSync(
        join(dir, 'm', `${id}.yaml`),
        `id: ${id}\nsides:\n  crm: { connection: c, object: o }\n  erp: { connection: e, object: o }\nfields:\n  - { crm: x, erp: x }\n`,
      );
    }
    const result = loadMappings(others.length === 0 ? 'm/m.yaml' : 'm', { cwd: dir, ...(catalog ? { catalog } : {}) });
    if (result.issues.length > 0) throw new Error(result.issues.map(formatSourceIssue).join('\n'));
    const loaded = result.mappings.find((m) => m.file === join('m', 'm.yaml'));
    if (!loaded) throw new Error('no mapping loaded');
    return loaded;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
