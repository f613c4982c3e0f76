/**
 * The folder of frontback's package.json: the same from the TypeScript sources
 * (src/cli) and from the compiled image (dist/src/cli), so shipped files such as
 * config/demo.yaml and mappings/ are found either way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function find(start: string): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'package.json');
    // The compiled tree (dist/) holds a copy of package.json too (imported for the
    // version); the package root is the one that also ships config/.
    if (existsSync(candidate) && existsSync(join(dir, 'config'))) {
      const { name } = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown };
      if (name === 'frontback') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`frontback's package.json not found above ${start}`);
    dir = parent;
  }
}

/** Absolute path of the package root. */
export const PACKAGE_ROOT = find(dirname(fileURLToPath(import.meta.url)));
