import type { Side } from './link-repository.ts';

/** One record's normalised key under one match rule, as {@link MatchIndexRepository.putMany} takes it. */
export interface MatchIndexEntry {
  /** The record's id on the side being indexed. */
  recordId: string;
  /**
   * The match rule's position in the mapping's `match` list (0-based, as the engine numbers
   * it): a non-negative integer, else VALIDATION_FAILED.
   */
  rule: number;
  /**
   * The record's normalised key under that rule (normalised alike on both sides by the
   * engine; compared here as exact text). Null when the record has none under the rule, or
   * is archived: its row goes.
   */
  key: string | null;
}

/**
 * The key index: for each mapping's match rules, the normalised keys of one side's
 * records, so a page of unlinked records of the other side is matched with one store
 * query per 500 keys instead of one vendor search per record (ARCHITECTURE invariant 3).
 *
 * A *scope* separates indexes: the engine passes `<mappingId>:<fingerprint of the match
 * rules>`, so changing a mapping's rules starts a fresh index and
 * {@link MatchIndexRepository.prune} drops the old one. At most one key per (scope, side,
 * rule, record).
 */
export interface MatchIndexRepository {
  /**
   * Replaces the keys of these records on `side` for the rules given: an entry with a key
   * inserts or overwrites the record's key under that rule; an entry whose key is null (no
   * key, or an archived record) deletes that row. Rules not named for a record keep their
   * rows. When one (rule, recordId) appears more than once, the last entry wins. One
   * multi-row upsert per chunk of 500 entries (and one delete per chunk of 500 null keys),
   * all in one transaction (the open one inside `store.transaction`). Any number of entries.
   */
  putMany(scope: string, side: Side, entries: readonly MatchIndexEntry[]): Promise<void>;
  /**
   * Removes every key of these records on `side` in the scope, under every rule (deleted
   * records). Any number of ids, in one transaction.
   */
  removeRecords(scope: string, side: Side, recordIds: readonly string[]): Promise<void>;
  /**
   * Record ids holding each key under `rule` on `side`: key -> ids, ids in ascending text
   * order; keys nobody holds are absent. Repeated keys are read once; one query per chunk of
   * 500 keys, so any number may be passed.
   */
  lookup(scope: string, side: Side, rule: number, keys: readonly string[]): Promise<Map<string, string[]>>;
  /** How many records of `side` the scope indexes (distinct record ids, whatever their rules). */
  count(scope: string, side: Side): Promise<number>;
  /**
   * Deletes every row of every scope that starts with `prefix` (compared exactly, case
   * and all: no wildcards) except scope `keep`: the indexes of a mapping's old rule
   * fingerprints. Pass a prefix that ends in the separator (`contacts-partners:`) so
   * mapping `contacts-partners-2` is left alone; an empty prefix is VALIDATION_FAILED. Answers
   * the number of rows deleted.
   */
  prune(prefix: string, keep: string): Promise<number>;
}
