/**
 * What the standard objects do on save beyond field checks (Object Reference for the
 * Salesforce Platform, and Sales Cloud behaviour of a new org): computed names, an
 * opportunity's closed/won flags, probability and amount from its products, the price
 * book rules of entries and opportunity products, order numbers, the standard duplicate
 * rule on Contact e-mail, and which children go to the recycle bin with their parent.
 */
import { SalesforceApiError } from './errors.ts';
import type { SObjectRow } from './records.ts';
import type { SObjectType } from './schema.ts';
import type { WriteContext } from './store.ts';
import { requiredMissing } from './validate.ts';

/** What the rules read from the store. */
export interface RuleHost {
  rows(typeName: string, includeDeleted: boolean): Iterable<SObjectRow>;
  byId(id: string, includeDeleted: boolean): { type: string; row: SObjectRow } | undefined;
  /** Contacts with the same e-mail are refused unless the caller allows the save. */
  duplicateRuleOnContactEmail: boolean;
}

/** Default probability per stage (Setup > Opportunity Stages of a new org). */
const STAGE_PROBABILITY: Record<string, number> = {
  Prospecting: 10,
  Qualification: 10,
  'Needs Analysis': 20,
  'Value Proposition': 50,
  'Id. Decision Makers': 60,
  'Perception Analysis': 70,
  'Proposal/Price Quote': 75,
  'Negotiation/Review': 90,
  'Closed Won': 100,
  'Closed Lost': 0,
};

/** Parent type -> children (type and lookup field) deleted with it. */
const CASCADES: Record<string, [string, string][]> = {
  Account: [
    ['Contact', 'AccountId'],
    ['Opportunity', 'AccountId'],
    ['Order', 'AccountId'],
  ],
  Opportunity: [['OpportunityLineItem', 'OpportunityId']],
  Product2: [['PricebookEntry', 'Product2Id']],
};

const fullName = (row: SObjectRow): string =>
  [row['FirstName'], row['LastName']].filter((v) => typeof v === 'string' && v !== '').join(' ');

const normEmail = (v: unknown): string => (typeof v === 'string' ? v.trim().toLowerCase() : '');

function duplicates(host: RuleHost, row: SObjectRow, prev: SObjectRow | undefined, ctx: WriteContext): void {
  const email = normEmail(row['Email']);
  if (!host.duplicateRuleOnContactEmail || ctx.allowDuplicates || ctx.origin !== 'api' || email === '') return;
  if (prev && normEmail(prev['Email']) === email) return;
  const matches = [...host.rows('Contact', false)].filter(
    (c) => c['Id'] !== row['Id'] && normEmail(c['Email']) === email,
  );
  if (matches.length === 0) return;
  // REST API Developer Guide, "Duplicate Management": the error carries the rule's DuplicateResult.
  throw new SalesforceApiError(400, 'DUPLICATES_DETECTED', 'Use one of these records?', [], {
    duplicateResult: {
      allowSave: true,
      duplicateRule: 'Standard_Contact_Duplicate_Rule',
      duplicateRuleEntityType: 'Contact',
      errorMessage: 'Use one of these records?',
      matchResults: [
        {
          entityType: 'Contact',
          errors: [],
          matchEngine: 'FuzzyMatchEngine',
          matchRecords: matches.map((m) => ({
            additionalInformation: [],
            fieldDiffs: [],
            matchConfidence: 100,
            record: { attributes: { type: 'Contact' }, Id: m['Id'] },
          })),
          rule: 'Standard_Contact_Match_Rule_v1_1',
          size: matches.length,
          success: true,
        },
      ],
    },
  });
}

function standardBookId(host: RuleHost): string | undefined {
  const book = [...host.rows('Pricebook2', false)].find((b) => b['IsStandard'] === true);
  return book ? String(book['Id']) : undefined;
}

function pricebookEntry(host: RuleHost, row: SObjectRow): void {
  const product = host.byId(String(row['Product2Id']), false)?.row;
  const clash = [...host.rows('PricebookEntry', false)].some(
    (e) => e['Id'] !== row['Id'] && e['Product2Id'] === row['Product2Id'] && e['Pricebook2Id'] === row['Pricebook2Id'],
  );
  if (clash) {
    throw new SalesforceApiError(400, 'DUPLICATE_VALUE', 'This price definition already exists in this price book');
  }
  const standard = standardBookId(host);
  if (row['Pricebook2Id'] !== standard) {
    const std = [...host.rows('PricebookEntry', false)].find(
      (e) => e['Product2Id'] === row['Product2Id'] && e['Pricebook2Id'] === standard,
    );
    if (!std) {
      throw new SalesforceApiError(
        400,
        'STANDARD_PRICE_NOT_DEFINED',
        'Before creating a custom price, create a standard price.',
      );
    }
    if (row['UseStandardPrice'] === true) row['UnitPrice'] = std['UnitPrice'] ?? null;
  }
  row['Name'] = product?.['Name'] ?? null;
  row['ProductCode'] = product?.['ProductCode'] ?? null;
}

function integrity(message: string, fields: string[] = []): SalesforceApiError {
  return new SalesforceApiError(400, 'FIELD_INTEGRITY_EXCEPTION', `field integrity exception: ${message}`, fields);
}

function lineItem(host: RuleHost, row: SObjectRow, prev: SObjectRow | undefined): void {
  const opp = host.byId(String(row['OpportunityId']), false)?.row;
  if (!prev) {
    if (row['PricebookEntryId'] === null && row['Product2Id'] === null) throw requiredMissing(['PricebookEntryId']);
    const book = (opp?.['Pricebook2Id'] as string | null | undefined) ?? standardBookId(host);
    const entry =
      row['PricebookEntryId'] !== null
        ? host.byId(String(row['PricebookEntryId']), false)?.row
        : [...host.rows('PricebookEntry', false)].find(
            (e) => e['Product2Id'] === row['Product2Id'] && e['Pricebook2Id'] === book,
          );
    if (!entry) {
      throw integrity("Product2Id (no price book entry for this product in the opportunity's price book)", [
        'Product2Id',
      ]);
    }
    if (entry['Pricebook2Id'] !== book) {
      throw integrity(
        'PricebookEntryId (pricebook entry is in a different pricebook than the one assigned to the opportunity)',
        ['PricebookEntryId'],
      );
    }
    if (row['Product2Id'] !== null && row['Product2Id'] !== entry['Product2Id']) {
      throw integrity('Product2Id (product does not match the price book entry)', ['Product2Id']);
    }
    if (row['UnitPrice'] !== null && row['TotalPrice'] !== null) {
      throw integrity('TotalPrice (only one of unit price or total price may be specified)', ['TotalPrice']);
    }
    if (row['UnitPrice'] === null && row['TotalPrice'] === null) {
      throw integrity('unknown (must specify either TotalPrice or UnitPrice)');
    }
    const product = host.byId(String(entry['Product2Id']), false)?.row;
    row['PricebookEntryId'] = entry['Id'] ?? null;
    row['Product2Id'] = entry['Product2Id'] ?? null;
    row['ListPrice'] = entry['UnitPrice'] ?? null;
    row['ProductCode'] = product?.['ProductCode'] ?? null;
    row['Name'] = `${String(opp?.['Name'] ?? '')} ${String(product?.['Name'] ?? '')}`.trim();
  }
  const qty = Number(row['Quantity']);
  if (row['TotalPrice'] !== null && (prev === undefined || row['TotalPrice'] !== prev['TotalPrice'])) {
    row['UnitPrice'] = qty === 0 ? 0 : Math.round((Number(row['TotalPrice']) / qty) * 100) / 100;
  }
  row['TotalPrice'] = Math.round(qty * Number(row['UnitPrice']) * 100) / 100;
}

/** Computes and checks a row about to be saved (`prev` undefined on create); throws a Salesforce error. */
export function applyRules(
  host: RuleHost,
  type: SObjectType,
  row: SObjectRow,
  prev: SObjectRow | undefined,
  ctx: WriteContext,
): void {
  switch (type.name) {
    case 'User':
      row['Name'] = fullName(row);
      return;
    case 'Contact':
      row['Name'] = fullName(row);
      duplicates(host, row, prev, ctx);
      return;
    case 'Opportunity': {
      const stage = String(row['StageName']);
      row['IsClosed'] = stage === 'Closed Won' || stage === 'Closed Lost';
      row['IsWon'] = stage === 'Closed Won';
      if (
        row['Probability'] === null ||
        (prev && prev['StageName'] !== stage && prev['Probability'] === row['Probability'])
      ) {
        row['Probability'] = STAGE_PROBABILITY[stage] ?? null;
      }
      const lines = [...host.rows('OpportunityLineItem', false)].filter((l) => l['OpportunityId'] === row['Id']);
      row['HasOpportunityLineItem'] = lines.length > 0;
      if (lines.length > 0) {
        row['Amount'] = Math.round(lines.reduce((sum, l) => sum + Number(l['TotalPrice'] ?? 0), 0) * 100) / 100;
      }
      return;
    }
    case 'OpportunityLineItem':
      lineItem(host, row, prev);
      return;
    case 'PricebookEntry':
      if (!prev) pricebookEntry(host, row);
      return;
    case 'Order':
      if (!prev) {
        const numbers = [...host.rows('Order', true)].map((o) => Number(o['OrderNumber'] ?? 0));
        row['OrderNumber'] = String(Math.max(99, ...numbers) + 1).padStart(8, '0');
        row['TotalAmount'] = 0;
      }
      return;
    default:
      return;
  }
}

/** Records that go to the recycle bin with the record `id` of `type`. */
export function cascadeTargets(host: RuleHost, type: SObjectType, id: string): { type: string; row: SObjectRow }[] {
  return (CASCADES[type.name] ?? []).flatMap(([child, fieldName]) =>
    [...host.rows(child, false)].filter((r) => r[fieldName] === id).map((row) => ({ type: child, row })),
  );
}

/** The parent whose computed fields a write of `row` changes (an opportunity product's opportunity). */
export function rollupTarget(type: SObjectType, row: SObjectRow): { type: string; id: string } | undefined {
  if (type.name === 'OpportunityLineItem' && typeof row['OpportunityId'] === 'string') {
    return { type: 'Opportunity', id: row['OpportunityId'] };
  }
  return undefined;
}
