/**
 * The standard HubSpot objects and fields frontback knows without asking the account
 * (CONNECTORS.md "Field reference"). `describe()` replaces these with the account's
 * properties API answer, custom properties included.
 */
import type { FieldDescription, ObjectDescription } from '../../src/connector/index.ts';
import { HUBSPOT_INDUSTRIES } from './industries.ts';

const id: FieldDescription = { name: 'hs_object_id', label: 'Record ID', type: 'string', readOnly: true };
const created: FieldDescription = { name: 'createdate', label: 'Create Date', type: 'datetime', readOnly: true };
const modified = (name: string): FieldDescription => ({
  name,
  label: 'Last Modified Date',
  type: 'datetime',
  readOnly: true,
});
const text = (...names: string[]): FieldDescription[] => names.map((name) => ({ name, type: 'string' }));
const num = (...names: string[]): FieldDescription[] => names.map((name) => ({ name, type: 'number' }));
const options = (...values: string[]): { value: string }[] => values.map((value) => ({ value }));

const LIFECYCLE = options(
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
  'other',
);

/** Standard objects with the fields of the shipped mappings. */
export const STANDARD_OBJECT_DESCRIPTIONS: ObjectDescription[] = [
  {
    name: 'contacts',
    label: 'Contacts',
    idField: 'hs_object_id',
    modifiedField: 'lastmodifieddate',
    archivable: true,
    fields: [
      id,
      created,
      modified('lastmodifieddate'),
      { name: 'email', label: 'Email', type: 'string', externalId: true },
      ...text(
        'firstname',
        'lastname',
        'phone',
        'mobilephone',
        'jobtitle',
        'company',
        'address',
        'city',
        'zip',
        'state',
        'country',
      ),
      { name: 'lifecyclestage', type: 'enum', options: LIFECYCLE },
      { name: 'associatedcompanyid', type: 'string', readOnly: true, reference: { object: 'companies' } },
    ],
  },
  {
    name: 'companies',
    label: 'Companies',
    idField: 'hs_object_id',
    modifiedField: 'hs_lastmodifieddate',
    archivable: true,
    fields: [
      id,
      created,
      modified('hs_lastmodifieddate'),
      ...text('name', 'domain', 'phone', 'address', 'city', 'zip', 'state', 'country'),
      { name: 'industry', label: 'Industry', type: 'enum', options: options(...HUBSPOT_INDUSTRIES) },
      ...num('numberofemployees', 'annualrevenue'),
    ],
  },
  {
    name: 'deals',
    label: 'Deals',
    idField: 'hs_object_id',
    modifiedField: 'hs_lastmodifieddate',
    archivable: true,
    fields: [
      id,
      created,
      modified('hs_lastmodifieddate'),
      ...text('dealname', 'dealstage', 'pipeline'),
      ...num('amount'),
      { name: 'closedate', type: 'datetime' },
    ],
  },
  {
    name: 'products',
    label: 'Products',
    idField: 'hs_object_id',
    modifiedField: 'hs_lastmodifieddate',
    archivable: true,
    fields: [id, created, modified('hs_lastmodifieddate'), ...text('name', 'description', 'hs_sku'), ...num('price')],
  },
  {
    name: 'line_items',
    label: 'Line items',
    idField: 'hs_object_id',
    modifiedField: 'hs_lastmodifieddate',
    archivable: true,
    fields: [
      id,
      created,
      modified('hs_lastmodifieddate'),
      ...text('name'),
      ...num('quantity', 'price', 'amount'),
      { name: 'hs_product_id', type: 'string', reference: { object: 'products' } },
    ],
  },
];
