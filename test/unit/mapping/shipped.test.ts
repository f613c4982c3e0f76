/**
 * The mappings shipped in mappings/hubspot-odoo validate against the demo
 * configuration and the real connector registry (both sides described offline,
 * child collections included), their examples pass, and the
 * JSON Schema in docs/ is the one the spec produces today.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mappingCatalog } from '../../../src/cli/mapping-catalog.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { formatSourceIssue } from '../../../src/errors.ts';
import { checkAgainstConnectors } from '../../../src/mapping/check-connectors.ts';
import { loadMappings } from '../../../src/mapping/load.ts';
import { mappingJsonSchema } from '../../../src/mapping/spec.ts';
import { projectRoot } from '../../support/env.ts';

describe('shipped mappings (mappings/hubspot-odoo)', () => {
  const config = loadConfig({ file: 'config/demo.yaml', env: {}, cwd: projectRoot });
  const result = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot, catalog: mappingCatalog(config) });

  it('load with no problem, examples included', () => {
    expect(result.issues.map(formatSourceIssue)).toEqual([]);
  });

  it('cover every business flow of ARCHITECTURE.md, each with examples', () => {
    expect(result.mappings.map((m) => m.mapping.id).sort()).toEqual(['companies-partners', 'contacts-partners', 'deals-orders', 'invoices-deals', 'products']);
    for (const m of result.mappings) expect(m.spec.examples?.length ?? 0, m.mapping.id).toBeGreaterThan(0);
  });

  it('are checked field by field on both sides, child collections included (no "not checked" note)', () => {
    expect(result.warnings).toEqual([]);
  });

  it('would be refused if a shipped rule named a field Odoo does not have (the ERP side is really checked)', () => {
    const spec = result.mappings.find((m) => m.mapping.id === 'deals-orders')?.spec;
    expect(spec).toBeDefined();
    if (spec === undefined) return;
    const catalog = mappingCatalog(config);
    const broken = structuredClone(spec);
    const line = broken.children?.[0]?.fields[2];
    if (line) line.erp = 'product_qty';
    expect(checkAgainstConnectors(broken, catalog).issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'children.0.fields.2.erp: unknown field "product_qty" in odoo sale.order.line (did you mean "product_id"?)',
    ]);
  });
});

describe('docs/mapping.schema.json', () => {
  it('is up to date (regenerate with: frontback schema mapping --out docs/mapping.schema.json)', () => {
    const committed = JSON.parse(readFileSync(join(projectRoot, 'docs/mapping.schema.json'), 'utf8')) as unknown;
    expect(committed).toEqual(mappingJsonSchema());
  });
});
