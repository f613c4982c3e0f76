/**
 * What every route of the HubSpot sandbox shares: the stores, the kit, the change
 * source given to API writes, and the record operations several routes perform the same
 * way (create with associations, find by id or `idProperty`, associate with HubSpot's
 * side effects such as `associatedcompanyid`).
 */
import { z } from 'zod';
import type { SandboxClock } from '../../../src/connector/sandbox/clock.ts';
import type { SandboxKit } from '../../../src/connector/sandbox/kit.ts';
import {
  findAssociationType,
  defaultAssociationType,
  type AssociationStore,
  type LinkType,
} from './association-store.ts';
import type { HubSpotStore, StoredRecord } from './data-store.ts';
import { hubspotErrors } from './errors.ts';
import { normaliseProperties, type InputValue } from './property-values.ts';
import type { ObjectTypeDef } from './properties.ts';

/** Shared state handed to every route module. */
export interface SandboxContext {
  /** Records. */
  store: HubSpotStore;
  /** Associations. */
  associations: AssociationStore;
  /** Counters and faults. */
  kit: SandboxKit;
  /** The sandbox clock. */
  clock: SandboxClock;
  /** changeSource of writes made through the API (default INTEGRATION). */
  apiChangeSource: string;
  /** Base URL used in `paging.next.link` (the sandbox's own URL once listening). */
  baseUrl(): string;
}

/** A property map as clients send it. */
export const propertiesSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
const associationSpecSchema = z.object({
  associationCategory: z.enum(['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED', 'WORK']),
  associationTypeId: z.number().int(),
});
/** Association specs as sent on create. */
export const createAssociationsSchema = z
  .array(z.object({ to: z.object({ id: z.coerce.string() }), types: z.array(associationSpecSchema) }))
  .optional();
/** An AssociationSpec list. */
export const associationSpecsSchema = z.array(associationSpecSchema);

/** Parses a body with zod, answering HubSpot's 400 on failure. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
  throw hubspotErrors.validation(`Invalid input JSON: ${detail}`);
}

/** Validates `idProperty` for a type: it must be a unique property. */
export function checkIdProperty(type: ObjectTypeDef, idProperty: string | undefined): string {
  if (idProperty === undefined || idProperty === 'hs_object_id') return 'hs_object_id';
  if (!type.properties.get(idProperty)?.hasUniqueValue) {
    throw hubspotErrors.validation(
      `${idProperty} is not a unique property for object type ${type.messageName}; use a property with hasUniqueValue.`,
    );
  }
  return idProperty;
}

/** The active record with `id` (or whose `idProperty` equals `id`). */
export function findRecord(
  ctx: SandboxContext,
  type: ObjectTypeDef,
  id: string,
  idProperty?: string,
): StoredRecord | undefined {
  const prop = checkIdProperty(type, idProperty);
  return ctx.store.findByUnique(type, prop, prop === 'email' ? id.toLowerCase() : id);
}

/** Input of one create. */
export interface CreateInput {
  /** Property values. */
  properties: Record<string, InputValue>;
  /** Associations to make at once. */
  associations?: {
    to: { id: string };
    types: { associationCategory: LinkType['category']; associationTypeId: number }[];
  }[];
}

/** Resolves and checks the associations of a create input; throws 400 for unknown types or targets. */
function planAssociations(
  ctx: SandboxContext,
  type: ObjectTypeDef,
  input: CreateInput,
): { toType: string; toId: string; types: LinkType[] }[] {
  return (input.associations ?? []).map((a) => {
    const first = a.types[0];
    const def = first ? findAssociationType(type.name, first.associationTypeId) : undefined;
    if (!first || !def)
      throw hubspotErrors.validation(
        `Invalid association type for ${type.messageName}: ${first?.associationTypeId ?? 'none'}`,
      );
    const target = ctx.store.resolveType(def.to);
    if (!target || !ctx.store.findByUnique(target, 'hs_object_id', a.to.id)) {
      throw hubspotErrors.validation(`Association target ${def.to} ${a.to.id} does not exist.`);
    }
    return {
      toType: def.to,
      toId: a.to.id,
      types: a.types.map((t) => ({ category: t.associationCategory, typeId: t.associationTypeId })),
    };
  });
}

/** Validates a batch of creates as a whole (400, then 409 naming the first clash), then creates them. */
export function createRecords(
  ctx: SandboxContext,
  type: ObjectTypeDef,
  inputs: CreateInput[],
  source = ctx.apiChangeSource,
): StoredRecord[] {
  const prepared = inputs.map((input) => ({
    props: normaliseProperties(type, input.properties),
    links: planAssociations(ctx, type, input),
  }));
  const seen = new Map<string, number>();
  prepared.forEach(({ props }, i) => {
    ctx.store.checkUnique(type, props);
    for (const [prop, value] of Object.entries(props)) {
      if (!type.properties.get(prop)?.hasUniqueValue || value === '') continue;
      const k = `${prop}\u0000${prop === 'email' ? value.toLowerCase() : value}`;
      if (seen.has(k))
        throw hubspotErrors.validation(`Duplicate ${prop} in batch input: ${value} (inputs ${seen.get(k)} and ${i}).`);
      seen.set(k, i);
    }
  });
  return prepared.map(({ props, links }) => {
    const record = ctx.store.create(type, props, source);
    for (const l of links) associate(ctx, type.name, record.id, l.toType, l.toId, l.types, source);
    return record;
  });
}

/**
 * Links two records. A contact's primary company (type 1) is mirrored in its
 * `associatedcompanyid`, and the first company linked to a contact becomes its primary,
 * as HubSpot does.
 */
export function associate(
  ctx: SandboxContext,
  fromType: string,
  fromId: string,
  toType: string,
  toId: string,
  types: LinkType[],
  source = ctx.apiChangeSource,
): void {
  ctx.associations.add(fromType, fromId, toType, toId, types);
  const contactSide =
    fromType === 'contacts' && toType === 'companies'
      ? { contact: fromId, company: toId, primary: 1 }
      : fromType === 'companies' && toType === 'contacts'
        ? { contact: toId, company: fromId, primary: 2 }
        : undefined;
  if (!contactSide) return;
  const contacts = ctx.store.requireType('contacts');
  const contact = ctx.store.get(contacts, contactSide.contact);
  if (!contact) return;
  const hasPrimary = ctx.associations.hasType('contacts', contactSide.contact, 'companies', 1);
  if (!hasPrimary)
    ctx.associations.add('contacts', contactSide.contact, 'companies', contactSide.company, [
      { category: 'HUBSPOT_DEFINED', typeId: 1 },
    ]);
  if (!hasPrimary || types.some((t) => t.typeId === contactSide.primary)) {
    ctx.store.update(contacts, contact, { associatedcompanyid: contactSide.company }, source);
  }
}

/** Removes links (all types, or the given ones), clearing `associatedcompanyid` when the primary goes. */
export function dissociate(
  ctx: SandboxContext,
  fromType: string,
  fromId: string,
  toType: string,
  toId: string,
  types?: LinkType[],
  source = ctx.apiChangeSource,
): void {
  ctx.associations.remove(fromType, fromId, toType, toId, types);
  const contactId =
    fromType === 'contacts' && toType === 'companies'
      ? fromId
      : fromType === 'companies' && toType === 'contacts'
        ? toId
        : undefined;
  if (contactId === undefined) return;
  const contacts = ctx.store.requireType('contacts');
  const contact = ctx.store.get(contacts, contactId);
  const companyId = fromType === 'contacts' ? toId : fromId;
  if (
    contact &&
    contact.properties.associatedcompanyid === companyId &&
    !ctx.associations.hasType('contacts', contactId, 'companies', 1)
  ) {
    ctx.store.update(contacts, contact, { associatedcompanyid: '' }, source);
  }
}

/** The default association type between two types, or HubSpot's 400. */
export function requireDefaultType(from: string, to: string): LinkType {
  const def = defaultAssociationType(from, to);
  if (!def) throw hubspotErrors.validation(`No default association type between ${from} and ${to}.`);
  return { category: 'HUBSPOT_DEFINED', typeId: def.typeId };
}
