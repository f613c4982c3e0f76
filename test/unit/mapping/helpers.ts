/** Loads a mapping from YAML text for compile tests; fails the test on any problem. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSourceIssue } from '../../../src/errors.ts';
import type { ConnectorCatalog } from '../../../src/mapping/check-connectors.ts';
import { loadMappings, type LoadedMapping } from '../../../src/mapping/load.ts';

/** Writes `yaml` to a temporary file, loads it, and returns the one mapping. */
export function loadYaml(yaml: string, catalog?: ConnectorCatalog): LoadedMapping {
  const dir = mkdtempSync(join(tmpdir(), 'frontback-mapping-'));
  try {
    writeFileSync(join(dir, 'm.yaml'), yaml);
    const result = loadMappings('m.yaml', { cwd: dir, ...(catalog ? { catalog } : {}) });
    if (result.issues.length > 0) throw new Error(result.issues.map(formatSourceIssue).join('\n'));
    const [loaded] = result.mappings;
    if (!loaded) throw new Error('no mapping loaded');
    return loaded;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
