import { describe, expect, it } from 'vitest';
import { HubSpotApiError } from '../../../../../connectors/hubspot/sandbox/errors.ts';
import { standardObjectTypes } from '../../../../../connectors/hubspot/sandbox/properties.ts';
import {
  compileFilter,
  compileFilterGroups,
  type SearchFilter,
} from '../../../../../connectors/hubspot/sandbox/search-filter.ts';

const contacts = standardObjectTypes().find((t) => t.name === 'contacts')!;
const deals = standardObjectTypes().find((t) => t.name === 'deals')!;
const ada = {
  email: 'ada.lovelace@example.com',
  firstname: 'Ada Augusta',
  lastmodifieddate: '2024-01-02T00:00:00.000Z',
  lifecyclestage: 'customer',
};
const bob = { email: 'bob@other.org', lastmodifieddate: '2024-01-01T00:00:00.000Z', lifecyclestage: 'lead' };
const noStage = { email: 'x@y.io' };

const cases: [string, SearchFilter, [boolean, boolean, boolean]][] = [
  [
    'EQ is case-insensitive',
    { propertyName: 'email', operator: 'EQ', value: 'ADA.lovelace@example.com' },
    [true, false, false],
  ],
  [
    'NEQ includes records without the value',
    { propertyName: 'lifecyclestage', operator: 'NEQ', value: 'customer' },
    [false, true, true],
  ],
  [
    'GT on a datetime takes epoch ms',
    { propertyName: 'lastmodifieddate', operator: 'GT', value: String(Date.UTC(2024, 0, 1)) },
    [true, false, false],
  ],
  [
    'GTE on a datetime takes ISO',
    { propertyName: 'lastmodifieddate', operator: 'GTE', value: '2024-01-01T00:00:00Z' },
    [true, true, false],
  ],
  ['LT', { propertyName: 'lastmodifieddate', operator: 'LT', value: '2024-01-02T00:00:00Z' }, [false, true, false]],
  ['LTE', { propertyName: 'lastmodifieddate', operator: 'LTE', value: '2024-01-02T00:00:00Z' }, [true, true, false]],
  [
    'BETWEEN is inclusive',
    {
      propertyName: 'lastmodifieddate',
      operator: 'BETWEEN',
      value: '2023-12-31T00:00:00Z',
      highValue: '2024-01-01T00:00:00Z',
    },
    [false, true, false],
  ],
  [
    'IN takes values',
    { propertyName: 'lifecyclestage', operator: 'IN', values: ['lead', 'opportunity'] },
    [false, true, false],
  ],
  ['NOT_IN', { propertyName: 'lifecyclestage', operator: 'NOT_IN', values: ['lead'] }, [true, false, true]],
  ['HAS_PROPERTY', { propertyName: 'lifecyclestage', operator: 'HAS_PROPERTY' }, [true, true, false]],
  ['NOT_HAS_PROPERTY', { propertyName: 'lifecyclestage', operator: 'NOT_HAS_PROPERTY' }, [false, false, true]],
  [
    'CONTAINS_TOKEN matches a whole word',
    { propertyName: 'firstname', operator: 'CONTAINS_TOKEN', value: 'augusta' },
    [true, false, false],
  ],
  [
    'CONTAINS_TOKEN does not match part of a word',
    { propertyName: 'firstname', operator: 'CONTAINS_TOKEN', value: 'gust' },
    [false, false, false],
  ],
  [
    'CONTAINS_TOKEN wildcard on email domain',
    { propertyName: 'email', operator: 'CONTAINS_TOKEN', value: '*@other.org' },
    [false, true, false],
  ],
  [
    'NOT_CONTAINS_TOKEN',
    { propertyName: 'email', operator: 'NOT_CONTAINS_TOKEN', value: 'example' },
    [false, true, true],
  ],
];

describe('search filters', () => {
  it.each(cases)('%s', (_name, filter, expected) => {
    const match = compileFilter(contacts, filter);
    expect([ada, bob, noStage].map((r) => match(r))).toEqual(expected);
  });

  it('compares numbers numerically, not as text', () => {
    const gt = compileFilter(deals, { propertyName: 'amount', operator: 'GT', value: '9' });
    expect(gt({ amount: '10' })).toBe(true);
    expect(gt({ amount: '8.5' })).toBe(false);
  });

  it('ANDs filters within a group and ORs groups', () => {
    const m = compileFilterGroups(contacts, [
      {
        filters: [
          { propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' },
          { propertyName: 'email', operator: 'CONTAINS_TOKEN', value: 'nobody' },
        ],
      },
      { filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'lead' }] },
    ]);
    expect([ada, bob, noStage].map((r) => m(r))).toEqual([false, true, false]);
  });

  it('refuses unknown properties and missing values with HubSpot 400s', () => {
    expect(() => compileFilter(contacts, { propertyName: 'nope', operator: 'EQ', value: 'x' })).toThrow(
      HubSpotApiError,
    );
    expect(() => compileFilter(contacts, { propertyName: 'email', operator: 'IN' })).toThrow(/values is required/);
    expect(() => compileFilter(contacts, { propertyName: 'email', operator: 'EQ' })).toThrow(/value is required/);
  });
});
