/** Every model the Odoo sandbox serves. */
import type { ModelDef } from '../orm/types.ts';
import { accountMove } from './account.ts';
import { irModelData, resCountry, resCountryState, resPartnerCategory, resPartnerIndustry, resUsers } from './base.ts';
import { resPartner } from './partner.ts';
import { productProduct, productTemplate, stockLocation, stockQuant } from './product.ts';
import { saleOrder, saleOrderLine } from './sale.ts';

/** The model definitions, in dependency order. */
export function odooModels(): ModelDef[] {
  return [
    resUsers,
    resCountry,
    resCountryState,
    resPartnerIndustry,
    resPartnerCategory,
    irModelData,
    resPartner,
    productTemplate,
    productProduct,
    stockLocation,
    stockQuant,
    saleOrder,
    saleOrderLine,
    accountMove,
  ];
}
