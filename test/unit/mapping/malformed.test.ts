/**
 * Malformed mapping files: each case asserts the exact message and position
 * (`file:line:col path: message`) that `frontback validate` prints, and that a
 * file's problems are all reported at once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatSourceIssue, MappingError } from '../../../src/errors.ts';
import { loadMappings, loadMappingsOrThrow } from '../../../src/mapping/load.ts';
import { testCatalog } from './catalog.ts';

const dir = mkdtempSync(join(tmpdir(), 'frontback-malformed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEAD = `id: contacts-partners
sides:
  crm: { connection: hubspot, object: contacts }
  erp: { connection: odoo, object: res.partner }
`;
/** A file with HEAD and the given field rules (the first rule is on line 6). */
const F = (...rules: string[]): string => `${HEAD}fields:\n${rules.map((r) => `  - ${r}\n`).join('')}`;
/** A deals <-> sale.order file with one child collection (crm/erp given) whose first rule is on line 11. */
const C = (rules: string[], crm = 'line_items', erp = 'order_line'): string =>
  `id: deals-orders
sides:
  crm: { connection: hubspot, object: deals }
  erp: { connection: odoo, object: sale.order }
fields:
  - { crm: dealname, erp: client_order_ref, flow: crm->erp }
children:
  - crm: ${crm}
    erp: ${erp}
    fields:
${rules.map((r) => `      - ${r}\n`).join('')}`;

function problems(yaml: string): string[] {
  writeFileSync(join(dir, 'x.yaml'), yaml);
  return loadMappings('x.yaml', { cwd: dir, catalog: testCatalog }).issues.map(formatSourceIssue);
}

const CASES: { name: string; yaml: string; expected: string[] }[] = [
  {
    name: '__proto__ as a written field',
    yaml: F('{ crm: email, erp: __proto__ }'),
    expected: [
      'x.yaml:6:24 fields[0].erp: unknown field "__proto__" in odoo res.partner',
      'x.yaml:6:24 fields[0].erp: "__proto__" cannot be written: it is not a field of any system, and JavaScript treats it as the object\'s prototype',
    ],
  },
  {
    name: 'unknown transform, with did-you-mean',
    yaml: F('{ crm: email, erp: email }', '{ crm: phone, erp: phone, transform: lowr, flow: crm->erp }'),
    expected: ['x.yaml:7:42 fields[1].transform: unknown transform "lowr" (did you mean "lower"?)'],
  },
  {
    name: 'unknown top-level key (and the key it should have been is missing)',
    yaml: `${HEAD}feilds:\n  - { crm: email, erp: email }\n`,
    expected: ['x.yaml:1:1 fields: required', 'x.yaml:5:1 feilds: unknown key "feilds" (did you mean "fields"?)'],
  },
  {
    name: 'missing sides',
    yaml: 'id: contacts-partners\nfields:\n  - { crm: email, erp: email }\n',
    expected: ['x.yaml:1:1 sides: required'],
  },
  {
    name: 'bad flow',
    yaml: F('{ crm: email, erp: email, flow: crm-erp }'),
    expected: [
      'x.yaml:6:37 fields[0].flow: expected one of both, crm->erp, erp->crm; got "crm-erp" (did you mean "crm->erp"?)',
    ],
  },
  {
    name: 'both-way field whose transform has no inverse',
    yaml: F('{ crm: email, erp: email, transform: trim }'),
    expected: [
      'x.yaml:6:42 fields[0].transform: transform "trim" has no inverse, but this field flows both ways: add inverse: <transform> for the way back, or make it one-way (flow: crm->erp)',
    ],
  },
  {
    name: 'both-way field whose value map has no way back (two values map to one)',
    yaml: F('{ crm: lifecyclestage, erp: name, transform: { map: { map: { lead: Prospect, customer: Prospect } } } }'),
    expected: [
      'x.yaml:6:39 fields[0].transform: transform "map" has no inverse here (map: the way back is ambiguous: "Prospect" comes from "lead", "customer"; add `inverse: { "Prospect": <one of them> }` or `inverseDefault`, or declare the field one-way), but this field flows both ways: add inverse: <transform> for the way back, or make it one-way (flow: crm->erp)',
    ],
  },
  {
    name: 'the same many-to-one value map on a one-way field is fine',
    yaml: F(
      '{ crm: lifecyclestage, erp: name, flow: crm->erp, transform: { map: { map: { lead: Prospect, customer: Prospect } } } }',
    ),
    expected: [],
  },
  {
    name: 'unknown connection',
    yaml: HEAD.replace('connection: hubspot', 'connection: hubspt') + 'fields:\n  - { crm: email, erp: email }\n',
    expected: [
      'x.yaml:3:22 sides.crm.connection: unknown connection "hubspt" (did you mean "hubspot"?) (configured: hubspot, odoo, netsuite)',
    ],
  },
  {
    name: 'unknown object',
    yaml: HEAD.replace('object: contacts', 'object: contact') + 'fields:\n  - { crm: email, erp: email }\n',
    expected: ['x.yaml:3:39 sides.crm.object: unknown object "contact" in hubspot (did you mean "contacts"?)'],
  },
  {
    name: 'unknown field (connector describes the object)',
    yaml: F('{ crm: emial, erp: email }'),
    expected: ['x.yaml:6:12 fields[0].crm: unknown field "emial" in hubspot contacts (did you mean "email"?)'],
  },
  {
    name: 'value map that does not say what happens to unlisted values',
    yaml: F('{ crm: lifecyclestage, erp: customer_rank, values: { map: { customer: 1, lead: 0 } } }'),
    expected: [
      'x.yaml:6:48 fields[0].values: say what happens to a value the table does not list: add default: <value>, strict: true (refuse it) or strict: false (pass it unchanged)',
    ],
  },
  {
    name: 'value map strict with a default',
    yaml: F('{ crm: lifecyclestage, erp: customer_rank, values: { map: { customer: 1 }, strict: true, default: 0 } }'),
    expected: [
      'x.yaml:6:88 fields[0].values.strict: strict: true and a default contradict each other (with a default no value is refused); keep one',
    ],
  },
  {
    name: 'bad expression syntax, with the column of the problem',
    yaml: F('{ crm: firstname + " " +, erp: name }'),
    expected: ['x.yaml:6:29 fields[0].crm: bad expression: Unexpected token: EOF'],
  },
  {
    name: 'bad filter expression, with the column of the problem',
    yaml: `${HEAD}filter:\n  crm: lifecyclestage in ["customer"\nfields:\n  - { crm: email, erp: email }\n`,
    expected: ['x.yaml:6:37 filter.crm: bad expression: Expected RBRACKET, got EOF'],
  },
  {
    name: 'duplicate field',
    yaml: F('{ crm: email, erp: email }', '{ crm: email, erp: name, flow: crm->erp }'),
    expected: ['x.yaml:7:5 fields[1]: duplicate field "email" (also fields[0]); give one of them a different name:'],
  },
  {
    name: 'one target field written by two rules',
    yaml: F('{ crm: email, erp: email }', '{ crm: firstname, erp: email, flow: crm->erp }'),
    expected: [
      'x.yaml:7:28 fields[1].erp: erp field "email" is already written by fields[0]; one field rule per target field and direction',
    ],
  },
  {
    name: 'lookup to an unknown mapping',
    yaml: F('{ crm: email, erp: email }', '{ crm: phone, erp: parent_id, lookup: companies-partner, flow: crm->erp }'),
    expected: ['x.yaml:7:43 fields[1].lookup: lookup to unknown mapping "companies-partner"'],
  },
  {
    name: 'bad schedule',
    yaml: `${HEAD}schedule: every five minutes\nfields:\n  - { crm: email, erp: email }\n`,
    expected: ['x.yaml:5:11 schedule: expected "every <n>s|m|h" or a 5-field cron expression'],
  },
  {
    name: 'bad conflict rule',
    yaml: `${HEAD}conflicts: prefer-crm\nfields:\n  - { crm: email, erp: email }\n`,
    expected: [
      'x.yaml:5:12 conflicts: expected one of newest, prefer crm, prefer erp, manual; got "prefer-crm" (did you mean "prefer crm"?)',
    ],
  },
  {
    name: 'example that fails',
    yaml: `${F('{ crm: email, erp: email, transform: lower, inverse: lower }')}examples:\n  - from: crm\n    input: { email: " A@B.com" }\n    expect: { email: "a@b.com" }\n`,
    expected: ['x.yaml:10:22 examples[0].expect.email: example fails: expected "a@b.com", got " a@b.com"'],
  },
  {
    name: 'YAML syntax error',
    yaml: `${HEAD}fields:\n  - { crm: email, erp: email\n`,
    expected: ['x.yaml:7:1: Flow map in block collection must be sufficiently indented and end with a }'],
  },
  {
    name: 'expression declared to flow both ways',
    yaml: F('{ crm: firstname + " " + lastname, erp: name, flow: both }'),
    expected: ['x.yaml:6:57 fields[0].flow: the crm side is an expression, which can only be read: use flow: crm->erp'],
  },
  {
    name: 'rule that writes a read-only field',
    yaml: F('{ crm: associatedcompanyid, erp: phone }'),
    expected: [
      'x.yaml:6:12 fields[0].crm: hubspot contacts field "associatedcompanyid" is read-only, but this rule writes it: use flow: crm->erp',
    ],
  },
  {
    name: 'reference field written without a lookup',
    yaml: F('{ crm: country, erp: country_id }'),
    expected: [
      'x.yaml:6:26 fields[0].erp: odoo res.partner field "country_id" is a reference to res.country: add lookup: (a mapping id, or { model, by })',
    ],
  },
  {
    name: 'arguments to a transform that takes none',
    yaml: F('{ crm: email, erp: email, transform: { trim: { side: left } }, flow: crm->erp }'),
    expected: ['x.yaml:6:44 fields[0].transform.trim: transform "trim" takes no arguments'],
  },
  {
    name: 'field rule naming one side only',
    yaml: F('{ crm: email }'),
    expected: [
      'x.yaml:6:5 fields[0]: missing "erp": a field rule names a field on both sides (or an aggregate: on one)',
    ],
  },
  {
    name: 'bad mapping id',
    yaml: `id: Contacts_Partners\n${HEAD.split('\n').slice(1).join('\n')}fields:\n  - { crm: email, erp: email }\n`,
    expected: ['x.yaml:1:5 id: must be lower-case words joined by "-", e.g. contacts-partners'],
  },
  {
    name: 'value map that is not one-to-one on a both-way field',
    yaml: F('{ crm: lifecyclestage, erp: customer_rank, values: { map: { customer: 1, lead: 1 }, strict: true } }'),
    expected: [
      'x.yaml:6:84 fields[0].values.map.lead: 1 comes from "customer", "lead", so the way back (erp -> crm) cannot choose: add inverse: { "1": <one of them> }, or make the field one-way (flow: crm->erp)',
    ],
  },
  {
    name: 'no fields',
    yaml: `${HEAD}fields: []\n`,
    expected: ['x.yaml:5:1 fields: must have at least 1 items'],
  },
  {
    name: 'aggregate over an object the connector does not have',
    yaml: F('{ crm: amount, aggregate: { from: account.moves, by: partner_id, sum: amount_residual } }'),
    expected: [
      'x.yaml:6:39 fields[0].aggregate.from: unknown object "account.moves" in odoo (did you mean "account.move"?)',
    ],
  },
  {
    name: 'aggregate by a field that does not point to the mapped record, summing text, where on an unknown field',
    yaml: F(
      '{ crm: amount, aggregate: { from: account.move, by: invoice_user_id, sum: name, where: stat == "posted" } }',
    ),
    expected: [
      'x.yaml:6:57 fields[0].aggregate.by: odoo account.move field "invoice_user_id" is a reference to res.users, not a reference to res.partner: by: names the field of each account.move row that points to the mapped record',
      'x.yaml:6:79 fields[0].aggregate.sum: odoo account.move field "name" is string; sum needs numbers',
      'x.yaml:6:92 fields[0].aggregate.where: unknown field "stat" in odoo account.move (did you mean "state"?)',
    ],
  },
  {
    name: 'aggregate with two operations',
    yaml: F('{ crm: amount, aggregate: { from: account.move, by: partner_id, sum: amount_residual, count: true } }'),
    expected: [
      'x.yaml:6:20 fields[0].aggregate: an aggregate needs exactly one of sum, min, max, count, latest; got sum, count',
    ],
  },
  {
    name: 'unknown match field',
    yaml: `${HEAD}match:\n  - { crm: email, erp: e_mail }\nfields:\n  - { crm: email, erp: email }\n`,
    expected: ['x.yaml:6:24 match[0].erp: unknown field "e_mail" in odoo res.partner (did you mean "email"?)'],
  },
  {
    name: 'value table writing a value that is not an option of an enum field',
    yaml: F('{ crm: lifecyclestage, erp: name, values: { map: { custmer: ACME, lead: Lead }, strict: true } }'),
    expected: [
      'x.yaml:6:56 fields[0].values.map.custmer: "custmer" is not an option of hubspot contacts field "lifecyclestage" (did you mean "customer"?) (options: lead, customer)',
    ],
  },
  {
    name: 'child collection: unknown field in the rows, with did-you-mean',
    yaml: C(['{ crm: quantity, erp: product_uom_qtty, transform: number, flow: crm->erp }']),
    expected: [
      'x.yaml:11:31 children[0].fields[0].erp: unknown field "product_uom_qtty" in odoo sale.order.line (did you mean "product_uom_qty"?)',
    ],
  },
  {
    name: 'child collection: unknown collection on the ERP side',
    yaml: C(['{ crm: name, erp: name, flow: crm->erp }'], 'line_items', 'order_lines'),
    expected: [
      'x.yaml:9:10 children[0].erp: unknown collection "order_lines" in odoo sale.order (did you mean "order_line"?): not a field of sale.order that lists records, nor an object of the odoo connector',
    ],
  },
  {
    name: 'child collection: unknown collection on the CRM side (not an object either)',
    yaml: C(['{ crm: name, erp: name, flow: crm->erp }'], 'line_item'),
    expected: [
      'x.yaml:8:10 children[0].crm: unknown collection "line_item" in hubspot deals (did you mean "line_items"?): not a field of deals that lists records, nor an object of the hubspot connector',
    ],
  },
  {
    name: 'child collection: a parent field that does not list records',
    yaml: C(['{ crm: name, erp: name, flow: crm->erp }'], 'line_items', 'client_order_ref'),
    expected: [
      'x.yaml:9:10 children[0].erp: odoo sale.order field "client_order_ref" is not a collection (it is string); a child collection is a field listing records (one2many) or an associated object',
    ],
  },
  {
    name: 'child collection: rows the connector does not describe are not checked (and not refused)',
    yaml: C(['{ crm: name, erp: anything, flow: crm->erp }'], 'line_items', 'tag_ids'),
    expected: [],
  },
  {
    name: 'child collection: a rule that writes a read-only field of the rows',
    yaml: C(['{ crm: price, erp: price_subtotal, flow: crm->erp }']),
    expected: [
      'x.yaml:11:28 children[0].fields[0].erp: odoo sale.order.line field "price_subtotal" is read-only, but this rule writes it: use flow: erp->crm',
    ],
  },
  {
    name: 'child collection: a reference field of the rows written without a lookup',
    yaml: C(['{ crm: hs_product_id, erp: product_id, flow: crm->erp }']),
    expected: [
      'x.yaml:11:36 children[0].fields[0].erp: odoo sale.order.line field "product_id" is a reference to product.product: add lookup: (a mapping id, or { model, by })',
    ],
  },
  {
    name: 'child collection: free text into a number field of the rows',
    yaml: C(['{ crm: name, erp: product_uom_qty, flow: crm->erp }']),
    expected: [
      'x.yaml:11:27 children[0].fields[0].erp: odoo sale.order.line field "product_uom_qty" takes a number, but hubspot line_items field "name" gives text: add transform: number',
    ],
  },
  {
    name: 'child collection: a sound one (HubSpot number strings into Odoo floats, text into text)',
    yaml: C(['{ crm: quantity, erp: product_uom_qty, flow: crm->erp }', '{ crm: name, erp: name, flow: crm->erp }']),
    expected: [],
  },
  {
    name: 'type fit: free text into a boolean field',
    yaml: F('{ crm: firstname, erp: is_company, flow: crm->erp }'),
    expected: [
      'x.yaml:6:28 fields[0].erp: odoo res.partner field "is_company" takes a boolean, but hubspot contacts field "firstname" gives text: add transform: boolean',
    ],
  },
  {
    name: 'type fit: the boolean transform makes it fit',
    yaml: F('{ crm: firstname, erp: is_company, flow: crm->erp, transform: boolean }'),
    expected: [],
  },
  {
    name: 'type fit: text after a text transform is still text',
    yaml: F('{ crm: firstname, erp: is_company, flow: crm->erp, transform: [trim, lower] }'),
    expected: [
      'x.yaml:6:28 fields[0].erp: odoo res.partner field "is_company" takes a boolean, but transform "lower" gives text: add transform: boolean',
    ],
  },
  {
    name: 'type fit: free text into a number field',
    yaml: F('{ crm: firstname, erp: credit_limit, flow: crm->erp }'),
    expected: [
      'x.yaml:6:28 fields[0].erp: odoo res.partner field "credit_limit" takes a number, but hubspot contacts field "firstname" gives text: add transform: number',
    ],
  },
  {
    name: 'type fit: text through the number transform, and a HubSpot number (a string on the wire) both ways, fit',
    yaml: F(
      '{ crm: phone, erp: credit_limit, flow: crm->erp, transform: number }',
      '{ crm: amount, erp: customer_rank }',
    ),
    expected: [],
  },
  {
    name: 'type fit: free text into a date field',
    yaml: F('{ crm: firstname, erp: date, flow: crm->erp }'),
    expected: [
      'x.yaml:6:28 fields[0].erp: odoo res.partner field "date" takes a date, but hubspot contacts field "firstname" gives text: add transform: { date: { from: <its format, e.g. iso or dd/MM/yyyy> } }',
    ],
  },
  {
    name: 'type fit: the way back of a both-way field (a date into a CRM number field)',
    yaml: F('{ crm: amount, erp: date }'),
    expected: [
      'x.yaml:6:12 fields[0].crm: hubspot contacts field "amount" takes a number, but odoo res.partner field "date" gives a date: use an expression that gives a number',
    ],
  },
  {
    name: 'type fit: free text into an enum field without a value table',
    yaml: F('{ crm: firstname, erp: type, flow: crm->erp }'),
    expected: [
      'x.yaml:6:28 fields[0].erp: odoo res.partner field "type" takes one of a list of options, but hubspot contacts field "firstname" gives text: add values: { map: { <value>: <option>, ... }, strict: true } (options: contact, invoice)',
    ],
  },
  {
    name: 'type fit: an enum into an enum whose options differ',
    yaml: F('{ crm: lifecyclestage, erp: type, flow: crm->erp }'),
    expected: [
      'x.yaml:6:33 fields[0].erp: odoo res.partner field "type" takes one of a list of options, but hubspot contacts field "lifecyclestage" gives one of a list of options: its options "lead", "customer" are not options here: add values: { map: { ... }, strict: true } (options: contact, invoice)',
    ],
  },
  {
    name: 'type fit: a value table whose values are text, into a boolean field',
    yaml: F(
      '{ crm: lifecyclestage, erp: is_company, flow: crm->erp, values: { map: { customer: "yes" }, default: "no" } }',
    ),
    expected: [
      'x.yaml:6:33 fields[0].erp: odoo res.partner field "is_company" takes a boolean, but the value table gives text: add transform: boolean',
    ],
  },
  {
    name: 'type fit: a value table whose values are booleans fits a boolean field',
    yaml: F(
      '{ crm: lifecyclestage, erp: is_company, flow: crm->erp, values: { map: { customer: true }, default: false } }',
    ),
    expected: [],
  },
  {
    name: 'match: confirm names a field rule that does not exist, with did-you-mean',
    yaml: `${HEAD}match:\n  - { crm: email, erp: email, confirm: [contry] }\nfields:\n  - { crm: email, erp: email }\n  - { crm: country, erp: country_id, lookup: { model: res.country, by: code } }\n`,
    expected: [
      'x.yaml:6:41 match[0].confirm[0]: unknown field rule "contry" (did you mean "country"?); confirm: names field rules of this mapping (by name), whose two sides must agree',
    ],
  },
  {
    name: 'match: a rule naming one side only, and a compound rule that also names crm',
    yaml: `${HEAD}match:\n  - { crm: email }\n  - { crm: email, all: [{ crm: email, erp: email }] }\nfields:\n  - { crm: email, erp: email }\n`,
    expected: [
      'x.yaml:6:5 match[0]: missing "erp": a match rule names a field on both sides ({ crm, erp, normalize }), or lists parts that must all agree (all: [...])',
      'x.yaml:7:7 match[1].crm: a compound rule (all:) says its fields in its parts; move crm: into the parts of all:',
    ],
  },
  {
    name: 'match: a compound part naming an unknown field, a via part with a normaliser',
    yaml: `${HEAD}match:\n  - all:\n      - { crm: email, erp: e_mail }\n      - { crm: associatedcompanyid, erp: parent_id, via: contacts-partners, normalize: trim }\nfields:\n  - { crm: email, erp: email }\n`,
    expected: [
      'x.yaml:7:28 match[0].all[0].erp: unknown field "e_mail" in odoo res.partner (did you mean "email"?)',
      'x.yaml:8:77 match[0].all[1].normalize: a via part compares record ids through the links of another mapping: normalize does not apply; remove it',
    ],
  },
  {
    name: 'match: via names a mapping that does not exist',
    yaml: `${HEAD}match:\n  - all: [{ crm: associatedcompanyid, erp: parent_id, via: companies-partner }]\nfields:\n  - { crm: email, erp: email }\n`,
    expected: ['x.yaml:6:60 match[0].all[0].via: via: unknown mapping "companies-partner"'],
  },
  {
    name: 'match: a normaliser per side that names one side only',
    yaml: `${HEAD}match:\n  - { crm: email, erp: email, normalize: { crm: email } }\nfields:\n  - { crm: email, erp: email }\n`,
    expected: [
      'x.yaml:6:31 match[0].normalize: a normaliser per side names both sides: { crm: <transform>, erp: <transform> }; "erp" is missing',
    ],
  },
  {
    name: 'guard: a share above 100%',
    yaml: `${HEAD}guard: { maxCreates: "150%" }\nfields:\n  - { crm: email, erp: email }\n`,
    expected: ['x.yaml:5:22 guard.maxCreates: a share is at most "100%"; got "150%"'],
  },
  {
    name: 'guard: a fraction of a record',
    yaml: `${HEAD}guard: { maxCreates: 2.5 }\nfields:\n  - { crm: email, erp: email }\n`,
    expected: [
      'x.yaml:5:22 guard.maxCreates: expected a whole number of records (0 or more), or a share such as "10%"; got 2.5',
    ],
  },
  {
    name: 'guard and creates: values of the wrong type',
    yaml: `${HEAD}guard: { maxCreates: true }\ncreates: { crm: maybe }\nfields:\n  - { crm: email, erp: email }\n`,
    expected: [
      'x.yaml:5:22 guard.maxCreates: expected a number or a string; got true',
      'x.yaml:6:17 creates.crm: expected true or false; got "maybe"',
    ],
  },
  {
    name: 'value table: many-to-one both ways, settled by inverse; an inverse that would flip, an option that does not exist',
    yaml: F(
      '{ crm: lifecyclestage, erp: type, values: { map: { lead: contact, customer: contact }, inverse: { contact: customer }, strict: true } }',
      '{ name: stage2, crm: lifecyclestage, erp: customer_rank, values: { map: { lead: 1, customer: 2 }, inverse: { "1": customer }, strict: true } }',
      '{ name: stage3, crm: lifecyclestage, erp: type, values: { map: { lead: contact, customer: invoice }, inverse: { invoice: leed }, strict: true } }',
    ),
    expected: [
      'x.yaml:7:119 fields[1].values.inverse["1"]: the way back gives "customer" for "1", but "customer" maps to 2: the value would flip on every sync; choose one of "lead"',
      'x.yaml:8:126 fields[2].values.inverse.invoice: "leed" is not an option of hubspot contacts field "lifecyclestage" (did you mean "lead"?) (options: lead, customer)',
      'x.yaml:8:126 fields[2].values.inverse.invoice: the way back gives "leed" for "invoice", but "leed" is not listed in map:, so the next sync would not give "invoice" back; choose one of "customer"',
    ],
  },
  {
    name: 'value table: an ERP value it writes (map, default) that is not an option of the ERP field',
    yaml: F('{ crm: firstname, erp: type, flow: crm->erp, values: { map: { Ann: contakt }, default: invoise } }'),
    expected: [
      'x.yaml:6:72 fields[0].values.map.Ann: "contakt" is not an option of odoo res.partner field "type" (did you mean "contact"?) (options: contact, invoice)',
      'x.yaml:6:92 fields[0].values.default: "invoise" is not an option of odoo res.partner field "type" (did you mean "invoice"?) (options: contact, invoice)',
    ],
  },
  {
    name: 'value table: inverse on a one-way field',
    yaml: F(
      '{ crm: lifecyclestage, erp: type, flow: crm->erp, values: { map: { lead: contact, customer: contact }, inverse: { contact: lead }, strict: true } }',
    ),
    expected: [
      'x.yaml:6:108 fields[0].values.inverse: inverse: is the way back (erp -> crm) of a field that flows both ways; this field flows one way: remove it',
    ],
  },
  {
    name: 'a list instead of a mapping',
    yaml: '- just\n- a list\n',
    expected: ['x.yaml:1:1: expected a mapping (key: value pairs) at the top level; got a list'],
  },
  {
    name: 'several problems of different kinds, all at once, in file order',
    yaml: F(
      '{ crm: emial, erp: email }',
      '{ crm: phone, erp: phone, transform: e146, flow: crm->erp }',
      '{ crm: city, erp: city, colour: red }',
    ),
    expected: [
      'x.yaml:6:12 fields[0].crm: unknown field "emial" in hubspot contacts (did you mean "email"?)',
      'x.yaml:7:42 fields[1].transform: unknown transform "e146" (did you mean "e164"?)',
      'x.yaml:8:29 fields[2].colour: unknown key "colour"',
    ],
  },
];

describe('malformed mappings', () => {
  it('has at least 25 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
  });

  it.each(CASES)('$name', ({ yaml, expected }) => {
    expect(problems(yaml)).toEqual(expected);
  });

  it('throws one MappingError listing every problem of every file', () => {
    const folder = mkdtempSync(join(dir, 'many-'));
    writeFileSync(join(folder, 'a.yaml'), F('{ crm: emial, erp: email }'));
    writeFileSync(join(folder, 'b.yaml'), `${HEAD}conflicts: sometimes\nfields:\n  - { crm: email, erp: email }\n`);
    let error: unknown;
    try {
      loadMappingsOrThrow(folder, { cwd: folder, catalog: testCatalog });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MappingError);
    const message = (error as MappingError).message;
    expect(message).toContain('invalid mapping: 3 problems');
    expect(message).toContain('a.yaml:6:12 fields[0].crm: unknown field "emial"');
    expect(message).toContain(
      'b.yaml:5:12 conflicts: expected one of newest, prefer crm, prefer erp, manual; got "sometimes"',
    );
    // Both files have id contacts-partners.
    expect(message).toContain('b.yaml:1:5 id: duplicate mapping id "contacts-partners" (also in a.yaml)');
  });

  it('warns (and does not fail) when a child collection is a declared custom field', () => {
    // It creates nowhere, so no "creates without a match rule" warning joins the note this test is about.
    const yaml = `${C(['{ crm: whatever, erp: name, flow: crm->erp }'], 'x_parts').replace('object: deals }', 'object: deals, custom: [x_parts] }')}creates: { crm: false, erp: false }\n`;
    writeFileSync(join(dir, 'custom-child.yaml'), yaml);
    const result = loadMappings('custom-child.yaml', { cwd: dir, catalog: testCatalog });
    expect(result.issues).toEqual([]);
    expect(result.warnings).toEqual([
      'custom-child.yaml: children[0] crm fields not checked: "x_parts" is a custom field of hubspot deals',
    ]);
  });

  it.each([
    [
      'may create on both sides, no match rule',
      '',
      [
        'cr.yaml:1:1: creates in crm without a match rule: every record without a link becomes a new one (add match: rules, or creates: { crm: false })',
        'cr.yaml:1:1: creates in erp without a match rule: every record without a link becomes a new one (add match: rules, or creates: { erp: false })',
      ],
    ],
    [
      'says it creates in the ERP only',
      'creates: { crm: false, erp: true }\n',
      [
        'cr.yaml:5:29 creates.erp: creates in erp without a match rule: every record without a link becomes a new one (add match: rules, or creates: { erp: false })',
      ],
    ],
    ['creates nowhere', 'creates: { crm: false, erp: false }\n', []],
    ['has a match rule', 'match:\n  - { crm: email, erp: email }\n', []],
  ])('warns (and does not fail) when a mapping %s', (_name, extra, expected) => {
    writeFileSync(join(dir, 'cr.yaml'), `${HEAD}${extra}fields:\n  - { crm: email, erp: email }\n`);
    const result = loadMappings('cr.yaml', { cwd: dir, catalog: testCatalog });
    expect(result.issues).toEqual([]);
    expect(result.warnings).toEqual(expected);
    expect(result.mappings).toHaveLength(1);
  });

  it('warns (and does not fail) when a connector gives no offline description', () => {
    writeFileSync(
      join(dir, 'ns.yaml'),
      HEAD.replace('connection: odoo', 'connection: netsuite') +
        'match:\n  - { crm: email, erp: anything_at_all }\nfields:\n  - { crm: email, erp: anything_at_all }\n',
    );
    const result = loadMappings('ns.yaml', { cwd: dir, catalog: testCatalog });
    expect(result.issues).toEqual([]);
    expect(result.warnings).toEqual([
      'ns.yaml: erp fields not checked: connector "netsuite" gives no offline description',
    ]);
    expect(result.mappings).toHaveLength(1);
  });
});
