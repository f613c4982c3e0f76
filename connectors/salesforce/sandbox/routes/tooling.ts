/**
 * The Tooling API's CustomField create (Tooling API Developer Guide, "CustomField"):
 * `POST /services/data/vXX.X/tooling/sobjects/CustomField` with `{FullName:
 * "Account.frontback_key__c", Metadata: {label, type, length, externalId, unique,
 * caseSensitive, required}}` adds the field to the object at once, so a connector can
 * create its own External ID key field.
 */
import type { FastifyInstance } from 'fastify';
import { SalesforceApiError } from '../errors.ts';
import { field, type SObjectFieldType } from '../schema.ts';
import { apiVersion, type SalesforceRouteContext } from './context.ts';

/** Metadata API field types the sandbox creates, and what describe calls them. */
const TYPES: Record<string, SObjectFieldType> = {
  Text: 'string',
  LongTextArea: 'textarea',
  TextArea: 'textarea',
  Email: 'email',
  Phone: 'phone',
  Url: 'url',
  Number: 'double',
  Currency: 'currency',
  Percent: 'percent',
  Checkbox: 'boolean',
  Date: 'date',
  DateTime: 'datetime',
};

interface Metadata {
  label?: unknown;
  type?: unknown;
  length?: unknown;
  externalId?: unknown;
  unique?: unknown;
  caseSensitive?: unknown;
  required?: unknown;
}

/** Registers the Tooling API routes the sandbox serves. */
export function registerToolingRoutes(app: FastifyInstance, ctx: SalesforceRouteContext): void {
  let fields = 0;
  app.post<{ Params: { v: string }; Body: { FullName?: unknown; Metadata?: Metadata } }>(
    '/services/data/:v/tooling/sobjects/CustomField',
    async (request, reply) => {
      apiVersion(request.params.v);
      const fullName = typeof request.body?.FullName === 'string' ? request.body.FullName : '';
      const m = /^(\w+)\.(\w+__c)$/.exec(fullName);
      const meta = request.body?.Metadata ?? {};
      if (!m?.[1] || !m[2]) {
        throw new SalesforceApiError(
          400,
          'FIELD_INTEGRITY_EXCEPTION',
          `FullName must be "<Object>.<Name>__c", got "${fullName}"`,
          ['FullName'],
        );
      }
      const type = TYPES[String(meta.type)];
      if (!type) {
        throw new SalesforceApiError(
          400,
          'FIELD_INTEGRITY_EXCEPTION',
          `Metadata.type must be one of ${Object.keys(TYPES).join(', ')}`,
          ['Metadata'],
        );
      }
      const length = typeof meta.length === 'number' ? meta.length : type === 'string' ? 255 : undefined;
      if (type === 'string' && (length === undefined || length < 1 || length > 255)) {
        throw new SalesforceApiError(
          400,
          'FIELD_INTEGRITY_EXCEPTION',
          'Length must be between 1 and 255 for a Text field',
          ['Metadata'],
        );
      }
      ctx.store.addField(
        m[1],
        field(m[2], {
          type,
          label: typeof meta.label === 'string' ? meta.label : m[2],
          ...(length === undefined ? {} : { length }),
          externalId: meta.externalId === true,
          unique: meta.unique === true,
          caseSensitive: meta.caseSensitive === true,
          nillable: meta.required !== true,
        }),
      );
      fields += 1;
      ctx.kit.recordWrite(request);
      return reply.code(201).send({
        id: `00N5g0000${String(fields).padStart(6, '0')}AAA`,
        success: true,
        errors: [],
        warnings: [],
        infos: [],
      });
    },
  );
}
