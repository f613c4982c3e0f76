/**
 * Associations between records (HubSpot's v4 model): each link carries one or more
 * association types (`typeId` + `category`), stored in both directions with the inverse
 * type id. HubSpot-defined type ids are the documented ones (contact->company primary 1
 * and unlabeled 279, deal->contact 3, deal->company 5/341, deal->line item 19, ...).
 */

/** One association type. */
export interface AssociationTypeDef {
  /** From object type (plural name). */
  from: string;
  /** To object type (plural name). */
  to: string;
  /** Type id. */
  typeId: number;
  /** Type id of the reverse direction. */
  inverseTypeId: number;
  /** Label, e.g. `Primary`; undefined for unlabeled. */
  label?: string;
  /** v3 association name, e.g. `contact_to_company_unlabeled`. */
  name: string;
  /** Used by `associations/default`. */
  isDefault: boolean;
}

/** Association category. */
export type AssociationCategory = 'HUBSPOT_DEFINED' | 'USER_DEFINED' | 'INTEGRATOR_DEFINED' | 'WORK';

/** One association type on a link. */
export interface LinkType {
  /** Category. */
  category: AssociationCategory;
  /** Type id. */
  typeId: number;
}

function pair(
  from: string,
  to: string,
  typeId: number,
  inverseTypeId: number,
  base: string,
  label?: string,
): AssociationTypeDef[] {
  const [a, b] = base.split('_to_') as [string, string];
  const suffix = label ? '' : '_unlabeled';
  const isDefault = !label;
  return [
    { from, to, typeId, inverseTypeId, label, name: `${base}${suffix}`, isDefault },
    {
      from: to,
      to: from,
      typeId: inverseTypeId,
      inverseTypeId: typeId,
      label,
      name: `${b}_to_${a}${suffix}`,
      isDefault,
    },
  ];
}

/** HubSpot-defined association types between the standard objects. */
export const ASSOCIATION_TYPES: readonly AssociationTypeDef[] = [
  ...pair('contacts', 'companies', 1, 2, 'contact_to_company', 'Primary'),
  ...pair('contacts', 'companies', 279, 280, 'contact_to_company'),
  ...pair('deals', 'contacts', 3, 4, 'deal_to_contact'),
  ...pair('deals', 'companies', 5, 6, 'deal_to_company', 'Primary'),
  ...pair('deals', 'companies', 341, 342, 'deal_to_company'),
  ...pair('deals', 'line_items', 19, 20, 'deal_to_line_item'),
];

/** The HubSpot-defined type `typeId` from `from`, if any. */
export function findAssociationType(from: string, typeId: number): AssociationTypeDef | undefined {
  return ASSOCIATION_TYPES.find((t) => t.from === from && t.typeId === typeId);
}

/** The default (unlabeled) type between two object types, if HubSpot defines one. */
export function defaultAssociationType(from: string, to: string): AssociationTypeDef | undefined {
  return ASSOCIATION_TYPES.find((t) => t.from === from && t.to === to && t.isDefault);
}

const key = (type: string, id: string): string => `${type}:${id}`;

/** In-memory association links of one sandbox. */
export class AssociationStore {
  /** `from:id` -> `to:id` -> typeId -> category. */
  private readonly links = new Map<string, Map<string, Map<number, AssociationCategory>>>();

  /** Adds `types` from (fromType, fromId) to (toType, toId) and the inverse types back. */
  add(fromType: string, fromId: string, toType: string, toId: string, types: LinkType[]): void {
    for (const t of types) {
      const inverse = findAssociationType(fromType, t.typeId)?.inverseTypeId ?? t.typeId;
      this.slot(key(fromType, fromId), key(toType, toId)).set(t.typeId, t.category);
      this.slot(key(toType, toId), key(fromType, fromId)).set(inverse, t.category);
    }
  }

  /** Removes the given types (or every type when `types` is undefined) in both directions. */
  remove(fromType: string, fromId: string, toType: string, toId: string, types?: LinkType[]): void {
    const fwd = this.links.get(key(fromType, fromId))?.get(key(toType, toId));
    const back = this.links.get(key(toType, toId))?.get(key(fromType, fromId));
    if (!types) {
      this.links.get(key(fromType, fromId))?.delete(key(toType, toId));
      this.links.get(key(toType, toId))?.delete(key(fromType, fromId));
      return;
    }
    for (const t of types) {
      fwd?.delete(t.typeId);
      back?.delete(findAssociationType(fromType, t.typeId)?.inverseTypeId ?? t.typeId);
    }
    if (fwd?.size === 0) this.links.get(key(fromType, fromId))?.delete(key(toType, toId));
    if (back?.size === 0) this.links.get(key(toType, toId))?.delete(key(fromType, fromId));
  }

  /** Records of `toType` linked from (fromType, fromId), in id order, with their types. */
  list(fromType: string, fromId: string, toType: string): { toId: string; types: LinkType[] }[] {
    const out: { toId: string; types: LinkType[] }[] = [];
    const prefix = `${toType}:`;
    for (const [k, types] of this.links.get(key(fromType, fromId)) ?? []) {
      if (!k.startsWith(prefix)) continue;
      out.push({ toId: k.slice(prefix.length), types: [...types].map(([typeId, category]) => ({ typeId, category })) });
    }
    return out.sort((a, b) => Number(a.toId) - Number(b.toId));
  }

  /** Whether (fromType, fromId) has a link of `typeId` to anything of `toType`. */
  hasType(fromType: string, fromId: string, toType: string, typeId: number): boolean {
    return this.list(fromType, fromId, toType).some((l) => l.types.some((t) => t.typeId === typeId));
  }

  /** Removes every link of a record (when it is archived). */
  dropRecord(type: string, id: string): void {
    const mine = this.links.get(key(type, id));
    if (!mine) return;
    for (const other of mine.keys()) this.links.get(other)?.delete(key(type, id));
    this.links.delete(key(type, id));
  }

  /** Forgets everything. */
  clear(): void {
    this.links.clear();
  }

  private slot(from: string, to: string): Map<number, AssociationCategory> {
    let byTo = this.links.get(from);
    if (!byTo) this.links.set(from, (byTo = new Map()));
    let types = byTo.get(to);
    if (!types) byTo.set(to, (types = new Map()));
    return types;
  }
}
