/**
 * Associations v4: link two records with the default type or with labelled types, read
 * the links of many records at once (contact -> company lookups), and remove links.
 */
import { chunk, type HttpClient } from '../../src/connector/index.ts';
import { associationsReadSchema, associationWriteSchema } from './schemas.ts';

/** An association type: HubSpot-defined (`contact_to_company` primary = 1) or a custom label. */
export interface AssociationType {
  /** `HUBSPOT_DEFINED`, `USER_DEFINED` or `INTEGRATOR_DEFINED`. */
  category: 'HUBSPOT_DEFINED' | 'USER_DEFINED' | 'INTEGRATOR_DEFINED';
  /** Type id (contact->company primary 1, unlabeled 279; deal->line item 19; ...). */
  typeId: number;
}

/** One link to create. */
export interface AssociationInput {
  /** Record id on the `from` side. */
  fromId: string;
  /** Record id on the `to` side. */
  toId: string;
  /** Types to set; default: the pair's default type. */
  types?: AssociationType[];
}

/** A record's links to one other object type. */
export interface AssociatedRecord {
  /** The linked record's id. */
  toId: string;
  /** The types on the link, with their labels where HubSpot gives them. */
  types: (AssociationType & { label?: string })[];
}

/** Associations v4 of one connection. Object names are API path names (`contacts`, `2-123`). */
export interface HubSpotAssociations {
  /** Links `fromId` to `toId` with the pair's default type (`PUT .../associations/default/...`). */
  associateDefault(from: string, fromId: string, to: string, toId: string): Promise<void>;
  /** Creates many links, labelled or default (`batch/create`, `batch/associate/default`), 100 per call. */
  associate(from: string, to: string, inputs: readonly AssociationInput[]): Promise<void>;
  /** The links of each id in `fromIds` (ids without links map to an empty list), 1,000 per call. */
  read(from: string, to: string, fromIds: readonly string[]): Promise<Map<string, AssociatedRecord[]>>;
  /** Removes every link between each pair (`batch/archive`). */
  remove(from: string, to: string, pairs: readonly { fromId: string; toId: string }[]): Promise<void>;
}

const enc = encodeURIComponent;

/** Builds the association calls over the connection's HTTP client. */
export function hubspotAssociations(http: HttpClient): HubSpotAssociations {
  return {
    async associateDefault(from, fromId, to, toId) {
      await http.request(
        {
          method: 'PUT',
          path: `/crm/v4/objects/${enc(from)}/${enc(fromId)}/associations/default/${enc(to)}/${enc(toId)}`,
          route: `associate default ${from}`,
        },
        associationWriteSchema,
      );
    },
    async associate(from, to, inputs) {
      const labelled = inputs.filter((i) => i.types !== undefined && i.types.length > 0);
      const plain = inputs.filter((i) => i.types === undefined || i.types.length === 0);
      for (const batch of chunk(labelled, 100)) {
        const body = {
          inputs: batch.map((i) => ({
            from: { id: i.fromId },
            to: { id: i.toId },
            types: (i.types ?? []).map((t) => ({ associationCategory: t.category, associationTypeId: t.typeId })),
          })),
        };
        await http.request(
          {
            method: 'POST',
            path: `/crm/v4/associations/${enc(from)}/${enc(to)}/batch/create`,
            body,
            route: `associations create ${from}`,
          },
          associationWriteSchema,
        );
      }
      for (const batch of chunk(plain, 100)) {
        const body = { inputs: batch.map((i) => ({ from: { id: i.fromId }, to: { id: i.toId } })) };
        await http.request(
          {
            method: 'POST',
            path: `/crm/v4/associations/${enc(from)}/${enc(to)}/batch/associate/default`,
            body,
            route: `associations default ${from}`,
          },
          associationWriteSchema,
        );
      }
    },
    async read(from, to, fromIds) {
      const out = new Map<string, AssociatedRecord[]>();
      for (const id of fromIds) out.set(id, []);
      for (const batch of chunk([...new Set(fromIds)], 1000)) {
        const body = { inputs: batch.map((id) => ({ id })) };
        // 207 lists the ids without links in `errors`; they keep their empty list.
        const page = await http.request(
          {
            method: 'POST',
            path: `/crm/v4/associations/${enc(from)}/${enc(to)}/batch/read`,
            body,
            route: `associations read ${from}`,
          },
          associationsReadSchema,
        );
        for (const result of page.results) {
          const links = result.to.map((t) => ({
            toId: t.toObjectId,
            types: t.associationTypes.map((a) => ({
              category: a.category as AssociationType['category'],
              typeId: a.typeId,
              ...(a.label === undefined || a.label === null ? {} : { label: a.label }),
            })),
          }));
          out.set(result.from.id, [...(out.get(result.from.id) ?? []), ...links]);
        }
      }
      return out;
    },
    async remove(from, to, pairs) {
      const byFrom = new Map<string, string[]>();
      for (const p of pairs) byFrom.set(p.fromId, [...(byFrom.get(p.fromId) ?? []), p.toId]);
      for (const batch of chunk([...byFrom.entries()], 100)) {
        const body = {
          inputs: batch.map(([fromId, toIds]) => ({ from: { id: fromId }, to: toIds.map((t) => ({ id: t })) })),
        };
        await http.requestRaw({
          method: 'POST',
          path: `/crm/v4/associations/${enc(from)}/${enc(to)}/batch/archive`,
          body,
          route: `associations archive ${from}`,
        });
      }
    },
  };
}
