/** Which system a record lives in. */
export type Side = 'crm' | 'erp';

/** A pair of records, one in the CRM and one in the ERP, kept in sync by one mapping. */
export interface Link {
  /** Store-assigned id (UUID). */
  id: string;
  /** Mapping id (e.g. `contacts-partners`). */
  mappingId: string;
  /** Record id in the CRM. Unique per mapping. */
  crmId: string;
  /** Record id in the ERP. Unique per mapping. */
  erpId: string;
  /** When the link was created (ISO 8601). */
  createdAt: string;
}

/** What creates a link. */
export interface LinkInput {
  /** See {@link Link.mappingId}. */
  mappingId: string;
  /** See {@link Link.crmId}. */
  crmId: string;
  /** See {@link Link.erpId}. */
  erpId: string;
}

/** Options for listing links. */
export interface LinkListOptions {
  /** Maximum rows; default 1000. */
  limit?: number;
  /** Return links whose id sorts after this one (keyset paging). */
  afterId?: string;
}

/** Links, unique per mapping on each side, found by either side. */
export interface LinkRepository {
  /**
   * Creates a link. When the mapping already links either record (another writer
   * won the race), throws VersionConflictError: re-read and re-decide.
   */
  create(input: LinkInput): Promise<Link>;
  /** The link with this id, or undefined. */
  get(id: string): Promise<Link | undefined>;
  /** The link of a record on one side of a mapping, or undefined. */
  findBySide(mappingId: string, side: Side, recordId: string): Promise<Link | undefined>;
  /**
   * The links of many records on one side of a mapping, keyed by that side's record id;
   * records without a link are absent. One query per 500 ids; repeated ids are read once.
   */
  findManyBySide(mappingId: string, side: Side, recordIds: readonly string[]): Promise<Map<string, Link>>;
  /** Links of a mapping, ordered by id. */
  list(mappingId: string, options?: LinkListOptions): Promise<Link[]>;
  /** Deletes the link and its snapshot; true when one existed. */
  delete(id: string): Promise<boolean>;
}
