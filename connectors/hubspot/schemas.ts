/**
 * zod schemas of every HubSpot response the connector trusts (CRM v3 objects, search,
 * batch, properties; associations v4; errors and the 429 body). Loose objects: HubSpot
 * adds fields over time, and only the ones read here must be right.
 */
import { z } from 'zod';

/** A CRM record (`SimplePublicObject`); upsert results add `new`. */
export const hubspotRecordSchema = z.looseObject({
  id: z.string(),
  properties: z.record(z.string(), z.string().nullable()),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  archived: z.boolean().optional(),
  archivedAt: z.string().optional(),
  new: z.boolean().optional(),
  /** Past values of the properties asked for, newest first (`ValueWithTimestamp`). */
  propertiesWithHistory: z
    .record(z.string(), z.array(z.looseObject({ value: z.string(), timestamp: z.string(), sourceType: z.string() })))
    .optional(),
});
/** One record. */
export type HubSpotRecord = z.infer<typeof hubspotRecordSchema>;

const pagingSchema = z
  .looseObject({ next: z.looseObject({ after: z.string(), link: z.string().optional() }).optional() })
  .optional();

/** `GET /crm/v3/objects/{type}` (list, archived list). */
export const listPageSchema = z.looseObject({ results: z.array(hubspotRecordSchema), paging: pagingSchema });
/** A list page. */
export type ListPage = z.infer<typeof listPageSchema>;

/** `POST /crm/v3/objects/{type}/search`. */
export const searchPageSchema = z.looseObject({
  total: z.number().int().nonnegative(),
  results: z.array(hubspotRecordSchema),
  paging: pagingSchema,
});
/** A search page. */
export type SearchPage = z.infer<typeof searchPageSchema>;

/** One entry of an error's `errors` list (`ErrorDetail`). */
export const errorDetailSchema = z.looseObject({
  message: z.string(),
  code: z.string().optional(),
  in: z.string().optional(),
  subCategory: z.string().optional(),
  context: z.record(z.string(), z.array(z.string())).optional(),
});

/** HubSpot's error body (`Error`); `category` is optional because the 429 body has none. */
export const errorBodySchema = z.looseObject({
  status: z.string().optional(),
  message: z.string(),
  correlationId: z.string().optional(),
  category: z.string().optional(),
  subCategory: z.string().optional(),
  errors: z.array(errorDetailSchema).optional(),
  context: z.record(z.string(), z.array(z.string())).optional(),
});
/** An error body. */
export type HubSpotErrorBody = z.infer<typeof errorBodySchema>;

/** The 429 body: `{status, message, errorType: "RATE_LIMIT", correlationId, policyName}`. */
export const rateLimitBodySchema = z.looseObject({
  status: z.string().optional(),
  message: z.string(),
  errorType: z.string().optional(),
  correlationId: z.string().optional(),
  policyName: z.string().optional(),
});

/** A batch error entry (`StandardError`), e.g. the ids a batch read or update could not find. */
export const batchErrorSchema = z.looseObject({
  status: z.string().optional(),
  category: z.string().optional(),
  message: z.string(),
  context: z.record(z.string(), z.array(z.string())).optional(),
});

/** `POST .../batch/{read|create|update|upsert}`: 200/201, or 207 with `errors`. */
export const batchResponseSchema = z.looseObject({
  status: z.string(),
  results: z.array(hubspotRecordSchema),
  errors: z.array(batchErrorSchema).optional(),
  numErrors: z.number().optional(),
});
/** A batch response. */
export type BatchResponse = z.infer<typeof batchResponseSchema>;

/** One property (`GET /crm/v3/properties/{type}`). */
export const propertySchema = z.looseObject({
  name: z.string(),
  label: z.string().optional(),
  type: z.string(),
  fieldType: z.string().optional(),
  options: z
    .array(z.looseObject({ label: z.string().optional(), value: z.string(), hidden: z.boolean().optional() }))
    .optional(),
  hasUniqueValue: z.boolean().optional(),
  calculated: z.boolean().optional(),
  hidden: z.boolean().optional(),
  archived: z.boolean().optional(),
  modificationMetadata: z.looseObject({ readOnlyValue: z.boolean().optional() }).optional(),
});
/** A property definition. */
export type HubSpotProperty = z.infer<typeof propertySchema>;

/** The properties API answer. */
export const propertiesSchema = z.looseObject({ results: z.array(propertySchema) });

const associationTypeSchema = z.looseObject({
  category: z.string(),
  typeId: z.number().int(),
  label: z.string().nullable().optional(),
});

/** `POST /crm/v4/associations/{from}/{to}/batch/read`: 200, or 207 for ids without links. */
export const associationsReadSchema = z.looseObject({
  status: z.string(),
  results: z.array(
    z.looseObject({
      from: z.looseObject({ id: z.coerce.string() }),
      to: z.array(z.looseObject({ toObjectId: z.coerce.string(), associationTypes: z.array(associationTypeSchema) })),
    }),
  ),
  errors: z.array(batchErrorSchema).optional(),
});

/** `PUT .../associations/default/...` and batch create answers (only the status is used). */
export const associationWriteSchema = z.looseObject({
  status: z.string().optional(),
  results: z.array(z.unknown()).optional(),
});
