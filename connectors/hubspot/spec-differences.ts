/**
 * The known differences between HubSpot's official OpenAPI files (../shared/specs/hubspot)
 * and the live API, in ONE list with sources. The sandbox answers like the live API; the
 * conformance test validates its responses against the official files after applying
 * exactly the `relax` operations below, and nothing else.
 */

/** A change the conformance validator applies to one component schema. */
export interface SpecRelaxation {
  /** Component schema name, e.g. `Error`. */
  schema: string;
  /** Names removed from the schema's `required` list. */
  dropRequired?: string[];
  /** Map-valued property (e.g. `properties`) whose values may also be null. */
  nullableMapValues?: string;
}

/** One known difference. */
export interface SpecDifference {
  /** Stable id. */
  id: string;
  /** What differs. */
  description: string;
  /** Where the live behaviour is documented or observed. */
  source: string;
  /** Whether it concerns requests the sandbox accepts or responses it sends. */
  appliesTo: 'request' | 'response';
  /** Schema relaxations the validator applies for it (responses only). */
  relax?: SpecRelaxation[];
}

/** Every known difference. */
export const HUBSPOT_SPEC_DIFFERENCES: readonly SpecDifference[] = [
  {
    id: 'search-sorts-objects',
    description:
      'The spec types search `sorts` as strings; the documentation sends [{propertyName, direction}]. The sandbox accepts both (and "-name" for descending).',
    source: 'https://developers.hubspot.com/docs/api/crm/search (Sorting); CONNECTORS.md',
    appliesTo: 'request',
  },
  {
    id: 'search-optional-fields',
    description:
      'PublicObjectSearchRequest marks after, limit, properties and sorts as required; the live API treats them as optional.',
    source: 'https://developers.hubspot.com/docs/api/crm/search; CONNECTORS.md',
    appliesTo: 'request',
  },
  {
    id: 'batch-read-history-optional',
    description:
      'BatchReadInputSimplePublicObjectId marks propertiesWithHistory (and properties) as required; the live API does not.',
    source: 'CONNECTORS.md (observed with @hubspot/api-client)',
    appliesTo: 'request',
  },
  {
    id: 'create-associations-optional',
    description:
      'SimplePublicObjectInputForCreate marks associations as required; the live API creates records without it.',
    source: 'CONNECTORS.md',
    appliesTo: 'request',
  },
  {
    id: 'rate-limit-body-no-category',
    description: 'The Error schema requires category; the 429 rate-limit body has errorType and policyName instead.',
    source: 'https://developers.hubspot.com/docs/api/usage-details (rate limit error body); CONNECTORS.md',
    appliesTo: 'response',
    relax: [{ schema: 'Error', dropRequired: ['category'] }],
  },
  {
    id: 'null-property-values',
    description:
      'Property values are typed as strings; the live API answers null for a requested property that has no value.',
    source:
      'Observed live responses (e.g. search results with "phone": null); @hubspot/api-client types properties as { [key: string]: string | null }',
    appliesTo: 'response',
    relax: ['SimplePublicObject', 'SimplePublicObjectWithAssociations', 'SimplePublicUpsertObject'].map((schema) => ({
      schema,
      nullableMapValues: 'properties',
    })),
  },
  {
    id: 'no-schema-properties-oauth-webhook-events',
    description:
      'The files describe no Properties API, no OAuth token endpoint and no webhook event payloads ' +
      '(webhooks-v3.json is the subscription-management API); those sandbox answers follow the documentation instead.',
    source: 'specs/hubspot/*.json; https://developers.hubspot.com/docs/api/webhooks',
    appliesTo: 'response',
  },
];
