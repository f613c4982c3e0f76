import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  companyNameKey,
  companyNameMatch,
  companyWords,
  LEGAL_FORMS,
  type MappingValue,
} from '../../../../src/mapping/transforms/index.ts';
import { projectRoot } from '../../../support/env.ts';
import { build } from './build.ts';

describe('company-name', () => {
  it.each([
    ['Bernier Kuphal & Little', 'bernier kuphal and little'],
    ['Bernier, Kuphal and Little', 'bernier kuphal and little'],
    ['  BERNIER   KUPHAL + LITTLE ', 'bernier kuphal and little'],
    ['Acme SAS', 'acme'],
    ['ACME', 'acme'],
    ['ACME S.A.S.', 'acme'],
    ['Acme, Inc.', 'acme'],
    ['Acme Incorporated', 'acme'],
    ['Acme Corp.', 'acme'],
    ['Acme Limited', 'acme'],
    ['Acme Pty Ltd', 'acme'],
    ['Acme Co., Ltd.', 'acme'],
    ['Acme GmbH & Co. KG', 'acme'],
    ['Acme S.à r.l.', 'acme'],
    ['Acme Sàrl', 'acme'],
    ['Acme S A R L', 'acme'],
    ['Acme B.V.', 'acme'],
    ['Acme S.p.A.', 'acme'],
    ['Acme A/S', 'acme'],
    ['Acme Public Limited Company', 'acme'],
    ['AB Volvo', 'volvo'],
    ['Volvo AB', 'volvo'],
    ['Oy Acme Ab', 'acme'],
    ['Société Générale', 'societe generale'],
    ['Straße AG', 'strasse'],
    ['Ørsted A/S', 'orsted'],
    ["McDonald's Corporation", 'mcdonalds'],
    ['AT&T Inc.', 'at and t'],
    ['ＡＣＭＥ　ＧｍｂＨ', 'acme'],
    ['Acme Industries', 'acme industries'],
    ['Hewlett-Packard', 'hewlett packard'],
    ['Company Ltd', 'company'],
    ['Ltd', 'ltd'],
    ['SAS Institute', 'sas institute'],
    ['The Walt Disney Company', 'the walt disney'],
    ['n/a', null],
    ['N.A.', null],
    ['None', null],
    ['unknown', null],
    ['-', null],
    ['', null],
    [null, null],
  ] as [MappingValue, MappingValue][])('%j -> %j', (input, output) => {
    expect(build('company-name').forward(input)).toBe(output);
  });

  it('keeps legal forms, written one way, with legalForms: keep', () => {
    const { forward } = build('company-name', { legalForms: 'keep' });
    expect(forward('ACME Limited')).toBe('acme ltd');
    expect(forward('Acme Ltd.')).toBe('acme ltd');
    expect(forward('Acme SAS')).toBe('acme sas');
    expect(forward('Acme')).toBe('acme');
  });

  it('tells a match that needed a legal form stripped from one that did not', () => {
    expect(companyNameKey('Acme SAS')).toEqual({
      key: 'acme',
      full: 'acme sas',
      legalForms: ['sas'],
      strippedLegalForm: true,
    });
    expect(companyNameKey('ACME')).toEqual({ key: 'acme', full: 'acme', legalForms: [], strippedLegalForm: false });
    expect(companyNameKey('Acme GmbH & Co. KG')?.legalForms).toEqual(['gmbh', 'co', 'kg']);
    expect(companyNameKey('n/a')).toBeUndefined();
    expect(companyNameMatch('Acme SAS', 'ACME')).toBe('key');
    expect(companyNameMatch('Acme SAS', 'Acme Inc')).toBe('key');
    expect(companyNameMatch('Acme S.A.S.', 'ACME SAS')).toBe('full');
    expect(companyNameMatch('Acme Ltd', 'Acme Limited')).toBe('full');
    expect(companyNameMatch('Bernier Kuphal & Little', 'Bernier, Kuphal and Little')).toBe('full');
    expect(companyNameMatch('Acme', 'Acme Industries')).toBeUndefined();
    expect(companyNameMatch('Acme', '')).toBeUndefined();
  });

  it('every legal form spelling is recognised at the end of a name (the list is the docs)', () => {
    for (const form of LEGAL_FORMS) {
      for (const spelling of form.spellings) {
        const key = companyNameKey(`Bernier Kuphal ${spelling}`);
        expect(key, spelling).toMatchObject({ key: 'bernier kuphal', legalForms: [form.id] });
      }
    }
  });

  it('docs/transforms.md lists exactly LEGAL_FORMS', () => {
    const docs = readFileSync(join(projectRoot, 'docs/transforms.md'), 'utf8');
    const rows = [...docs.matchAll(/^\| `([a-z]+)` \| ([^|]+) \| (end|either end) \| ([^|]+) \|$/gm)].map((m) => ({
      id: m[1],
      spellings: (m[2] ?? '').trim().split(', '),
      at: m[3] === 'end' ? 'end' : 'either',
      where: (m[4] ?? '').trim(),
    }));
    expect(rows).toEqual(LEGAL_FORMS.map((f) => ({ ...f, spellings: [...f.spellings] })));
  });

  it('strips only the forms marked either from the start', () => {
    const starts = LEGAL_FORMS.filter((f) => f.at === 'either').map((f) => f.id);
    expect(starts).toEqual(['oy', 'ab']);
    expect(companyNameKey('SA Acme')?.key).toBe('sa acme');
    expect(companyNameKey('Ltd Acme')?.key).toBe('ltd acme');
  });

  it('reads words as keys compare them', () => {
    expect(companyWords("L'Oréal  S.A.")).toEqual(['loreal', 'sa']);
    expect(companyWords('İSTANBUL')).toEqual(['istanbul']);
    expect(companyWords('Œuvre & Æther')).toEqual(['oeuvre', 'and', 'aether']);
  });
});
