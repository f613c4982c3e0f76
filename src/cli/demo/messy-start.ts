/**
 * The demo's messy start. The sandboxes' seed already holds the same customers typed
 * differently on each side (emails upper-cased or padded, names re-cased or
 * re-punctuated, HubSpot's bare domain against Odoo's full web address) and a few people
 * only in HubSpot; here a few companies are typed in as a user would, through each
 * system's API, before frontback ever ran: one only in the ERP, one only in the CRM, and
 * one in both, without a web address and with its legal form written two ways. Field
 * names come from the mapping (a canonical record translated for the side), not from
 * knowledge of the vendor.
 */
import type { Connector } from '../../connector/index.ts';
import type { LoadedMapping } from '../../mapping/load.ts';
import type { Side } from '../../mapping/spec.ts';
import type { MappingValue } from '../../mapping/transforms/index.ts';
import { other } from '../../sync/sides.ts';

/** A customer typed in by hand, in canonical values (field rule names). */
interface TypedIn {
  /** The sides it is typed into, with the values typed there. */
  readonly sides: Partial<Record<Side, Record<string, MappingValue>>>;
}

const TYPED_IN: readonly TypedIn[] = [
  { sides: { erp: { name: 'Nordlicht Logistik GmbH', domain: 'nordlicht-logistik.example', city: 'Hamburg' } } },
  { sides: { crm: { name: 'Brightwater Analytics Ltd', domain: 'brightwater-analytics.example', city: 'Leeds' } } },
  {
    sides: {
      crm: { name: 'Kestrel Dynamics, Inc.', city: 'Denver' },
      erp: { name: 'KESTREL DYNAMICS INC', city: 'Denver' },
    },
  },
];

/** One record typed in: where, and as what. */
export interface TypedRecord {
  readonly side: Side;
  readonly id: string;
  readonly name: string;
  /** Typed into both systems (written differently), or only this one. */
  readonly both: boolean;
}

/** Types the demo's extra customers into the systems of `loaded`; answers what was created. */
export async function typeInCustomers(
  loaded: LoadedMapping,
  connectors: Readonly<Record<Side, Connector>>,
): Promise<TypedRecord[]> {
  const { mapping } = loaded;
  const out: TypedRecord[] = [];
  for (const customer of TYPED_IN) {
    const both = Object.keys(customer.sides).length > 1;
    for (const side of ['crm', 'erp'] as const) {
      const values = customer.sides[side];
      if (values === undefined) continue;
      // A canonical record as if read on the other side, translated for this one: the rules' constants
      // (`is_company: true` of a company mapping) as an empty record of that side reads them, then the typed values.
      const constants = Object.entries(mapping.toCanonical({}, other(side)).values).filter(
        ([f]) => !mapping.derived(f),
      );
      const typed = Object.entries(values).filter(([field]) => mapping.fields.includes(field));
      const canonical = { side: other(side), values: Object.fromEntries([...constants, ...typed]) };
      const { patch } = mapping.toPatch(canonical, side, () => undefined);
      if (Object.keys(patch).length === 0) continue;
      const [result] = await connectors[side].write(mapping.sides[side].object, [
        { op: 'create', ref: 'demo-typed-in', fields: patch },
      ]);
      if (!result?.ok)
        throw new Error(
          `the demo could not type a customer into ${mapping.sides[side].connection}: ${result?.error.message}`,
        );
      out.push({ side, id: result.id, name: String(values.name ?? result.id), both });
    }
  }
  return out;
}
