/**
 * Properties API (`/crm/v3/properties/{objectType}`): lists and describes every property
 * with its type, field type, options and `hasUniqueValue`; creates custom properties
 * (e.g. an external-id property with unique values for idempotent upserts).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody, type SandboxContext } from '../context.ts';
import { HubSpotApiError, hubspotErrors } from '../errors.ts';
import { defineProperty, type PropertyDef } from '../properties.ts';

const createSchema = z.object({
  name: z.string(),
  label: z.string(),
  type: z.enum(['string', 'number', 'date', 'datetime', 'enumeration', 'bool']),
  fieldType: z.string(),
  groupName: z.string(),
  description: z.string().optional(),
  hasUniqueValue: z.boolean().optional(),
  options: z
    .array(
      z.object({
        label: z.string(),
        value: z.string(),
        displayOrder: z.number().int().optional(),
        hidden: z.boolean().optional(),
      }),
    )
    .optional(),
  displayOrder: z.number().int().optional(),
  formField: z.boolean().optional(),
  hidden: z.boolean().optional(),
});

/** A property as the Properties API renders it. */
export function renderProperty(def: PropertyDef, createdAt: string): Record<string, unknown> {
  return {
    updatedAt: createdAt,
    createdAt,
    name: def.name,
    label: def.label,
    type: def.type,
    fieldType: def.fieldType,
    description: def.description,
    groupName: def.groupName,
    options: def.options,
    displayOrder: -1,
    calculated: false,
    externalOptions: false,
    hasUniqueValue: def.hasUniqueValue,
    hidden: false,
    hubspotDefined: def.hubspotDefined,
    modificationMetadata: {
      archivable: !def.hubspotDefined,
      readOnlyDefinition: def.hubspotDefined,
      readOnlyValue: def.readOnlyValue,
    },
    formField: !def.readOnlyValue,
    archived: false,
  };
}

/** Registers the Properties API. */
export function registerPropertyRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const stamp = (): string => new Date(ctx.clock.now()).toISOString();

  app.get<{ Params: { objectType: string } }>('/crm/v3/properties/:objectType', async (request) => {
    const type = ctx.store.requireType(request.params.objectType);
    return { results: [...type.properties.values()].map((p) => renderProperty(p, stamp())) };
  });

  app.get<{ Params: { objectType: string; propertyName: string } }>(
    '/crm/v3/properties/:objectType/:propertyName',
    async (request) => {
      const type = ctx.store.requireType(request.params.objectType);
      const def = type.properties.get(request.params.propertyName);
      if (!def)
        throw hubspotErrors.notFound(
          `Unable to find property ${request.params.propertyName} on object type ${type.messageName}`,
        );
      return renderProperty(def, stamp());
    },
  );

  app.post<{ Params: { objectType: string } }>('/crm/v3/properties/:objectType', async (request, reply) => {
    const type = ctx.store.requireType(request.params.objectType);
    const body = parseBody(createSchema, request.body);
    if (!/^[a-z][a-z0-9_]*$/.test(body.name)) {
      throw hubspotErrors.validation(
        `Property name ${body.name} is invalid: use lowercase letters, digits and underscores, starting with a letter.`,
      );
    }
    if (type.properties.has(body.name)) {
      throw new HubSpotApiError(409, `Property named '${body.name}' already exists.`, 'OBJECT_ALREADY_EXISTS');
    }
    if (body.type === 'enumeration' && (body.options ?? []).length === 0 && body.fieldType !== 'booleancheckbox') {
      throw hubspotErrors.validation(`Enumeration property ${body.name} needs options.`);
    }
    const def = defineProperty(body.name, body.label, body.type, body.fieldType, body.groupName, {
      hubspotDefined: false,
      hasUniqueValue: body.hasUniqueValue ?? false,
      description: body.description ?? '',
      options: (body.options ?? []).map((o, i) => ({
        label: o.label,
        value: o.value,
        displayOrder: o.displayOrder ?? i,
        hidden: o.hidden ?? false,
      })),
    });
    type.properties.set(def.name, def);
    ctx.kit.recordWrite(request);
    return reply.code(201).send(renderProperty(def, stamp()));
  });
}
