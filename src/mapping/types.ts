/**
 * What a compiled mapping offers the engine, preview and validate: plain
 * functions built once from a mapping file. No I/O anywhere: lookups and
 * aggregates go through a {@link Resolver} that the caller passes in.
 */
import type { YamlPath } from '../config/yaml-source.ts';
import type { CompiledExpression } from './expression.ts';
import type { Flow, Side } from './spec.ts';
import type { MappingValue } from './transforms/index.ts';

/** A record as a connector delivers it (after its own value normalisation). */
export type SourceRecord = Readonly<Record<string, unknown>>;

/**
 * The mapped fields of one record, read from one side and normalised (empty
 * values are null, Odoo references are ids), keyed by field rule name. This is
 * what snapshots hold and what the three-way diff compares with
 * {@link CompiledMapping.equal}.
 */
export interface CanonicalRecord {
  /** Side the values were read from. */
  readonly side: Side;
  /**
   * Field rule name -> value as read on that side (empty values are null); a field the
   * record does not carry at all is absent, so a partial record never clears the other
   * side. Child collections hold arrays of canonical child values.
   */
  readonly values: Readonly<Record<string, MappingValue>>;
}

/** Follow the links of another mapping (associations, parent company). */
export interface LinkLookup {
  /** Discriminator. */
  readonly kind: 'link';
  /** Id of the mapping whose links are followed, e.g. `companies-partners`. */
  readonly mapping: string;
  /** Side the value (a record id) belongs to. */
  readonly from: Side;
  /** Side whose record id is wanted. */
  readonly to: Side;
}

/** Reference data by code or name (country, industry), never a hard-coded database id. */
export interface ReferenceLookup {
  /** Discriminator. */
  readonly kind: 'reference';
  /** Side the reference object lives on. */
  readonly side: Side;
  /** Reference object, e.g. `res.country`. */
  readonly model: string;
  /** Field matched on, e.g. `code`. */
  readonly by: string;
  /** `id`: the value is a code/name, the record id is wanted; `key`: the value is an id, its code/name is wanted. */
  readonly want: 'id' | 'key';
}

/** A roll-up over related records: the value is the record id the rows reference. */
export interface AggregateLookup {
  /** Discriminator. */
  readonly kind: 'aggregate';
  /** Side the rows live on. */
  readonly side: Side;
  /** Object rolled up, e.g. `account.move`. */
  readonly from: string;
  /** Field of the rows that references this record. */
  readonly by: string;
  /** Operation (`latest`: the field of the newest row, by `order`). */
  readonly op: 'sum' | 'min' | 'max' | 'count' | 'latest';
  /** Field the operation reads (absent for count). */
  readonly field?: string;
  /** With `latest`: the field that orders the rows (ties and absent values by id). */
  readonly order?: string;
  /** Field of the record the rows' `by` holds; default the record's id. */
  readonly key?: string;
  /** Separator when `by` holds several records' keys in one text (`"S001, S002"`). */
  readonly split?: string;
  /** Row condition as written, for the resolver to translate (e.g. into an Odoo domain). */
  readonly where?: string;
  /** The same condition compiled, for resolvers that filter rows in memory. */
  readonly matches?: CompiledExpression;
}

/** What a lookup asks of the resolver. */
export type LookupRequest = LinkLookup | ReferenceLookup | AggregateLookup;

/** Answers lookups, over data the engine has loaded. `undefined` means "not found" (the field is left out). */
export type Resolver = (lookup: LookupRequest, value: MappingValue) => MappingValue | undefined;

/** One step of how a field's value was produced, for preview. */
export interface TraceStep {
  /** What happened: `read crm.phone`, `transform e164`, `values`, `lookup res.country by code`, `default`. */
  readonly rule: string;
  /** The value after this step. */
  readonly value: MappingValue;
}

/** How one field of a patch was produced. */
export interface FieldTrace {
  /** Field rule name. */
  readonly field: string;
  /** Where the rule is in the file, e.g. `fields[3]`. */
  readonly path: string;
  /** Target field written. */
  readonly target: string;
  /** Steps in order. */
  readonly steps: readonly TraceStep[];
  /** `set`: in the patch; `unresolved`: a lookup found nothing; `error`: a transform refused the value. */
  readonly outcome: 'set' | 'unresolved' | 'error';
  /** Why, when not set. */
  readonly reason?: string;
}

/** A problem translating one field of one record. */
export interface FieldProblem {
  /** Field rule name. */
  readonly field: string;
  /** Where the rule is in the file. */
  readonly path: string;
  /** What went wrong. */
  readonly message: string;
}

/** The result of translating one record for the other side. */
export interface PatchResult {
  /** Target field -> value. Fields whose lookup found nothing or whose transform failed are absent. */
  readonly patch: Record<string, MappingValue>;
  /** Fields left out, with why. Empty when every field translated. */
  readonly problems: readonly FieldProblem[];
  /** Per-field trace, only when asked for. */
  readonly trace?: readonly FieldTrace[];
}

/** A match key of a record: try to find the other side's record whose `field` equals `value`. */
export interface MatchKey {
  /** Field on the other side. */
  readonly field: string;
  /** Normalised value to look for. */
  readonly value: MappingValue;
}

/**
 * Follows another mapping's links, for a match rule's `via` parts: the id on the other
 * side of the record `id` of `from` in mapping `mapping`, or undefined when it is not
 * linked. The engine passes one over the links it has loaded (no I/O in a mapping).
 */
export type LinkResolver = (mapping: string, from: Side, id: string) => string | undefined;

/** One part of a match rule: a field on each side that must agree. */
export interface CompiledMatchPart {
  /** The field compared on each side. */
  readonly fields: Readonly<Record<Side, string>>;
  /**
   * A mapping id: the values are record ids of that mapping's sides (the CRM value a
   * record of its CRM side, the ERP value one of its ERP side), compared through its links.
   */
  readonly via?: string;
  /** A field rule of the mapping whose value, as each side reads it, is compared (`fields` are then its name). */
  readonly field?: string;
}

/**
 * A match rule, compiled: which fields of the two sides must agree, and the key both are
 * read into. A simple rule (`{ crm, erp, normalize }`) has one part and keeps `fields`;
 * a compound rule (`all: [...]`) has several parts, every one of which must agree.
 */
export interface CompiledMatchRule {
  /** Position in the mapping's `match:` list (rules are tried in order). */
  readonly index: number;
  /** Human form for reasons and reports, e.g. `email`, `crm domain = erp website`, `all(...)`. */
  readonly label: string;
  /** True for an `all:` rule. */
  readonly compound: boolean;
  /** The field compared on each side: simple rules only (undefined for a compound rule; see `parts`). */
  readonly fields?: Readonly<Record<Side, string>>;
  /** The parts, in file order: one for a simple rule. */
  readonly parts: readonly CompiledMatchPart[];
  /**
   * Field rule names (`confirm:`) whose two sides must agree where both have a value; when
   * one does not, the match is weak evidence and goes to a person. The engine checks the
   * agreement (it translates one side's value for the other); empty when the rule has none.
   */
  readonly confirm: readonly string[];
  /** The raw fields of `side` {@link key} reads (what to list to build the key index), without duplicates. */
  indexFields(side: Side): string[];
  /**
   * The normalised key of a record read on `side`, or undefined when it has none. Simple
   * rule: the rule's normaliser (of that side) applied to its field; empty, or a value the
   * normaliser refuses, is no key; `links` is not used. Compound rule: a stable encoding
   * (a JSON list) of every part's key, undefined when any part has none; a `via` part
   * read on the CRM side is the ERP id `links` gives for the CRM id, read on the ERP side
   * the ERP id as it is; without `links` a `via` part has no key. The same function reads
   * both sides, so keys are compared in frontback, never trusted to a vendor's search.
   */
  key(record: SourceRecord, side: Side, links?: LinkResolver): string | undefined;
  /** The value to ask the other side's `find` for, for a key of a simple rule (today: the key itself). */
  searchValue(key: string): string;
}

/** How many records one pass may create (`guard:`); empty when the mapping does not say (the engine's default applies). */
export interface CreateGuard {
  /** At most this many creates per pass. */
  readonly maxCreates?: number;
  /** At most this share (0..1) of the records the pass read. */
  readonly maxShare?: number;
}

/** A compiled mapping: build once, call per record. */
export interface CompiledMapping {
  /** Mapping id. */
  readonly id: string;
  /** First 12 hex characters of the SHA-256 of the normalised mapping; recorded in audit entries. */
  readonly version: string;
  /** Connection and object of each side. */
  readonly sides: Readonly<Record<Side, { readonly connection: string; readonly object: string }>>;
  /** Conflict rule. Default `newest`. */
  readonly conflicts: 'newest' | 'prefer crm' | 'prefer erp' | 'manual';
  /** Delete policy. Default `ignore`. */
  readonly deletes: 'ignore' | 'archive' | 'delete';
  /** Polling interval in milliseconds (for `every ...`), or a cron expression. Default every 5 minutes. */
  readonly schedule: { readonly everyMs: number } | { readonly cron: string };
  /** Field rule names, in file order. */
  readonly fields: readonly string[];
  /** The side that owns a field (wins conflicts), when the rule says. */
  owner(field: string): Side | undefined;
  /** The way a field flows (`both`, `crm->erp`, `erp->crm`); undefined for a name that is not a field rule. */
  flow(field: string): Flow | undefined;
  /** True for a field worked out from other records (an aggregate such as the open invoice amount): always recomputed and compared as it is now. */
  derived(field: string): boolean;
  /** The aggregates' sources: which rows (`from` on `side`, referencing the record by `by`) each derived field rolls up. */
  readonly rollUps: readonly {
    readonly field: string;
    readonly side: Side;
    readonly from: string;
    readonly by: string;
    readonly key?: string;
    readonly split?: string;
  }[];
  /** True when the side's filter accepts the record (always true without a filter). */
  accepts(record: SourceRecord, side: Side): boolean;
  /** Match keys of an unlinked record for its simple rules, in rule order (empty values skipped; compound rules give none). */
  matchKeys(record: SourceRecord, side: Side): MatchKey[];
  /** The match rules, in order. */
  readonly matchRules: readonly CompiledMatchRule[];
  /** The match rules as written, as one stable text: what an index of match keys is built for (a change builds a new one). */
  readonly matchVersion: string;
  /** In which systems this mapping may create records (`creates:`); default true on both sides. */
  readonly creates: Readonly<Record<Side, boolean>>;
  /** The most creates a pass may make (`guard:`); `{}` when the mapping does not say. */
  readonly guard: CreateGuard;
  /** Reads the mapped fields of a record of `side`. */
  toCanonical(record: SourceRecord, side: Side): CanonicalRecord;
  /** Translates canonical values into a patch for `target` (the other side). */
  toPatch(canonical: CanonicalRecord, target: Side, resolver: Resolver, options?: { trace?: boolean }): PatchResult;
  /** Normalised equality of two values of `field` read on the same side: tells a real change from formatting. */
  equal(field: string, a: MappingValue, b: MappingValue): boolean;
}

/** A problem found while compiling, at a path of the mapping file. */
export interface CompileIssue {
  /** Where in the file. */
  readonly path: YamlPath;
  /** What is wrong and what to do. */
  readonly message: string;
  /** Offset inside the value (expression column), 0-based. */
  readonly offset?: number;
  /** Point at the key instead of the value. */
  readonly at?: 'key';
}
