/**
 * A mapping's file with validate's findings at their lines (src/mapping/mapping-file.ts):
 * a file that loads (its warnings placed), a file that no longer loads found by its id
 * line (bad YAML; a field the connector does not have), an id no file holds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readMappingFile } from '../../../src/mapping/mapping-file.ts';
import { testCatalog as catalog } from './catalog.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontback-mapping-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const PEOPLE = [
  '# people',
  'id: people',
  'sides:',
  '  crm: { connection: hubspot, object: contacts }',
  '  erp: { connection: odoo, object: res.partner }',
  'fields:',
  '  - { crm: email, erp: email }',
  '  - { crm: lastname, erp: name }',
  '',
].join('\n');

describe('readMappingFile', () => {
  it('answers the file of a mapping that loads, line by line, with its warnings at their lines', () => {
    writeFileSync(join(dir, 'people.yaml'), PEOPLE);
    const file = readMappingFile(dir, 'people', { catalog });
    expect(file?.file).toBe('people.yaml');
    expect(file?.loaded?.mapping.id).toBe('people');
    expect(file?.lines.map((l) => l.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(file?.lines[1]?.text).toBe('id: people');
    expect(file?.problems).toBe(0);
    // No match rule: it would create every record without a link; said at the id (line 2).
    expect(file?.warnings).toBe(2);
    expect(file?.unplaced).toEqual([]);
    expect(file?.lines[1]?.findings).toEqual([
      expect.objectContaining({
        level: 'warning',
        line: 2,
        column: 1,
        message: expect.stringMatching(/^creates in crm without a match rule/),
      }),
      expect.objectContaining({
        level: 'warning',
        line: 2,
        column: 1,
        message: expect.stringMatching(/^creates in erp without a match rule/),
      }),
    ]);
  });

  it('finds a file that no longer loads by its id line, with the problems on their lines', () => {
    writeFileSync(join(dir, 'people.yaml'), PEOPLE.replace('crm: lastname', 'crm: lastnme'));
    writeFileSync(join(dir, 'other.yaml'), 'id: other\nsides: [\n');
    const file = readMappingFile(dir, 'people', { catalog });
    expect(file?.loaded).toBeUndefined();
    expect(file?.problems).toBeGreaterThan(0);
    expect(file?.lines[7]?.findings[0]).toMatchObject({ level: 'problem', line: 8, path: 'fields[1].crm' });
    expect(file?.lines[7]?.findings[0]?.message).toMatch(/lastnme/);
    expect(file?.elsewhere).toBeGreaterThan(0);
    const other = readMappingFile(dir, 'other', { catalog });
    expect(other?.file).toBe('other.yaml');
    expect(other?.problems).toBeGreaterThan(0);
    expect((other?.lines.flatMap((l) => l.findings).length ?? 0) + (other?.unplaced.length ?? 0)).toBe(other?.problems);
  });

  it('answers undefined for an id no file holds, and for a folder that does not exist', () => {
    writeFileSync(join(dir, 'people.yaml'), PEOPLE);
    expect(readMappingFile(dir, 'nobody', { catalog })).toBeUndefined();
    expect(readMappingFile(join(dir, 'missing'), 'people', { catalog })).toBeUndefined();
  });
});
