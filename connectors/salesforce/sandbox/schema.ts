/**
 * The sObjects the Salesforce sandbox serves, described the way `describe` answers
 * (REST API Developer Guide, "sObject Describe": DescribeSObjectResult and Field). One
 * declarative table per object; the store validates writes against it, SOQL resolves
 * fields and relationships through it, and the describe routes render it.
 *
 * Standard fields and picklist values follow a fresh Enterprise Edition org (Object
 * Reference for the Salesforce Platform: Account, Contact, Opportunity,
 * OpportunityLineItem, Product2, Pricebook2, PricebookEntry, Order, User).
 */

/** Field types the sandbox knows (`Field.type` in describe). */
export type SObjectFieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'boolean'
  | 'currency'
  | 'double'
  | 'percent'
  | 'int'
  | 'date'
  | 'datetime'
  | 'reference';

/** One field of an sObject, in describe's terms. */
export interface SObjectField {
  /** API name, e.g. `AccountId` or `frontback_key__c`. */
  name: string;
  label: string;
  type: SObjectFieldType;
  /** Maximum length of text values (0 for non-text). */
  length: number;
  /** Null allowed. A createable, non-nillable field without `defaultedOnCreate` is required on create. */
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  /** Set by the platform on create when not given (checkboxes, owner, audit fields). */
  defaultedOnCreate: boolean;
  /** Computed by the platform (formula or roll-up); never written. */
  calculated: boolean;
  /** An External ID field (usable for upsert). */
  externalId: boolean;
  /** Values are unique across the object's records (case-insensitive unless `caseSensitive`). */
  unique: boolean;
  caseSensitive: boolean;
  /** Allowed values of a picklist, first active default first. */
  picklistValues: readonly string[];
  /** A value outside `picklistValues` is refused (`restrictedPicklist` in describe). */
  restrictedPicklist: boolean;
  /** Referenced objects of a lookup. */
  referenceTo: readonly string[];
  /** Name of the lookup's relationship in SOQL (`Account` for `AccountId`, `Parent` for `ParentId`). */
  relationshipName: string | null;
  /** A custom field (name ends in `__c`). */
  custom: boolean;
}

/** One sObject type. */
export interface SObjectType {
  /** API name, e.g. `Account`. */
  name: string;
  label: string;
  labelPlural: string;
  /** Id prefix, e.g. `001`. */
  keyPrefix: string;
  /** Fields by API name in declaration order. */
  fields: SObjectField[];
  /** Merge is allowed (Account, Contact). */
  mergeable: boolean;
  /** Records can be listed by `getUpdated`/`getDeleted` (replicateable). */
  replicateable: boolean;
  /** Children that point at this object: relationship name -> child object and field (e.g. `Contacts`). */
  childRelationships: { childSObject: string; field: string; relationshipName: string | null }[];
}

type FieldSpec = Partial<Omit<SObjectField, 'name' | 'type'>> & { type: SObjectFieldType };

const TEXT_LENGTH: Partial<Record<SObjectFieldType, number>> = {
  id: 18,
  string: 255,
  textarea: 32000,
  email: 80,
  phone: 40,
  url: 255,
  picklist: 255,
  reference: 18,
};

/** A field from a short spec: everything not said takes the most common standard value. */
export function field(name: string, spec: FieldSpec): SObjectField {
  const custom = name.endsWith('__c');
  const calculated = spec.calculated ?? false;
  return {
    name,
    label:
      spec.label ??
      name
        .replace(/__c$/, '')
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .replace(/_/g, ' '),
    type: spec.type,
    length: spec.length ?? TEXT_LENGTH[spec.type] ?? 0,
    nillable: spec.nillable ?? spec.type !== 'boolean',
    createable: spec.createable ?? !calculated,
    updateable: spec.updateable ?? !calculated,
    defaultedOnCreate: spec.defaultedOnCreate ?? spec.type === 'boolean',
    calculated,
    externalId: spec.externalId ?? false,
    unique: spec.unique ?? false,
    caseSensitive: spec.caseSensitive ?? false,
    picklistValues: spec.picklistValues ?? [],
    restrictedPicklist: spec.restrictedPicklist ?? false,
    referenceTo: spec.referenceTo ?? [],
    relationshipName: spec.relationshipName ?? null,
    custom,
  };
}

const SYSTEM = { createable: false, updateable: false, nillable: false, defaultedOnCreate: true } as const;
const ref = (to: string, relationshipName: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  type: 'reference',
  referenceTo: [to],
  relationshipName,
  ...extra,
});

/** Fields every sObject has: Id, IsDeleted and the audit fields. */
function systemFields(): SObjectField[] {
  return [
    field('Id', { type: 'id', label: 'Record ID', ...SYSTEM }),
    field('IsDeleted', { type: 'boolean', label: 'Deleted', ...SYSTEM }),
    field('CreatedDate', { type: 'datetime', ...SYSTEM }),
    field('CreatedById', ref('User', 'CreatedBy', SYSTEM)),
    field('LastModifiedDate', { type: 'datetime', ...SYSTEM }),
    field('LastModifiedById', ref('User', 'LastModifiedBy', SYSTEM)),
    field('SystemModstamp', { type: 'datetime', label: 'System Modstamp', ...SYSTEM }),
  ];
}

const owner = (): SObjectField =>
  field('OwnerId', ref('User', 'Owner', { nillable: false, defaultedOnCreate: true, label: 'Owner ID' }));

function address(prefix: string): SObjectField[] {
  return ['Street', 'City', 'State', 'PostalCode', 'Country'].map((part) =>
    field(`${prefix}${part}`, {
      type: part === 'Street' ? 'textarea' : 'string',
      length: part === 'Street' ? 255 : 80,
    }),
  );
}

/** Account.Industry values of a new org. */
export const INDUSTRIES = [
  'Agriculture',
  'Apparel',
  'Banking',
  'Biotechnology',
  'Chemicals',
  'Communications',
  'Construction',
  'Consulting',
  'Education',
  'Electronics',
  'Energy',
  'Engineering',
  'Entertainment',
  'Environmental',
  'Finance',
  'Food & Beverage',
  'Government',
  'Healthcare',
  'Hospitality',
  'Insurance',
  'Machinery',
  'Manufacturing',
  'Media',
  'Not For Profit',
  'Recreation',
  'Retail',
  'Shipping',
  'Technology',
  'Telecommunications',
  'Transportation',
  'Utilities',
  'Other',
] as const;

/** Opportunity.StageName values of a new org, in pipeline order. */
export const OPPORTUNITY_STAGES = [
  'Prospecting',
  'Qualification',
  'Needs Analysis',
  'Value Proposition',
  'Id. Decision Makers',
  'Perception Analysis',
  'Proposal/Price Quote',
  'Negotiation/Review',
  'Closed Won',
  'Closed Lost',
] as const;

const LEAD_SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];

function sobject(
  name: string,
  keyPrefix: string,
  fields: SObjectField[],
  extra: Partial<Pick<SObjectType, 'label' | 'labelPlural' | 'mergeable' | 'replicateable'>> = {},
): SObjectType {
  return {
    name,
    label: extra.label ?? name,
    labelPlural: extra.labelPlural ?? `${name}s`,
    keyPrefix,
    fields,
    mergeable: extra.mergeable ?? false,
    replicateable: extra.replicateable ?? true,
    childRelationships: [],
  };
}

/** The standard objects of a new org, as the sandbox serves them. */
export function standardSObjects(): SObjectType[] {
  const types = [
    sobject(
      'User',
      '005',
      [
        ...systemFields(),
        field('Username', { type: 'string', length: 80, nillable: false, unique: true }),
        field('LastName', { type: 'string', length: 80, nillable: false }),
        field('FirstName', { type: 'string', length: 40 }),
        field('Name', { type: 'string', length: 121, calculated: true, label: 'Full Name' }),
        field('Email', { type: 'email', nillable: false }),
        field('IsActive', { type: 'boolean', label: 'Active' }),
      ],
      { replicateable: true },
    ),
    sobject(
      'Account',
      '001',
      [
        ...systemFields(),
        field('MasterRecordId', ref('Account', 'MasterRecord', { createable: false, updateable: false })),
        field('Name', { type: 'string', nillable: false, label: 'Account Name' }),
        field('Type', {
          type: 'picklist',
          label: 'Account Type',
          picklistValues: [
            'Prospect',
            'Customer - Direct',
            'Customer - Channel',
            'Channel Partner / Reseller',
            'Installation Partner',
            'Technology Partner',
            'Other',
          ],
          restrictedPicklist: true,
        }),
        field('ParentId', ref('Account', 'Parent', { label: 'Parent Account ID' })),
        ...address('Billing'),
        ...address('Shipping'),
        field('Phone', { type: 'phone', label: 'Account Phone' }),
        field('Fax', { type: 'phone', label: 'Account Fax' }),
        field('AccountNumber', { type: 'string', length: 40 }),
        field('Website', { type: 'url' }),
        field('Industry', { type: 'picklist', picklistValues: INDUSTRIES, restrictedPicklist: true }),
        field('AnnualRevenue', { type: 'currency' }),
        field('NumberOfEmployees', { type: 'int', label: 'Employees' }),
        field('Description', { type: 'textarea' }),
        owner(),
      ],
      { mergeable: true },
    ),
    sobject(
      'Contact',
      '003',
      [
        ...systemFields(),
        field('MasterRecordId', ref('Contact', 'MasterRecord', { createable: false, updateable: false })),
        field('AccountId', ref('Account', 'Account', { label: 'Account ID' })),
        field('LastName', { type: 'string', length: 80, nillable: false }),
        field('FirstName', { type: 'string', length: 40 }),
        field('Salutation', { type: 'picklist', picklistValues: ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.', 'Mx.'] }),
        field('Name', { type: 'string', length: 121, calculated: true, label: 'Full Name' }),
        ...address('Mailing'),
        field('Phone', { type: 'phone', label: 'Business Phone' }),
        field('MobilePhone', { type: 'phone', label: 'Mobile Phone' }),
        field('Email', { type: 'email' }),
        field('Title', { type: 'string', length: 128 }),
        field('Department', { type: 'string', length: 80 }),
        field('LeadSource', { type: 'picklist', picklistValues: LEAD_SOURCES, restrictedPicklist: true }),
        field('Description', { type: 'textarea' }),
        owner(),
      ],
      { mergeable: true },
    ),
    sobject('Product2', '01t', [
      ...systemFields(),
      field('Name', { type: 'string', nillable: false, label: 'Product Name' }),
      field('ProductCode', { type: 'string' }),
      field('Description', { type: 'textarea', length: 4000 }),
      field('IsActive', { type: 'boolean', label: 'Active' }),
      field('Family', {
        type: 'picklist',
        label: 'Product Family',
        picklistValues: ['None', 'Hardware', 'Software', 'Services'],
        restrictedPicklist: true,
      }),
      field('StockKeepingUnit', { type: 'string', length: 180, label: 'Product SKU' }),
      field('QuantityUnitOfMeasure', { type: 'picklist', picklistValues: ['Each'] }),
    ]),
    sobject('Pricebook2', '01s', [
      ...systemFields(),
      field('Name', { type: 'string', nillable: false, label: 'Price Book Name' }),
      field('IsActive', { type: 'boolean', label: 'Active' }),
      field('IsStandard', { type: 'boolean', calculated: true, label: 'Is Standard Price Book' }),
      field('Description', { type: 'string' }),
    ]),
    sobject('PricebookEntry', '01u', [
      ...systemFields(),
      field('Name', { type: 'string', calculated: true, label: 'Product Name' }),
      field('Pricebook2Id', ref('Pricebook2', 'Pricebook2', { nillable: false, updateable: false })),
      field('Product2Id', ref('Product2', 'Product2', { nillable: false, updateable: false })),
      field('ProductCode', { type: 'string', calculated: true }),
      field('UnitPrice', { type: 'currency', nillable: false, label: 'List Price' }),
      field('IsActive', { type: 'boolean', label: 'Active' }),
      field('UseStandardPrice', { type: 'boolean' }),
    ]),
    sobject('Opportunity', '006', [
      ...systemFields(),
      field('AccountId', ref('Account', 'Account', { label: 'Account ID' })),
      field('Name', { type: 'string', length: 120, nillable: false }),
      field('Description', { type: 'textarea' }),
      field('StageName', {
        type: 'picklist',
        label: 'Stage',
        nillable: false,
        picklistValues: OPPORTUNITY_STAGES,
        restrictedPicklist: true,
      }),
      field('Amount', { type: 'currency' }),
      field('Probability', { type: 'percent', label: 'Probability (%)' }),
      field('CloseDate', { type: 'date', nillable: false }),
      field('Type', {
        type: 'picklist',
        label: 'Opportunity Type',
        picklistValues: ['Existing Customer - Upgrade', 'Existing Customer - Replacement', 'New Customer'],
        restrictedPicklist: true,
      }),
      field('LeadSource', { type: 'picklist', picklistValues: LEAD_SOURCES, restrictedPicklist: true }),
      field('IsClosed', { type: 'boolean', calculated: true, label: 'Closed' }),
      field('IsWon', { type: 'boolean', calculated: true, label: 'Won' }),
      field('Pricebook2Id', ref('Pricebook2', 'Pricebook2', { label: 'Price Book ID' })),
      field('HasOpportunityLineItem', { type: 'boolean', calculated: true, label: 'Has Line Item' }),
      owner(),
    ]),
    sobject(
      'OpportunityLineItem',
      '00k',
      [
        ...systemFields(),
        field('OpportunityId', ref('Opportunity', 'Opportunity', { nillable: false, updateable: false })),
        field('SortOrder', { type: 'int' }),
        field('PricebookEntryId', ref('PricebookEntry', 'PricebookEntry', { updateable: false })),
        field('Product2Id', ref('Product2', 'Product2', { updateable: false })),
        field('ProductCode', { type: 'string', calculated: true }),
        field('Name', { type: 'string', length: 376, calculated: true, label: 'Opportunity Product Name' }),
        field('Quantity', { type: 'double', nillable: false }),
        field('TotalPrice', { type: 'currency', label: 'Total Price' }),
        field('UnitPrice', { type: 'currency', label: 'Sales Price' }),
        field('ListPrice', { type: 'currency', calculated: true }),
        field('ServiceDate', { type: 'date', label: 'Date' }),
        field('Description', { type: 'string', label: 'Line Description' }),
      ],
      { label: 'Opportunity Product', labelPlural: 'Opportunity Product' },
    ),
    sobject('Order', '801', [
      ...systemFields(),
      field('AccountId', ref('Account', 'Account', { nillable: false, label: 'Account ID' })),
      field('OpportunityId', ref('Opportunity', 'Opportunity')),
      field('Pricebook2Id', ref('Pricebook2', 'Pricebook2', { label: 'Price Book ID' })),
      field('Name', { type: 'string', length: 80, label: 'Order Name' }),
      field('OrderNumber', { type: 'string', length: 30, ...SYSTEM, label: 'Order Number' }),
      field('Status', {
        type: 'picklist',
        nillable: false,
        picklistValues: ['Draft', 'Activated'],
        restrictedPicklist: true,
      }),
      field('EffectiveDate', { type: 'date', nillable: false, label: 'Order Start Date' }),
      field('PoNumber', { type: 'string', length: 80, label: 'PO Number' }),
      field('TotalAmount', { type: 'currency', calculated: true, label: 'Order Amount' }),
      field('Description', { type: 'textarea' }),
      ...address('Billing'),
      owner(),
    ]),
  ];
  linkChildren(types);
  return types;
}

const CHILD_RELATIONSHIP_NAMES: Record<string, string> = {
  'Contact.AccountId': 'Contacts',
  'Opportunity.AccountId': 'Opportunities',
  'Order.AccountId': 'Orders',
  'Account.ParentId': 'ChildAccounts',
  'OpportunityLineItem.OpportunityId': 'OpportunityLineItems',
  'PricebookEntry.Product2Id': 'PricebookEntries',
  'PricebookEntry.Pricebook2Id': 'PricebookEntries',
  'Order.OpportunityId': 'Orders',
};

/** Fills each type's `childRelationships` from the lookups pointing at it. */
export function linkChildren(types: SObjectType[]): void {
  const byName = new Map(types.map((t) => [t.name, t]));
  for (const t of types) t.childRelationships = [];
  for (const child of types) {
    for (const f of child.fields) {
      if (f.type !== 'reference' || f.name === 'CreatedById' || f.name === 'LastModifiedById') continue;
      for (const parent of f.referenceTo) {
        byName.get(parent)?.childRelationships.push({
          childSObject: child.name,
          field: f.name,
          relationshipName: CHILD_RELATIONSHIP_NAMES[`${child.name}.${f.name}`] ?? null,
        });
      }
    }
  }
}

/** A field of a type by API name, ignoring case as Salesforce does. */
export function findField(type: SObjectType, name: string): SObjectField | undefined {
  const lower = name.toLowerCase();
  return type.fields.find((f) => f.name.toLowerCase() === lower);
}
