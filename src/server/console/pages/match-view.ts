/**
 * What the Matches page shows of each waiting record: the record on one side and each of
 * its candidates on the other, side by side, with the fields its mapping's match rules
 * compare (each rule's fields of each side, the field rules a compound rule or `confirm:`
 * compares as the mapping reads them). A stored match keeps only the candidates' ids, the
 * rule and the shared key, so the records are read through their connectors, only for the
 * rows of the page shown (one batched read per side and mapping; page-records.ts), at most
 * {@link MAX_CANDIDATES_SHOWN} candidates a row; what the store keeps is shown when a
 * system does not answer.
 */
import type { SourceRecord } from '../../../connector/index.ts';
import type { Side } from '../../../mapping/spec.ts';
import type { CompiledMapping } from '../../../mapping/types.ts';
import type { Match, MatchCandidate } from '../../../store/match-repository.ts';
import type { Store } from '../../../store/store.ts';
import type { SyncEngine } from '../../../sync/engine.ts';
import { flatten, other } from '../../../sync/sides.ts';
import { readForPage, type PageRecords } from './page-records.ts';
import { shown, type ShownValue } from './shown-value.ts';

/** Candidates shown side by side per row; the others are listed by id. */
export const MAX_CANDIDATES_SHOWN = 6;

/** A candidate as shown. */
export interface CandidateView extends MatchCandidate {
  /** False when the record is not there (deleted), or could not be read. */
  readonly found: boolean;
  readonly archived: boolean;
  /** The record of the waiting side it is linked to already (linking to it is refused). */
  readonly linkedTo?: string;
}

/** One compared field: the record's value and each shown candidate's. */
export interface ComparedRow {
  /** The rule it belongs to (`email`, `all(...)`, `confirm of ...`). */
  readonly rule: string;
  /** The field on the record's side, and on the candidates' side. */
  readonly fields: Readonly<Record<'own' | 'theirs', string>>;
  readonly own: ShownValue;
  /** Per shown candidate, in order; `same` when the rule reads one key from both. */
  readonly theirs: ReadonlyArray<{ readonly value: ShownValue; readonly same: boolean }>;
}

/** A match row of the page. */
export interface MatchView {
  readonly match: Match;
  /** The candidates' side. */
  readonly to: Side;
  readonly found: boolean;
  readonly candidates: readonly CandidateView[];
  /** Candidates beyond {@link MAX_CANDIDATES_SHOWN}. */
  readonly more: readonly MatchCandidate[];
  readonly compared: readonly ComparedRow[];
  /** Whether the mapping may create the record's partner (`creates:`): "create new" is offered only then. */
  readonly canCreate: boolean;
}

/** The fields a mapping's match rules compare, as rows to fill (the values read per record). */
interface Compared {
  readonly rule: string;
  readonly fields: Readonly<Record<Side, string>>;
  /** The value of `record` (flattened) read on `side`. */
  readonly read: (record: Record<string, unknown>, side: Side) => unknown;
  /** The rule's key of a record, when it reads one for a single part. */
  readonly key?: (record: Record<string, unknown>, side: Side) => string | undefined;
}

/** The values of `fields` of a record, as one text when there are several (`firstname lastname`). */
function readFields(record: Record<string, unknown>, fields: readonly string[]): unknown {
  const values = fields.map((f) => record[f]).filter((v) => v !== undefined && v !== null && v !== '');
  if (values.length <= 1) return values[0];
  return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(' ');
}

function comparedOf(mapping: CompiledMapping): Compared[] {
  const rows: Compared[] = [];
  for (const rule of mapping.matchRules) {
    // A part comparing a field rule (`{ field: name }`) reads that rule's sources on each side: the raw fields the
    // rule reads (indexFields) but the other parts' own fields. Several such parts in one rule share one row.
    const own = (side: Side) => rule.parts.flatMap((p) => (p.field === undefined ? [p.fields[side]] : []));
    const sources = (side: Side) => rule.indexFields(side).filter((f) => !own(side).includes(f));
    let ruleFieldShown = false;
    for (const part of rule.parts) {
      if (part.field !== undefined) {
        if (ruleFieldShown) continue;
        ruleFieldShown = true;
        rows.push({
          rule: rule.label,
          fields: { crm: sources('crm').join(', '), erp: sources('erp').join(', ') },
          read: (record, side) => readFields(record, sources(side)),
        });
        continue;
      }
      const { fields } = part;
      rows.push({
        rule: rule.label,
        fields,
        read: (record, side) => record[fields[side]],
        ...(rule.compound ? {} : { key: (record: Record<string, unknown>, side: Side) => rule.key(record, side) }),
      });
    }
    for (const name of rule.confirm)
      rows.push({
        rule: `confirm of ${rule.label}`,
        fields: { crm: name, erp: name },
        read: (record, side) => {
          try {
            return mapping.toCanonical(record, side).values[name];
          } catch {
            return undefined;
          }
        },
      });
  }
  return rows;
}

/** Builds the rows of the page for `matches` (one page: bounded). */
export async function matchViews(
  store: Store,
  engine: SyncEngine,
  matches: readonly Match[],
): Promise<{ rows: MatchView[]; notes: string[] }> {
  const notes: string[] = [];
  const read = new Map<string, PageRecords>();
  const taken = new Map<string, Map<string, string>>();
  for (const group of new Set(matches.map((m) => `${m.mappingId}\n${m.side}`))) {
    const [mappingId = '', side = 'crm'] = group.split('\n') as [string, Side];
    const mapping = engine.mappings.find((m) => m.id === mappingId);
    if (mapping === undefined) continue;
    let ctx: ReturnType<SyncEngine['context']>;
    try {
      ctx = engine.context(mappingId);
    } catch (err) {
      notes.push((err as Error).message);
      continue;
    }
    const rows = matches.filter((m) => m.mappingId === mappingId && m.side === side);
    const to = other(side);
    const candidateIds = rows.flatMap((m) => m.candidates.slice(0, MAX_CANDIDATES_SHOWN).map((c) => c.id));
    const own = await readForPage(
      ctx.connectors[side],
      mapping.sides[side].object,
      rows.map((m) => m.recordId),
    );
    const theirs = await readForPage(ctx.connectors[to], mapping.sides[to].object, candidateIds);
    for (const got of [own, theirs]) if (got.error) notes.push(got.error);
    read.set(`${mappingId}:${side}`, own);
    read.set(`${mappingId}:${to}`, theirs);
    const links = await store.links.findManyBySide(mappingId, to, candidateIds);
    taken.set(`${mappingId}:${to}`, new Map([...links].map(([id, l]) => [id, to === 'crm' ? l.erpId : l.crmId])));
  }
  const rows = matches.map((m): MatchView => {
    const to = other(m.side);
    const mapping = engine.mappings.find((x) => x.id === m.mappingId);
    const record: SourceRecord | undefined = read.get(`${m.mappingId}:${m.side}`)?.byId.get(m.recordId);
    const theirs = read.get(`${m.mappingId}:${to}`);
    const linked = taken.get(`${m.mappingId}:${to}`);
    const shownCandidates = m.candidates.slice(0, MAX_CANDIDATES_SHOWN);
    const candidateRecords = shownCandidates.map((c) => theirs?.byId.get(c.id));
    const candidates = shownCandidates.map((c, i): CandidateView => {
      const r = candidateRecords[i];
      const linkedTo = linked?.get(c.id);
      return { ...c, found: r !== undefined, archived: r?.archived === true, ...(linkedTo ? { linkedTo } : {}) };
    });
    const compared = mapping
      ? comparedOf(mapping).map((row): ComparedRow => {
          const own = record ? flatten(record) : undefined;
          const ownKey = own && row.key ? row.key(own, m.side) : undefined;
          return {
            rule: row.rule,
            fields: { own: row.fields[m.side], theirs: row.fields[to] },
            own: shown(own ? row.read(own, m.side) : undefined),
            theirs: candidateRecords.map((r) => {
              const flat = r ? flatten(r) : undefined;
              const key = flat && row.key ? row.key(flat, to) : undefined;
              return { value: shown(flat ? row.read(flat, to) : undefined), same: key !== undefined && key === ownKey };
            }),
          };
        })
      : [];
    return {
      match: m,
      to,
      found: record !== undefined,
      candidates,
      more: m.candidates.slice(MAX_CANDIDATES_SHOWN),
      compared,
      canCreate: mapping?.creates[to] ?? false,
    };
  });
  return { rows, notes };
}
