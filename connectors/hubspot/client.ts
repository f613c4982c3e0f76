/**
 * Thin typed calls over the shared HTTP client, one per HubSpot endpoint the connector
 * uses. No policy lives here (chunking, splitting, cursors): only paths, bodies, the
 * limiter each call spends and whether it may be repeated.
 */
import type { HttpClient, RateLimiter } from '../../src/connector/index.ts';
import {
  batchResponseSchema,
  listPageSchema,
  propertiesSchema,
  searchPageSchema,
  type BatchResponse,
  type HubSpotProperty,
  type ListPage,
  type SearchPage,
} from './schemas.ts';

/** One search filter (values are sent as strings, as the OpenAPI `Filter` types them). */
export interface SearchFilter {
  /** Property name. */
  propertyName: string;
  /** HubSpot operator (`EQ`, `GT`, `IN`, ...). */
  operator: string;
  /** Value for single-value operators. */
  value?: string;
  /** Values for `IN` / `NOT_IN`. */
  values?: string[];
}

/** A search request body (`PublicObjectSearchRequest`). */
export interface SearchRequest {
  /** Filter groups (ORed), each a list of filters (ANDed). */
  filterGroups: { filters: SearchFilter[] }[];
  /** Sorts in the documented object form. */
  sorts: { propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }[];
  /** Properties to return. */
  properties: string[];
  /** Page size, at most 200. */
  limit: number;
  /** Paging cursor from the previous page; absent on the first page. */
  after?: string;
}

/** Input of a batch create. */
export interface CreateInput {
  /** Wire property values. */
  properties: Record<string, string>;
}

/** Input of a batch update. */
export interface UpdateInput {
  /** Record id. */
  id: string;
  /** Wire property values. */
  properties: Record<string, string>;
}

/** Input of a batch upsert. */
export interface UpsertInput {
  /** Value of the unique property. */
  id: string;
  /** A property with unique values (`email`, or a custom `hasUniqueValue` property). */
  idProperty: string;
  /** Wire property values. */
  properties: Record<string, string>;
}

/** Typed HubSpot calls for one connection. */
export class HubSpotClient {
  constructor(
    private readonly http: HttpClient,
    /** The search endpoints' own budget (also spends the main one). */
    private readonly searchLimiter: RateLimiter | undefined,
  ) {}

  /** `POST /crm/v3/objects/{type}/search`. */
  search(path: string, body: SearchRequest): Promise<SearchPage> {
    return this.http.request(
      {
        method: 'POST',
        path: `/crm/v3/objects/${path}/search`,
        body,
        route: `search ${path}`,
        ...(this.searchLimiter ? { limiter: this.searchLimiter } : {}),
      },
      searchPageSchema,
    );
  }

  /** `GET /crm/v3/objects/{type}` with paging; `archived` lists the recycle bin. */
  list(
    path: string,
    query: { limit: number; after?: string; properties: string[]; archived: boolean },
  ): Promise<ListPage> {
    return this.http.request(
      {
        method: 'GET',
        path: `/crm/v3/objects/${path}`,
        query: {
          limit: query.limit,
          after: query.after,
          properties: query.properties.join(','),
          archived: query.archived,
        },
        route: `list ${path}`,
      },
      listPageSchema,
    );
  }

  /** `POST .../batch/read` (207 when some ids are missing: they are simply not in `results`). */
  batchRead(
    path: string,
    ids: readonly string[],
    properties: readonly string[],
    idProperty?: string,
    propertiesWithHistory?: readonly string[],
  ): Promise<BatchResponse> {
    const body = {
      inputs: ids.map((id) => ({ id })),
      properties: [...properties],
      ...(idProperty === undefined ? {} : { idProperty }),
      ...(propertiesWithHistory === undefined ? {} : { propertiesWithHistory: [...propertiesWithHistory] }),
    };
    return this.http.request(
      { method: 'POST', path: `/crm/v3/objects/${path}/batch/read`, body, route: `batch read ${path}` },
      batchResponseSchema,
    );
  }

  /**
   * `POST .../batch/create`. Not repeated after a network error or 5xx: a create is not
   * idempotent, and a lost response may hide a committed write.
   */
  batchCreate(path: string, inputs: readonly CreateInput[]): Promise<BatchResponse> {
    return this.http.request(
      {
        method: 'POST',
        path: `/crm/v3/objects/${path}/batch/create`,
        body: { inputs },
        route: `batch create ${path}`,
        retry: false,
      },
      batchResponseSchema,
    );
  }

  /** `POST .../batch/update` (idempotent: repeated on network errors and 5xx). */
  batchUpdate(path: string, inputs: readonly UpdateInput[]): Promise<BatchResponse> {
    return this.http.request(
      { method: 'POST', path: `/crm/v3/objects/${path}/batch/update`, body: { inputs }, route: `batch update ${path}` },
      batchResponseSchema,
    );
  }

  /** `POST .../batch/upsert` by a unique property (idempotent). */
  batchUpsert(path: string, inputs: readonly UpsertInput[]): Promise<BatchResponse> {
    return this.http.request(
      { method: 'POST', path: `/crm/v3/objects/${path}/batch/upsert`, body: { inputs }, route: `batch upsert ${path}` },
      batchResponseSchema,
    );
  }

  /** `POST .../batch/archive` (204; archiving an archived or missing record is not an error). */
  async batchArchive(path: string, ids: readonly string[]): Promise<void> {
    await this.http.requestRaw({
      method: 'POST',
      path: `/crm/v3/objects/${path}/batch/archive`,
      body: { inputs: ids.map((id) => ({ id })) },
      route: `batch archive ${path}`,
    });
  }

  /** `POST /crm/v3/properties/{type}`: creates a custom property. */
  async createProperty(
    path: string,
    property: {
      name: string;
      label: string;
      type: string;
      fieldType: string;
      groupName: string;
      hasUniqueValue?: boolean;
      options?: { label: string; value: string; displayOrder: number }[];
    },
  ): Promise<void> {
    await this.http.requestRaw({
      method: 'POST',
      path: `/crm/v3/properties/${path}`,
      body: property,
      route: `create property ${path}`,
    });
  }

  /** `GET /crm/v3/properties/{type}`. */
  async properties(path: string): Promise<HubSpotProperty[]> {
    const page = await this.http.request(
      { method: 'GET', path: `/crm/v3/properties/${path}`, route: `properties ${path}` },
      propertiesSchema,
    );
    return page.results;
  }
}
