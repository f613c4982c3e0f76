/**
 * What a connector knows about a system's objects and fields. Mappings are checked
 * against these descriptions at load time (unknown field, writing a read-only field,
 * upserting on a field that cannot be an external id).
 */
import { z } from 'zod';

/**
 * A field's value type as frontback sees it, after the connector has decoded the wire
 * form (HubSpot sends every value as a string; Odoo sends `false` for empty).
 */
export const FIELD_TYPES = [
  'string',
  'text',
  'number',
  'integer',
  'boolean',
  'date',
  'datetime',
  'enum',
  'reference',
  'references',
  'json',
] as const;

/** One of {@link FIELD_TYPES}. `reference` is one linked record (many2one), `references` several. */
export type FieldType = (typeof FIELD_TYPES)[number];

/** One choice of an `enum` field. */
export interface FieldOption {
  /** The stored value (HubSpot internal value, Odoo selection key). */
  value: string;
  /** What people see; defaults to the value. */
  label?: string;
}

/** One field of an object. */
export interface FieldDescription {
  /** API name (`email`, `partner_id`, `hs_lastmodifieddate`). */
  name: string;
  /** Human label, for previews and error messages. */
  label?: string;
  /** Decoded value type. */
  type: FieldType;
  /** A create fails without it. Default false. */
  required?: boolean;
  /** Computed or system-managed; never written (Odoo `qty_available`). Default false. */
  readOnly?: boolean;
  /**
   * Unique per record and settable by us, so it can serve as an external id / idempotency
   * key for upserts (HubSpot `email` or a property with `hasUniqueValue`, a Salesforce
   * External ID field, a NetSuite `externalId`). Default false.
   */
  externalId?: boolean;
  /** Allowed values of an `enum` field. */
  options?: FieldOption[];
  /** Target object of a `reference`/`references` field (`res.partner`, `companies`). */
  reference?: { object: string };
}

/** A custom field to create (see `Connector.ensureFields`). */
export interface FieldRequest {
  /** API name, e.g. `erp_credit_limit`. */
  name: string;
  /** Its type; `string` when nothing better is known. */
  type: FieldType;
  /** What people see; default the name. */
  label?: string;
  /** The system keeps its values unique (an idempotency key to upsert by), where it can. */
  unique?: boolean;
}

/**
 * How a create of an object is made idempotent, so that a create repeated after a crash or
 * a lost answer updates the record it made instead of making a second (ARCHITECTURE
 * invariant 3). Declared by the connector per object; the engine only asks.
 *
 * - `generated`: frontback generates a key per source record
 *   (`<mapping>_<side>_<source id>`) and the connector upserts by it in `field` (Odoo:
 *   the external id of `ir.model.data`; HubSpot companies, deals, products: a unique
 *   custom property). With `ensure`, the field is a custom field frontback creates before
 *   the first pass (`Connector.ensureFields`); until it exists, creates are not keyed.
 * - `field`: a natural unique key the record carries (HubSpot contacts: `email`), taken
 *   from the values written; a create without a value there is not keyed.
 */
export type CreateKeySpec =
  | { readonly source: 'generated'; readonly field: string; readonly ensure?: FieldRequest }
  | { readonly source: 'field'; readonly field: string };

/** One object (record type) of a system. */
export interface ObjectDescription {
  /** API name (`contacts`, `res.partner`, `Account`, `customers`). */
  name: string;
  /** Human label. */
  label?: string;
  /** The fields frontback may read or write; need not be every field the system has. */
  fields: FieldDescription[];
  /** Name of the field holding the record id (`hs_object_id`, `id`, `Id`). Must be in `fields`. */
  idField: string;
  /**
   * Name of the field that orders changes (`hs_lastmodifieddate`, `write_date`,
   * `SystemModstamp`). Absent when the object cannot be polled incrementally.
   */
  modifiedField?: string;
  /** True when the object can be archived (soft-deleted) rather than only deleted. Default false. */
  archivable?: boolean;
  /** False when records of the object cannot be created through the API. Default true. */
  creatable?: boolean;
  /** False when records of the object cannot be deleted through the API. Default true. */
  deletable?: boolean;
  /** How creates are made idempotent (see {@link CreateKeySpec}); absent: creates are plain, never repeated blindly. */
  createKey?: CreateKeySpec;
}

/** Validates a {@link FieldDescription} and its internal consistency (enum options, reference target). */
export const fieldDescriptionSchema = z
  .object({
    name: z.string().min(1),
    label: z.string().optional(),
    type: z.enum(FIELD_TYPES),
    required: z.boolean().optional(),
    readOnly: z.boolean().optional(),
    externalId: z.boolean().optional(),
    options: z.array(z.object({ value: z.string(), label: z.string().optional() })).optional(),
    reference: z.object({ object: z.string().min(1) }).optional(),
  })
  .superRefine((field, ctx) => {
    if (field.type === 'enum' && (field.options === undefined || field.options.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: `enum field "${field.name}" needs options` });
    }
    if ((field.type === 'reference' || field.type === 'references') && field.reference === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['reference'],
        message: `${field.type} field "${field.name}" needs reference.object`,
      });
    }
    if (field.externalId && field.readOnly) {
      ctx.addIssue({
        code: 'custom',
        path: ['externalId'],
        message: `field "${field.name}" cannot be both readOnly and an externalId`,
      });
    }
  });

/** Validates an {@link ObjectDescription}: unique field names, idField and modifiedField present and typed. */
export const objectDescriptionSchema = z
  .object({
    name: z.string().min(1),
    label: z.string().optional(),
    fields: z.array(fieldDescriptionSchema).min(1),
    idField: z.string().min(1),
    modifiedField: z.string().min(1).optional(),
    archivable: z.boolean().optional(),
    creatable: z.boolean().optional(),
    deletable: z.boolean().optional(),
    createKey: z
      .union([
        z.object({
          source: z.literal('generated'),
          field: z.string().min(1),
          ensure: z
            .object({
              name: z.string().min(1),
              type: z.enum(FIELD_TYPES),
              label: z.string().optional(),
              unique: z.boolean().optional(),
            })
            .optional(),
        }),
        z.object({ source: z.literal('field'), field: z.string().min(1) }),
      ])
      .optional(),
  })
  .superRefine((object, ctx) => {
    const seen = new Set<string>();
    object.fields.forEach((field, index) => {
      if (seen.has(field.name)) {
        ctx.addIssue({ code: 'custom', path: ['fields', index, 'name'], message: `duplicate field "${field.name}"` });
      }
      seen.add(field.name);
    });
    if (!seen.has(object.idField)) {
      ctx.addIssue({
        code: 'custom',
        path: ['idField'],
        message: `idField "${object.idField}" is not one of the fields`,
      });
    }
    if (object.modifiedField !== undefined) {
      const modified = object.fields.find((f) => f.name === object.modifiedField);
      if (!modified) {
        ctx.addIssue({
          code: 'custom',
          path: ['modifiedField'],
          message: `modifiedField "${object.modifiedField}" is not one of the fields`,
        });
      } else if (modified.type !== 'datetime' && modified.type !== 'date') {
        ctx.addIssue({
          code: 'custom',
          path: ['modifiedField'],
          message: `modifiedField "${object.modifiedField}" must be a date or datetime field, not ${modified.type}`,
        });
      }
    }
  });

/** The fields of `object` that can serve as an upsert / idempotency key. */
export function externalIdFields(object: ObjectDescription): FieldDescription[] {
  return object.fields.filter((f) => f.externalId === true);
}

/** Finds a field by name. */
export function findField(object: ObjectDescription, name: string): FieldDescription | undefined {
  return object.fields.find((f) => f.name === name);
}
