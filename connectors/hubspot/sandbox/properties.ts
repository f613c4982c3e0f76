/**
 * The objects the sandbox knows and the HubSpot properties that describe them: the real
 * names, types and field types of the fields in CONNECTORS.md "Field reference", with
 * options for enumerations (industry, lifecyclestage, dealstage).
 */
import { WORLD_INDUSTRIES } from '../../../src/connector/sandbox/seed/world.ts';
import { HUBSPOT_INDUSTRIES } from '../industries.ts';

/** HubSpot property value types. */
export type PropertyType = 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool';

/** One option of an enumeration property. */
export interface PropertyOption {
  /** Display label. */
  label: string;
  /** Stored value. */
  value: string;
  /** Position in the list. */
  displayOrder: number;
  /** Hidden from forms. */
  hidden: boolean;
}

/** One property definition, as the Properties API describes it. */
export interface PropertyDef {
  /** Internal name, e.g. `email`. */
  name: string;
  /** Display label. */
  label: string;
  /** Value type. */
  type: PropertyType;
  /** How the UI renders it, e.g. `text`, `number`, `select`, `date`. */
  fieldType: string;
  /** Property group, e.g. `contactinformation`. */
  groupName: string;
  /** Enumeration options (empty for other types). */
  options: PropertyOption[];
  /** Values must be unique per object type (usable as `idProperty`). */
  hasUniqueValue: boolean;
  /** HubSpot computes the value; writes are refused. */
  readOnlyValue: boolean;
  /** Defined by HubSpot (false for custom properties). */
  hubspotDefined: boolean;
  /** Description text. */
  description: string;
}

/** An object type the sandbox serves. */
export interface ObjectTypeDef {
  /** Plural API name, e.g. `contacts`; custom objects use their own name. */
  name: string;
  /** HubSpot object type id, e.g. `0-1`. */
  objectTypeId: string;
  /** Singular used in webhook subscription types (`contact`); absent: no webhooks. */
  webhookName?: string;
  /** Upper-case singular used in messages (`CONTACT`). */
  messageName: string;
  /** Property holding the last modification time. */
  modifiedProperty: string;
  /** Property holding the creation time. */
  createdProperty: string;
  /** Properties returned when a request names none. */
  defaultProperties: string[];
  /** Properties searched by a free-text `query`. */
  queryProperties: string[];
  /** Every property, by name. */
  properties: Map<string, PropertyDef>;
}

type Extra = Partial<
  Pick<PropertyDef, 'hasUniqueValue' | 'readOnlyValue' | 'options' | 'hubspotDefined' | 'description'>
>;

/** Builds a property definition with HubSpot's defaults. */
export function defineProperty(
  name: string,
  label: string,
  type: PropertyType,
  fieldType: string,
  groupName: string,
  extra: Extra = {},
): PropertyDef {
  return {
    name,
    label,
    type,
    fieldType,
    groupName,
    options: extra.options ?? [],
    hasUniqueValue: extra.hasUniqueValue ?? false,
    readOnlyValue: extra.readOnlyValue ?? false,
    hubspotDefined: extra.hubspotDefined ?? true,
    description: extra.description ?? '',
  };
}

/** Options from a list of values, labelled by capitalising. */
export function optionsOf(values: readonly string[]): PropertyOption[] {
  return values.map((value, i) => ({
    label: value
      .toLowerCase()
      .split(/[_\s]+/)
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(' '),
    value,
    displayOrder: i,
    hidden: false,
  }));
}

// HubSpot's own options (the World uses some of them; any it adds is kept, after them).
const INDUSTRIES = [...new Set([...HUBSPOT_INDUSTRIES, ...WORLD_INDUSTRIES])];
const LIFECYCLE = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
  'other',
];
const DEAL_STAGES = [
  'appointmentscheduled',
  'qualifiedtobuy',
  'presentationscheduled',
  'decisionmakerboughtin',
  'contractsent',
  'closedwon',
  'closedlost',
];

const ro = { readOnlyValue: true };
const common = (created: string, modified: string, group: string): PropertyDef[] => [
  defineProperty('hs_object_id', 'Record ID', 'number', 'number', group, { ...ro, hasUniqueValue: true }),
  defineProperty(created, 'Create Date', 'datetime', 'date', group, ro),
  defineProperty(modified, 'Last Modified Date', 'datetime', 'date', group, ro),
];

function objectType(def: Omit<ObjectTypeDef, 'properties'>, props: PropertyDef[]): ObjectTypeDef {
  return { ...def, properties: new Map(props.map((p) => [p.name, p])) };
}

/** The standard objects, freshly built (each sandbox gets its own copy: custom properties are added per sandbox). */
export function standardObjectTypes(): ObjectTypeDef[] {
  const ci = 'contactinformation';
  const contacts = objectType(
    {
      name: 'contacts',
      objectTypeId: '0-1',
      webhookName: 'contact',
      messageName: 'CONTACT',
      modifiedProperty: 'lastmodifieddate',
      createdProperty: 'createdate',
      defaultProperties: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
      queryProperties: ['email', 'firstname', 'lastname', 'phone', 'company'],
    },
    [
      ...common('createdate', 'lastmodifieddate', ci),
      defineProperty('email', 'Email', 'string', 'text', ci, { hasUniqueValue: true }),
      defineProperty('firstname', 'First Name', 'string', 'text', ci),
      defineProperty('lastname', 'Last Name', 'string', 'text', ci),
      defineProperty('phone', 'Phone Number', 'string', 'phonenumber', ci),
      defineProperty('mobilephone', 'Mobile Phone Number', 'string', 'phonenumber', ci),
      defineProperty('jobtitle', 'Job Title', 'string', 'text', ci),
      defineProperty('company', 'Company Name', 'string', 'text', ci),
      defineProperty('address', 'Street Address', 'string', 'text', ci),
      defineProperty('city', 'City', 'string', 'text', ci),
      defineProperty('zip', 'Postal Code', 'string', 'text', ci),
      defineProperty('state', 'State/Region', 'string', 'text', ci),
      defineProperty('country', 'Country/Region', 'string', 'text', ci),
      defineProperty('lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio', ci, {
        options: optionsOf(LIFECYCLE),
      }),
      defineProperty('associatedcompanyid', 'Primary Associated Company ID', 'number', 'number', ci, ro),
    ],
  );
  const cg = 'companyinformation';
  const companies = objectType(
    {
      name: 'companies',
      objectTypeId: '0-2',
      webhookName: 'company',
      messageName: 'COMPANY',
      modifiedProperty: 'hs_lastmodifieddate',
      createdProperty: 'createdate',
      defaultProperties: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
      queryProperties: ['name', 'domain', 'phone', 'website'],
    },
    [
      ...common('createdate', 'hs_lastmodifieddate', cg),
      defineProperty('name', 'Company name', 'string', 'text', cg),
      defineProperty('domain', 'Company Domain Name', 'string', 'text', cg),
      defineProperty('website', 'Website URL', 'string', 'text', cg),
      defineProperty('phone', 'Phone Number', 'string', 'phonenumber', cg),
      defineProperty('address', 'Street Address', 'string', 'text', cg),
      defineProperty('city', 'City', 'string', 'text', cg),
      defineProperty('zip', 'Postal Code', 'string', 'text', cg),
      defineProperty('state', 'State/Region', 'string', 'text', cg),
      defineProperty('country', 'Country/Region', 'string', 'text', cg),
      defineProperty('industry', 'Industry', 'enumeration', 'select', cg, { options: optionsOf(INDUSTRIES) }),
      defineProperty('numberofemployees', 'Number of Employees', 'number', 'number', cg),
      defineProperty('annualrevenue', 'Annual Revenue', 'number', 'number', cg),
      defineProperty('lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio', cg, {
        options: optionsOf(LIFECYCLE),
      }),
    ],
  );
  const dg = 'dealinformation';
  const deals = objectType(
    {
      name: 'deals',
      objectTypeId: '0-3',
      webhookName: 'deal',
      messageName: 'DEAL',
      modifiedProperty: 'hs_lastmodifieddate',
      createdProperty: 'createdate',
      defaultProperties: [
        'amount',
        'closedate',
        'createdate',
        'dealname',
        'dealstage',
        'hs_lastmodifieddate',
        'hs_object_id',
        'pipeline',
      ],
      queryProperties: ['dealname'],
    },
    [
      ...common('createdate', 'hs_lastmodifieddate', dg),
      defineProperty('dealname', 'Deal Name', 'string', 'text', dg),
      defineProperty('amount', 'Amount', 'number', 'number', dg),
      defineProperty('dealstage', 'Deal Stage', 'enumeration', 'radio', dg, { options: optionsOf(DEAL_STAGES) }),
      defineProperty('pipeline', 'Pipeline', 'enumeration', 'select', dg, { options: optionsOf(['default']) }),
      defineProperty('closedate', 'Close Date', 'datetime', 'date', dg),
    ],
  );
  const pg = 'productinformation';
  const products = objectType(
    {
      name: 'products',
      objectTypeId: '0-7',
      webhookName: 'product',
      messageName: 'PRODUCT',
      modifiedProperty: 'hs_lastmodifieddate',
      createdProperty: 'createdate',
      defaultProperties: ['createdate', 'description', 'hs_lastmodifieddate', 'hs_object_id', 'name', 'price'],
      queryProperties: ['name', 'description', 'hs_sku'],
    },
    [
      ...common('createdate', 'hs_lastmodifieddate', pg),
      defineProperty('name', 'Name', 'string', 'text', pg),
      defineProperty('description', 'Description', 'string', 'textarea', pg),
      defineProperty('price', 'Unit price', 'number', 'number', pg),
      defineProperty('hs_sku', 'SKU', 'string', 'text', pg),
    ],
  );
  const lg = 'lineiteminformation';
  const lineItems = objectType(
    {
      name: 'line_items',
      objectTypeId: '0-8',
      webhookName: 'line_item',
      messageName: 'LINE_ITEM',
      modifiedProperty: 'hs_lastmodifieddate',
      createdProperty: 'createdate',
      defaultProperties: [
        'amount',
        'createdate',
        'hs_lastmodifieddate',
        'hs_object_id',
        'hs_product_id',
        'name',
        'price',
        'quantity',
      ],
      queryProperties: ['name'],
    },
    [
      ...common('createdate', 'hs_lastmodifieddate', lg),
      defineProperty('name', 'Name', 'string', 'text', lg),
      defineProperty('quantity', 'Quantity', 'number', 'number', lg),
      defineProperty('price', 'Unit price', 'number', 'number', lg),
      defineProperty('amount', 'Net price', 'number', 'number', lg),
      defineProperty('hs_product_id', 'Product ID', 'number', 'number', lg),
    ],
  );
  return [contacts, companies, deals, products, lineItems];
}

/** Options of a custom object type (sandbox option `customObjects`). */
export interface CustomObjectOptions {
  /** API name, e.g. `widgets`; also reachable as `p{portalId}_{name}` and by objectTypeId. */
  name: string;
  /** Object type id, e.g. `2-1234567`. */
  objectTypeId: string;
  /** Its properties (hs_object_id, hs_createdate, hs_lastmodifieddate are added). */
  properties: PropertyDef[];
  /** Property shown as the record's name; default the first property. */
  primaryDisplayProperty?: string;
}

/** Builds the type definition of a custom object. */
export function customObjectType(opts: CustomObjectOptions): ObjectTypeDef {
  const display = opts.primaryDisplayProperty ?? opts.properties[0]?.name;
  return objectType(
    {
      name: opts.name,
      objectTypeId: opts.objectTypeId,
      messageName: opts.name.toUpperCase(),
      modifiedProperty: 'hs_lastmodifieddate',
      createdProperty: 'hs_createdate',
      defaultProperties: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
      queryProperties: display ? [display] : [],
    },
    [
      ...common('hs_createdate', 'hs_lastmodifieddate', opts.name),
      ...opts.properties.map((p) => ({ ...p, hubspotDefined: false })),
    ],
  );
}
