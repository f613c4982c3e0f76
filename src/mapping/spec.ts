/**
 * The mapping file format: one zod schema, the single definition of what a mapping
 * file may say. Objects are strict (a misspelt key is an error with its position).
 * Field descriptions (`.describe`) end up in the JSON Schema that
 * `frontback schema mapping` prints, so editors complete and explain keys.
 * Checks that need more than one key or the transform registry live in
 * compile.ts; checks against connectors live in check-connectors.ts.
 */
import { z } from 'zod';

/** The two sides of every mapping. */
export const SIDES = ['crm', 'erp'] as const;
/** `crm` or `erp`. */
export type Side = (typeof SIDES)[number];

/** Field flows: both ways, or one way. */
export const FLOWS = ['both', 'crm->erp', 'erp->crm'] as const;
/** One of {@link FLOWS}. */
export type Flow = (typeof FLOWS)[number];

/** Conflict rules when both sides changed a field since the last sync. */
export const CONFLICT_RULES = ['newest', 'prefer crm', 'prefer erp', 'manual'] as const;
/** Delete policies: what a delete on one side does to the other. */
export const DELETE_POLICIES = ['ignore', 'archive', 'delete'] as const;

/** Mapping ids: lower-case words joined by "-" (they appear in audit entries and metrics labels). */
export const MAPPING_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

const side = z.enum(SIDES);
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const name = (what: string) => z.string().min(1).describe(what);

const sideSpec = (example: string) =>
  z.strictObject({
    connection: name('connection name from the configuration'),
    object: name(`object, e.g. ${example}`),
    custom: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'custom fields this mapping relies on that the connector does not describe offline (e.g. HubSpot properties the integration creates)',
      ),
  });

/** A transform step: `trim`, or `{ round: { decimals: 2 } }` (name -> arguments). */
const transformStep = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);
const transformSpec = z
  .union([transformStep, z.array(transformStep).min(1)])
  .describe(
    'transform(s) applied on the way crm -> erp (inverses on the way back): `e164`, `[trim, lower]`, `{ round: { decimals: 2 } }`',
  );

const valuesSpec = z
  .strictObject({
    map: z.record(z.string(), scalar).describe('CRM value -> ERP value; the way back uses the same table reversed'),
    inverse: z
      .record(z.string(), scalar)
      .optional()
      .describe(
        'ERP value -> CRM value for the way back, where several CRM values map to one ERP value: choose one (a CRM value that maps to it)',
      ),
    default: scalar.optional().describe('value for a CRM value the table does not list (crm -> erp only)'),
    strict: z.boolean().optional().describe('true: an unlisted value is an error; false: it passes unchanged'),
  })
  .describe('a value table (enum translation)');

const referenceLookup = z
  .strictObject({
    model: name('object holding the reference data, e.g. res.country'),
    by: name('its field the value is matched on, e.g. code or name (never a database id)'),
    side: side.optional().describe('side the object lives on; default erp'),
  })
  .describe('reference data by code or name');

const lookupSpec = z
  .union([z.string().regex(MAPPING_ID, 'must be a mapping id'), referenceLookup])
  .describe('a mapping id (follow its links: associations, parent company) or reference data { model, by }');

const aggregateSpec = z
  .strictObject({
    from: name('object to roll up, e.g. account.move'),
    by: name('its field that references this record, e.g. partner_id'),
    where: z.string().min(1).optional().describe('expression selecting the rows, e.g. state == "posted"'),
    sum: z.string().min(1).optional().describe('field to add up'),
    min: z.string().min(1).optional().describe('field whose smallest value is taken'),
    max: z.string().min(1).optional().describe('field whose largest value is taken'),
    count: z.literal(true).optional().describe('count the rows'),
    latest: z.string().min(1).optional().describe('field whose value on the newest row is taken (newest by `order`)'),
    order: z
      .string()
      .min(1)
      .optional()
      .describe('with latest: field that orders the rows (a date); ties and absent values by id'),
    key: z
      .string()
      .min(1)
      .optional()
      .describe('field of this record the rows reference (by holds it); default its id, e.g. name for an order number'),
    split: z
      .string()
      .min(1)
      .optional()
      .describe(
        'separator when one row references several records in one text, e.g. "," for invoice_origin "S001, S002"',
      ),
    side: side.optional().describe('side the object lives on; default erp'),
  })
  .describe('a roll-up over related records (read-only: the field flows to the other side)');

const fieldRule = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z_][\w-]*$/, 'must be a plain name')
      .optional()
      .describe('key of this field in canonical records and traces; default: the crm field, else the erp field'),
    crm: z
      .string()
      .min(1)
      .optional()
      .describe('CRM field name, or an expression over CRM fields (then the field flows crm->erp)'),
    erp: z
      .string()
      .min(1)
      .optional()
      .describe('ERP field name, or an expression over ERP fields (then the field flows erp->crm)'),
    flow: z.enum(FLOWS).optional().describe('both (default), crm->erp or erp->crm'),
    owner: side.optional().describe('side that wins when both changed the field'),
    transform: transformSpec.optional(),
    inverse: transformSpec
      .optional()
      .describe('transform(s) for the way erp -> crm, when the forward ones have no inverse'),
    values: valuesSpec.optional(),
    lookup: lookupSpec.optional(),
    aggregate: aggregateSpec.optional(),
    default: scalar.optional().describe('value written when the source value is empty'),
  })
  .describe('one field rule');

const normalizeSpec = z
  .union([
    // First: `{ crm: ..., erp: ... }` would also read as a transform step with two names.
    z.strictObject({
      crm: transformSpec.describe('normaliser of the CRM value'),
      erp: transformSpec.describe('normaliser of the ERP value'),
    }),
    transformSpec,
  ])
  .describe(
    'the normaliser both values are read through before comparing (`email`, `domain`, `[trim, upper]`), or one per side: { crm: ..., erp: ... }',
  );

const matchPart = z
  .strictObject({
    crm: name('CRM field').optional(),
    erp: name('ERP field').optional(),
    field: z
      .string()
      .min(1)
      .optional()
      .describe(
        'a field rule of this mapping (by name): its value as each side reads it, e.g. a name built from first and last names (instead of crm/erp)',
      ),
    normalize: normalizeSpec.optional(),
    via: z
      .string()
      .regex(MAPPING_ID, 'must be a mapping id')
      .optional()
      .describe(
        "a mapping id: the CRM value is a record id of that mapping's CRM side, the ERP value one of its ERP side; they agree when that mapping links them",
      ),
  })
  .describe('one part of a compound rule: every part must agree');

const matchRule = z
  .strictObject({
    crm: name('CRM field (a simple rule)').optional(),
    erp: name('ERP field (a simple rule)').optional(),
    normalize: normalizeSpec.optional(),
    all: z
      .array(matchPart)
      .min(1)
      .optional()
      .describe('a compound rule: parts that must all agree (instead of crm/erp)'),
    confirm: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'field rules whose two sides must also agree where both have a value; otherwise the match is weak and goes to a person',
      ),
  })
  .describe('a match rule: { crm, erp, normalize } or { all: [parts] }, optionally with confirm');

// Whole number and share range are checked in compile.ts, with messages that say which.
const maxCreatesSpec = z
  .union([z.number(), z.string().regex(/^\d+(\.\d+)?%$/, 'expected a whole number or a share such as "10%"')])
  .describe('most records one pass may create: a number, or a share of the records the pass read ("10%")');

const childSpec = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z_][\w-]*$/, 'must be a plain name')
    .optional()
    .describe('key in canonical records; default: the crm collection'),
  crm: name('CRM collection (e.g. line_items)'),
  erp: name('ERP collection (e.g. order_line)'),
  fields: z.array(fieldRule).min(1),
});

const exampleSpec = z.strictObject({
  name: z.string().optional().describe('what the example shows'),
  from: side.describe('side the input record comes from'),
  input: z.record(z.string(), z.unknown()).describe('a record as the connector delivers it'),
  expect: z.record(z.string(), z.unknown()).describe('the exact patch for the other side'),
  resolve: z.record(z.string(), scalar).optional().describe('lookup answers: "<mapping or model>:<value>" -> result'),
});

/** Schedules: `every 30s`, `every 5m`, `every 1h`, or a 5-field cron expression. */
export const SCHEDULE_EVERY = /^every\s+(\d+)\s*(s|m|h)$/;
const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;

/** True when `text` is a schedule this engine understands. */
export function isSchedule(text: string): boolean {
  const every = SCHEDULE_EVERY.exec(text.trim());
  if (every) return Number(every[1]) > 0;
  const parts = text.trim().split(/\s+/);
  return parts.length === 5 && parts.every((p) => CRON_FIELD.test(p));
}

/** The mapping file schema. */
export const mappingSpecSchema = z
  .strictObject({
    id: z
      .string()
      .regex(MAPPING_ID, 'must be lower-case words joined by "-", e.g. contacts-partners')
      .describe('unique mapping id (audit log, metrics, lookups)'),
    description: z.string().optional().describe('what this mapping is for'),
    sides: z
      .strictObject({
        crm: sideSpec('contacts'),
        erp: sideSpec('res.partner'),
      })
      .describe('the two objects this mapping pairs'),
    match: z.array(matchRule).optional().describe('how unlinked records find each other, tried in order'),
    creates: z
      .strictObject({
        crm: z.boolean().optional().describe('may create records in the CRM; default true'),
        erp: z.boolean().optional().describe('may create records in the ERP; default true'),
      })
      .optional()
      .describe('in which systems this mapping may create records (a record without a link and without a match)'),
    guard: z
      .strictObject({ maxCreates: maxCreatesSpec })
      .optional()
      .describe('a pass stops before the create that would exceed maxCreates'),
    filter: z
      .strictObject({ crm: z.string().min(1).optional(), erp: z.string().min(1).optional() })
      .optional()
      .describe('per side, an expression a record must satisfy to be synced'),
    schedule: z
      .string()
      .refine(isSchedule, 'expected "every <n>s|m|h" or a 5-field cron expression')
      .optional()
      .describe('polling schedule: every 5m, or cron "*/10 * * * *"; default every 5m'),
    conflicts: z
      .enum(CONFLICT_RULES)
      .optional()
      .describe('rule when both sides changed a field: newest (default), prefer crm, prefer erp, manual'),
    deletes: z
      .enum(DELETE_POLICIES)
      .optional()
      .describe('what a delete does on the other side: ignore (default), archive, delete'),
    fields: z.array(fieldRule).min(1).describe('field rules'),
    children: z.array(childSpec).optional().describe('child collections, e.g. deal line items <-> order_line'),
    examples: z.array(exampleSpec).optional().describe('input -> expected patch; run by frontback validate'),
  })
  .describe('a frontback mapping: pairs one object on one connection with one on another');

/** A parsed mapping file. */
export type MappingSpec = z.infer<typeof mappingSpecSchema>;
/** One field rule of a mapping file. */
export type FieldRuleSpec = z.infer<typeof fieldRule>;
/** A transform reference as written. */
export type TransformSpec = z.infer<typeof transformSpec>;
/** A value table as written. */
export type ValuesSpec = z.infer<typeof valuesSpec>;
/** A lookup as written. */
export type LookupSpec = z.infer<typeof lookupSpec>;
/** An aggregate as written. */
export type AggregateSpec = z.infer<typeof aggregateSpec>;
/** A child collection as written. */
export type ChildSpec = z.infer<typeof childSpec>;
/** An example as written. */
export type ExampleSpec = z.infer<typeof exampleSpec>;
/** A match rule as written. */
export type MatchRuleSpec = z.infer<typeof matchRule>;
/** One part of a compound match rule as written. */
export type MatchPartSpec = z.infer<typeof matchPart>;
/** A match normaliser as written: one chain, or one per side. */
export type NormalizeSpec = z.infer<typeof normalizeSpec>;

/** The JSON Schema of mapping files (draft 2020-12), for editors and `frontback schema mapping`. */
export function mappingJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(mappingSpecSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
