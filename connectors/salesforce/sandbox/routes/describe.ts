/**
 * Renders the catalogue as `describe` and `describeGlobal` answer (REST API Developer
 * Guide, "sObject Describe", "Describe Global"; the DescribeSObjectResult and Field
 * members of the SOAP API Developer Guide).
 */
import type { SObjectField, SObjectFieldType, SObjectType } from '../schema.ts';

const SOAP_TYPE: Record<SObjectFieldType, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  textarea: 'xsd:string',
  email: 'xsd:string',
  phone: 'xsd:string',
  url: 'xsd:string',
  picklist: 'xsd:string',
  boolean: 'xsd:boolean',
  currency: 'xsd:double',
  double: 'xsd:double',
  percent: 'xsd:double',
  int: 'xsd:int',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
};

const NUMBER_SHAPE: Partial<Record<SObjectFieldType, [number, number]>> = {
  currency: [18, 2],
  double: [18, 2],
  percent: [3, 0],
};

/** One Field of describe. */
export function describeField(f: SObjectField, type: SObjectType): Record<string, unknown> {
  const [precision, scale] = NUMBER_SHAPE[f.type] ?? [0, 0];
  const text = f.length > 0 && f.type !== 'id' && f.type !== 'reference';
  return {
    aggregatable: f.type !== 'textarea',
    autoNumber: f.name === 'OrderNumber',
    byteLength: text || f.type === 'id' || f.type === 'reference' ? f.length * 3 : 0,
    calculated: f.calculated,
    calculatedFormula: null,
    cascadeDelete: false,
    caseSensitive: f.caseSensitive,
    compoundFieldName: null,
    controllerName: null,
    createable: f.createable,
    custom: f.custom,
    defaultValue: f.type === 'boolean' ? false : null,
    defaultValueFormula: null,
    defaultedOnCreate: f.defaultedOnCreate,
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: f.type === 'int' ? 9 : 0,
    externalId: f.externalId,
    filterable: f.type !== 'textarea',
    groupable: !['textarea', 'currency', 'double', 'percent', 'datetime'].includes(f.type),
    htmlFormatted: false,
    idLookup: f.type === 'id' || f.externalId || (f.name === 'Email' && type.name === 'Contact'),
    inlineHelpText: null,
    label: f.label,
    length: f.type === 'id' || f.type === 'reference' ? 18 : f.length,
    name: f.name,
    nameField: f.name === 'Name' || (type.name === 'Order' && f.name === 'OrderNumber'),
    namePointing: false,
    nillable: f.nillable,
    permissionable: f.nillable && !f.calculated && f.createable,
    picklistValues: f.picklistValues.map((value) => ({
      active: true,
      defaultValue: false,
      label: value,
      validFor: null,
      value,
    })),
    polymorphicForeignKey: false,
    precision,
    referenceTargetField: null,
    referenceTo: [...f.referenceTo],
    relationshipName: f.relationshipName,
    relationshipOrder: null,
    restrictedDelete: false,
    restrictedPicklist: f.restrictedPicklist,
    scale,
    soapType: SOAP_TYPE[f.type],
    sortable: f.type !== 'textarea',
    type: f.type,
    unique: f.unique,
    updateable: f.updateable,
    writeRequiresMasterRead: false,
  };
}

function urls(version: string, type: SObjectType): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${type.name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

/** The describeGlobal entry of a type. */
export function describeSummary(version: string, type: SObjectType): Record<string, unknown> {
  const readOnly = type.name === 'User';
  return {
    activateable: false,
    createable: !readOnly,
    custom: type.name.endsWith('__c'),
    customSetting: false,
    deletable: !readOnly,
    deprecatedAndHidden: false,
    feedEnabled: false,
    hasSubtypes: false,
    isSubtype: false,
    keyPrefix: type.keyPrefix,
    label: type.label,
    labelPlural: type.labelPlural,
    layoutable: true,
    mergeable: type.mergeable,
    mruEnabled: true,
    name: type.name,
    queryable: true,
    replicateable: type.replicateable,
    retrieveable: true,
    searchable: true,
    triggerable: true,
    undeletable: !readOnly,
    updateable: !readOnly,
    urls: urls(version, type),
  };
}

/** The full describe of a type. */
export function describeType(version: string, type: SObjectType): Record<string, unknown> {
  return {
    ...describeSummary(version, type),
    actionOverrides: [],
    childRelationships: type.childRelationships.map((c) => ({
      cascadeDelete: false,
      childSObject: c.childSObject,
      deprecatedAndHidden: false,
      field: c.field,
      junctionIdListNames: [],
      junctionReferenceTo: [],
      relationshipName: c.relationshipName,
      restrictedDelete: false,
    })),
    compactLayoutable: true,
    fields: type.fields.map((f) => describeField(f, type)),
    lookupLayoutable: true,
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    recordTypeInfos: [],
    searchLayoutable: true,
    supportedScopes: [{ label: 'All records', name: 'everything' }],
  };
}
