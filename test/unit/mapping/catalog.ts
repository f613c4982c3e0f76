/**
 * A fixed connector catalog for mapping tests: HubSpot contacts/companies and an
 * Odoo res.partner / res.country description, independent of the real connectors
 * so the expected messages do not move when a connector grows a field.
 */
import type { ObjectDescription } from '../../../src/connector/describe.ts';
import type { ConnectorCatalog } from '../../../src/mapping/check-connectors.ts';

const contacts: ObjectDescription = {
  name: 'contacts',
  idField: 'hs_object_id',
  fields: [
    { name: 'hs_object_id', type: 'string', readOnly: true },
    { name: 'email', type: 'string', externalId: true },
    { name: 'firstname', type: 'string' },
    { name: 'lastname', type: 'string' },
    { name: 'phone', type: 'string' },
    { name: 'country', type: 'string' },
    { name: 'lifecyclestage', type: 'enum', options: [{ value: 'lead' }, { value: 'customer' }] },
    { name: 'associatedcompanyid', type: 'string', readOnly: true, reference: { object: 'companies' } },
    { name: 'lastmodifieddate', type: 'datetime', readOnly: true },
    { name: 'amount', type: 'number' },
  ],
};

const partner: ObjectDescription = {
  name: 'res.partner',
  idField: 'id',
  fields: [
    { name: 'id', type: 'integer', readOnly: true },
    { name: 'name', type: 'string', required: true },
    { name: 'email', type: 'string' },
    { name: 'phone', type: 'string' },
    { name: 'country_id', type: 'reference', reference: { object: 'res.country' } },
    { name: 'parent_id', type: 'reference', reference: { object: 'res.partner' } },
    { name: 'customer_rank', type: 'integer' },
    { name: 'credit_limit', type: 'number' },
    { name: 'write_date', type: 'datetime', readOnly: true },
    { name: 'total_due', type: 'number', readOnly: true },
  ],
};

/** hubspot (described) and odoo (described) and netsuite (no offline description). */
export const testCatalog: ConnectorCatalog = {
  connections: new Map([
    ['hubspot', 'hubspot'],
    ['odoo', 'odoo'],
    ['netsuite', 'netsuite'],
  ]),
  objectsOf: (kind) => (kind === 'hubspot' ? [contacts] : kind === 'odoo' ? [partner] : undefined),
};
