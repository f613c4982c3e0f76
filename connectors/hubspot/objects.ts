/**
 * The HubSpot object types the connector knows: the standard CRM objects with the
 * property that orders their changes, and custom objects declared on the connection
 * (by name, `p_<name>` / `p<portalId>_<name>`, or object type id `2-123`).
 */

/** One HubSpot object type as the connector addresses it. */
export interface HubSpotObjectType {
  /** Name frontback uses (`contacts`, or the custom object's configured name). */
  name: string;
  /** What goes into API paths (`contacts`, `2-1234567`, `p_widgets`). */
  path: string;
  /** HubSpot object type id (`0-1`); undefined for a custom object given only by name. */
  objectTypeId?: string;
  /** Property holding the last modification time: `lastmodifieddate` for contacts, `hs_lastmodifieddate` otherwise. */
  modifiedProperty: string;
  /** Singular used in webhook subscription types (`contact` in `contact.creation`); absent for custom objects. */
  webhookName?: string;
  /** A property HubSpot treats as unique even where the properties API does not say so (contacts: `email`). */
  naturalKey?: string;
}

/** A custom object declared in the connection options. */
export interface CustomObjectOption {
  /** Name used in mappings (`widgets`). */
  name: string;
  /** HubSpot object type id (`2-1234567`); used in paths when given, else `p_<name>`. */
  objectTypeId?: string;
}

/** The standard objects, by name. */
export const STANDARD_OBJECTS: readonly HubSpotObjectType[] = [
  {
    name: 'contacts',
    path: 'contacts',
    objectTypeId: '0-1',
    modifiedProperty: 'lastmodifieddate',
    webhookName: 'contact',
    naturalKey: 'email',
  },
  {
    name: 'companies',
    path: 'companies',
    objectTypeId: '0-2',
    modifiedProperty: 'hs_lastmodifieddate',
    webhookName: 'company',
  },
  { name: 'deals', path: 'deals', objectTypeId: '0-3', modifiedProperty: 'hs_lastmodifieddate', webhookName: 'deal' },
  {
    name: 'products',
    path: 'products',
    objectTypeId: '0-7',
    modifiedProperty: 'hs_lastmodifieddate',
    webhookName: 'product',
  },
  {
    name: 'line_items',
    path: 'line_items',
    objectTypeId: '0-8',
    modifiedProperty: 'hs_lastmodifieddate',
    webhookName: 'line_item',
  },
];

const CUSTOM_TYPE_ID = /^2-\d+$/;
const QUALIFIED_NAME = /^p\d*_[a-z0-9_]+$/i;

/** Resolves object names for one connection (standard objects plus its custom objects). */
export class ObjectCatalog {
  private readonly byName = new Map<string, HubSpotObjectType>();

  constructor(custom: readonly CustomObjectOption[] = []) {
    for (const o of STANDARD_OBJECTS) this.byName.set(o.name, o);
    for (const c of custom) {
      this.byName.set(c.name, {
        name: c.name,
        path: c.objectTypeId ?? `p_${c.name}`,
        ...(c.objectTypeId === undefined ? {} : { objectTypeId: c.objectTypeId }),
        modifiedProperty: 'hs_lastmodifieddate',
      });
    }
  }

  /** Every known object type (standard first, then custom). */
  all(): HubSpotObjectType[] {
    return [...this.byName.values()];
  }

  /**
   * The object type for `name`: a known name, a standard object's type id (`0-1`), or a
   * custom object addressed directly (`2-123`, `p_widgets`, `p62515_widgets`).
   * Undefined for anything else.
   */
  find(name: string): HubSpotObjectType | undefined {
    const known = this.byName.get(name);
    if (known) return known;
    for (const o of this.byName.values()) if (o.objectTypeId === name) return o;
    if (CUSTOM_TYPE_ID.test(name) || QUALIFIED_NAME.test(name)) {
      return {
        name,
        path: name,
        ...(CUSTOM_TYPE_ID.test(name) ? { objectTypeId: name } : {}),
        modifiedProperty: 'hs_lastmodifieddate',
      };
    }
    return undefined;
  }

  /** The object type whose webhook name is `singular` (`contact`), or whose type id is `objectTypeId`. */
  forWebhook(singular: string, objectTypeId?: string): HubSpotObjectType | undefined {
    for (const o of this.byName.values()) {
      if (o.webhookName !== undefined && o.webhookName === singular) return o;
      if (objectTypeId !== undefined && o.objectTypeId === objectTypeId) return o;
    }
    return undefined;
  }
}
