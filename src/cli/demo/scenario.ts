/**
 * The demo's story: real sync passes on the sandboxes, told in a few lines each. Every
 * line is computed from what happened (the passes' outcomes, the records read back
 * through the connectors, the store and its audit log), never a canned claim: a
 * first sync over customers that partly overlap and are typed differently, an update
 * each way, a conflict decided by the mapping's rule, a deletion followed, echoes
 * suppressed, and the audit log verified. Nothing here knows a vendor: which objects
 * and fields come from the mappings.
 */
import type { Connector, SourceRecord } from '../../connector/index.ts';
import type { LoadedMapping } from '../../mapping/load.ts';
import type { Side } from '../../mapping/spec.ts';
import type { Store } from '../../store/store.ts';
import { other, SIDES } from '../../sync/sides.ts';
import { sideKeys } from './doubles.ts';
import { editableFields, livePairs, readOne, userWrite, type EditableField } from './edits.ts';
import { typeInCustomers } from './messy-start.ts';
import { DemoPasses, type DemoPass } from './passes.ts';

/** The mappings the story tells: companies first (contacts attach to them), then their people. */
export const DEMO_MAPPINGS = { companies: 'companies-partners', people: 'contacts-partners' } as const;

/** What the scenario needs; the command wires it. */
export interface DemoContext {
  store: Store;
  connectors: ReadonlyMap<string, Connector>;
  mappings: readonly LoadedMapping[];
  /** Re-read window behind each cursor, ms (`sync.overlapMinutes`). */
  overlapMs: number;
  pageSize?: number;
  print: (line?: string) => void;
}

/** What the story found, for the exit code and the closing lines. */
export interface DemoOutcome {
  /** Keys held twice on one side after the first sync (0 when nothing was doubled). */
  doubled: number;
  /** Steps that did not go as the story expects (each also printed). */
  surprises: string[];
}

/** Values the demo's user types, by field rule name (a plain text field not listed gets a generic one). */
const TYPED: Record<string, readonly [string, string]> = {
  jobtitle: ['Head of Purchasing', 'Chief Buyer'],
  address: ['12 Harbour Road', '3 Station Square'],
  city: ['Lyon', 'Marseille'],
  zip: ['69002', '13001'],
};

const q = (value: unknown): string =>
  value === undefined || value === null || value === '' ? '(empty)' : JSON.stringify(value);

/** Runs the story; answers what it found. */
export async function runDemoScenario(ctx: DemoContext): Promise<DemoOutcome> {
  const { print } = ctx;
  const outcome: DemoOutcome = { doubled: 0, surprises: [] };
  const surprise = (line: string): void => {
    outcome.surprises.push(line);
    print(`   !! ${line}`);
  };
  const find = (id: string): LoadedMapping => {
    const loaded = ctx.mappings.find((l) => l.mapping.id === id);
    if (!loaded) throw new Error(`the demo needs the mapping ${id} (the shipped mappings/hubspot-odoo has it)`);
    return loaded;
  };
  const companies = find(DEMO_MAPPINGS.companies);
  const people = find(DEMO_MAPPINGS.people);
  const sidesOf = (loaded: LoadedMapping): Record<Side, Connector> => {
    const { crm, erp } = loaded.mapping.sides;
    const c = ctx.connectors.get(crm.connection);
    const e = ctx.connectors.get(erp.connection);
    if (!c || !e)
      throw new Error(
        `mapping ${loaded.mapping.id}: connection ${c ? erp.connection : crm.connection} has no connector`,
      );
    return { crm: c, erp: e };
  };
  const label = (loaded: LoadedMapping, side: Side): string =>
    `${loaded.mapping.sides[side].connection} ${loaded.mapping.sides[side].object}`;
  const conn = (loaded: LoadedMapping, side: Side): string => loaded.mapping.sides[side].connection;
  const passes = new DemoPasses({
    store: ctx.store,
    connectors: ctx.connectors,
    overlapMs: ctx.overlapMs,
    ...(ctx.pageSize === undefined ? {} : { pageSize: ctx.pageSize }),
  });
  const all: DemoPass[] = [];
  const pass = async (loaded: LoadedMapping, from: Side): Promise<DemoPass> => {
    const p = await passes.run(loaded, from);
    all.push(p);
    const c = p.report.counts;
    const wrote = (side: Side): string => {
      const created = p.created[side].length;
      const removed = p.removed[side].length;
      const updated = p.written[side].length - created - removed;
      const verb = loaded.mapping.deletes === 'delete' ? 'deleted' : 'archived';
      return `${conn(loaded, side)} ${created > 0 ? `${created} created, ` : ''}${removed > 0 ? `${removed} ${verb}, ` : ''}${updated} updated`;
    };
    const parts = [
      wrote(other(from)),
      ...(p.written[from].length > 0 ? [wrote(from)] : []),
      ...(c.conflicted > 0 ? [`${c.conflicted} parked as conflicts`] : []),
      ...(c.failed > 0 ? [`${c.failed} failed (dead-lettered)`] : []),
      `${p.echoes.skipped} echo(es) skipped`,
    ];
    print(`   pass ${loaded.mapping.id} from ${conn(loaded, from)}: ${p.report.read} read -> ${parts.join('; ')}`);
    return p;
  };

  // 1. (continued) the messy start: customers typed in by hand before frontback ever ran.
  print('   Typed in by hand before frontback (through each system\u2019s API), besides the seeded differences:');
  const typed = await typeInCustomers(companies, sidesOf(companies));
  for (const t of typed)
    print(
      `     ${t.both ? 'in both, written differently:' : `only in ${conn(companies, t.side)}:`.padEnd(29)} ${label(companies, t.side)} ${t.id} ${q(t.name)}`,
    );
  print();

  // 2. The first sync.
  print('2. First sync: a pass from each side of each mapping, companies first (contacts attach to them)');
  const first: DemoPass[] = [];
  for (const loaded of [companies, people]) {
    const made = await passes.prepare(loaded);
    if (made.length > 0) print(`   ${loaded.mapping.id}: created the custom fields it needs: ${made.join(', ')}`);
    for (const from of SIDES) first.push(await pass(loaded, from));
  }
  for (const loaded of [companies, people]) {
    const mine = first.filter((p) => p.mapping === loaded.mapping.id);
    const matched = new Map<string, number>();
    let waiting = 0;
    for (const p of mine) {
      for (const [rule, n] of Object.entries(p.report.counts.identity.matched))
        matched.set(rule, (matched.get(rule) ?? 0) + n);
      waiting += p.report.counts.identity.ambiguous + p.report.counts.identity.waiting;
    }
    const total = [...matched.values()].reduce((a, b) => a + b, 0);
    const rules = [...matched].map(([rule, n]) => `${rule} ${n}`).join(', ');
    const created = SIDES.map((s) => `${mine.reduce((n, p) => n + p.created[s].length, 0)} in ${conn(loaded, s)}`);
    const links = (await ctx.store.links.list(loaded.mapping.id)).length;
    print(`   => ${loaded.mapping.id}: ${links} linked pairs; ${waiting} record(s) left to a person`);
    print(`      matched ${total}${rules ? `: ${rules}` : ''}`);
    print(`      created ${created.join(', ')}`);
    // Matched although typed differently: the raw values of the rule that matched them differ (one example per rule).
    const examples = new Map<string, string>();
    for (const p of mine)
      for (const a of p.outcomes) {
        const plan = a.plan;
        const rule = loaded.mapping.matchRules.find((r) => r.label === plan.matchedBy);
        if (!rule?.fields || !plan.records.crm || !plan.records.erp || examples.has(rule.label)) continue;
        const [c, e] = [plan.records.crm.fields[rule.fields.crm], plan.records.erp.fields[rule.fields.erp]];
        if (c !== e)
          examples.set(rule.label, `${conn(loaded, 'crm')} ${q(c)} = ${conn(loaded, 'erp')} ${q(e)} (${rule.label})`);
      }
    for (const e of examples.values()) print(`      e.g. ${e}`);
    const keys = await Promise.all(SIDES.map((s) => sideKeys(loaded.mapping, s, sidesOf(loaded)[s])));
    const doubled = keys.reduce((n, k) => n + k.doubled.length, 0);
    outcome.doubled += doubled;
    const counted = keys.map(
      (k) =>
        `${label(loaded, k.side)} ${k.records} live, ${k.keys} keys${k.keyless > 0 ? ` (+${k.keyless} keyless)` : ''}`,
    );
    print(
      `      ${doubled === 0 ? 'nothing doubled' : `DOUBLED: ${doubled} key(s) held twice`}: ${counted.join('; ')}`,
    );
    for (const k of keys)
      for (const d of k.doubled.slice(0, 3))
        surprise(`${label(loaded, k.side)} holds ${d.key} ${d.ids.length} times: ${d.ids.join(', ')}`);
  }
  print();

  // 3. to 5.: edits by a user between passes, on linked pairs of the people mapping.
  const fields = editableFields(people);
  const pairs = await livePairs(people, await ctx.store.links.list(people.mapping.id), sidesOf(people));
  const [fA, fB, fC] = [fields[0], fields[1] ?? fields[0], fields[2] ?? fields[0]];
  if (!fA || !fB || !fC || pairs.length < 4) {
    surprise(
      `${people.mapping.id}: the story needs a plain two-way field and 4 linked pairs (found ${fields.length} and ${pairs.length})`,
    );
    return outcome;
  }
  const [a, b, c, d] = pairs as [(typeof pairs)[0], (typeof pairs)[0], (typeof pairs)[0], (typeof pairs)[0]];
  const typedValue = (f: EditableField, i: 0 | 1): string => TYPED[f.name]?.[i] ?? `${f.name} edited (${i + 1})`;
  const objectOf = (side: Side): string => people.mapping.sides[side].object;
  const now = async (side: Side, id: string): Promise<SourceRecord | undefined> =>
    readOne(sidesOf(people)[side], objectOf(side), id);
  const rawOf = (f: EditableField, side: Side): string => f[side];
  // The user's edits, to tell a record changed again since frontback wrote it from an echo.
  const edited = new Set<string>();
  const edit = async (side: Side, id: string, change: Parameters<typeof userWrite>[3]): Promise<void> => {
    await userWrite(sidesOf(people)[side], objectOf(side), id, change);
    edited.add(`${side}:${id}`);
  };

  print(`3. An update each way (${people.mapping.id}; edits made through each system\u2019s API, as a user would)`);
  for (const [from, pair, f] of [
    ['crm', a, fA],
    ['erp', b, fB],
  ] as const) {
    const to = other(from);
    const value = typedValue(f, 0);
    const before = pair[from].fields[rawOf(f, from)];
    await edit(from, pair[from].id, { fields: { [rawOf(f, from)]: value } });
    print(`   ${label(people, from)} ${pair[from].id}: ${rawOf(f, from)} ${q(before)} -> ${q(value)}`);
    await pass(people, from);
    const after = (await now(to, pair[to].id))?.fields[rawOf(f, to)];
    print(
      `   ${label(people, to)} ${pair[to].id} now has ${rawOf(f, to)} = ${q(after)}${after === value ? '' : ' (not moved)'}`,
    );
    if (after !== value) surprise(`the ${f.name} change did not reach ${conn(people, to)}`);
  }
  print();

  print(
    `4. A conflict: both sides change ${fC.name} of one pair between passes (rule of the mapping: conflicts: ${people.mapping.conflicts})`,
  );
  // The ERP first, then the CRM: two edits a moment apart, each dated by its own system.
  const edits: Array<[Side, string]> = [
    ['erp', typedValue(fC, 0)],
    ['crm', typedValue(fC, 1)],
  ];
  for (const [side, value] of edits) {
    await edit(side, c[side].id, { fields: { [rawOf(fC, side)]: value } });
    const stamp = (await now(side, c[side].id))?.modifiedAt ?? '?';
    print(
      `   ${label(people, side)} ${c[side].id}: ${rawOf(fC, side)} -> ${q(value)} (modified ${stamp}, as ${conn(people, side)} dates it)`,
    );
  }
  const conflictPass = await pass(people, 'crm');
  const decided = conflictPass.outcomes
    .find((o) => o.plan.id === c.crm.id)
    ?.plan.decisions.find((x) => x.field === fC.name);
  if (decided === undefined) surprise(`the pass from ${conn(people, 'crm')} did not decide ${fC.name} of ${c.crm.id}`);
  else {
    const winner =
      decided.action === 'push' && decided.from
        ? `${conn(people, decided.from)} wins`
        : decided.action === 'conflict'
          ? 'parked for a person'
          : 'kept';
    print(`   decided: ${fC.name}: ${winner}`);
    print(`      rule: ${decided.rule}`);
  }
  const [crmNow, erpNow] = [
    (await now('crm', c.crm.id))?.fields[rawOf(fC, 'crm')],
    (await now('erp', c.erp.id))?.fields[rawOf(fC, 'erp')],
  ];
  print(
    `   now: ${conn(people, 'crm')} ${q(crmNow)}, ${conn(people, 'erp')} ${q(erpNow)}${crmNow === erpNow ? ' (in agreement)' : ''}`,
  );
  print();

  print(`5. A deletion (rule of the mapping: deletes: ${people.mapping.deletes})`);
  await edit('crm', d.crm.id, { archive: true });
  const named = people.mapping.matchRules[0]?.fields?.crm;
  print(`   ${label(people, 'crm')} ${d.crm.id}${named ? ` (${q(d.crm.fields[named])})` : ''} archived`);
  await pass(people, 'crm');
  const partner = await now('erp', d.erp.id);
  const state = partner === undefined ? 'deleted' : partner.archived ? 'archived' : 'still live';
  print(`   ${label(people, 'erp')} ${d.erp.id} is now ${state}`);
  const expected =
    people.mapping.deletes === 'ignore' ? 'still live' : people.mapping.deletes === 'archive' ? 'archived' : 'deleted';
  if (state !== expected)
    surprise(`deletes: ${people.mapping.deletes} expected the partner ${expected}, it is ${state}`);
  print();

  print('6. Echoes: the passes after frontback\u2019s writes read them back, recognise them and write nothing');
  const last = [await pass(people, 'erp'), await pass(people, 'crm')];
  const lastWrites = last.reduce((n, p) => n + p.written.crm.length + p.written.erp.length, 0);
  const back = last.reduce((n, p) => n + p.echoes.readBack, 0);
  print(`   these two passes read back ${back} record(s) frontback had written; ${lastWrites} write(s) made`);
  const totals = { written: 0, back: 0, skipped: 0, byUser: 0 };
  for (const p of all) {
    totals.written += p.written.crm.length + p.written.erp.length;
    totals.back += p.echoes.readBack;
    totals.skipped += p.echoes.skipped;
    if (p.mapping === people.mapping.id)
      totals.byUser += p.echoes.changed.filter((id) => edited.has(`${p.from}:${id}`)).length;
  }
  const others = totals.back - totals.skipped;
  print(
    `   over the whole demo: ${all.length} passes, ${totals.written} records written; ${totals.back} of them read back, ` +
      `${totals.skipped} skipped as echoes`,
  );
  if (others > 0)
    print(
      `      ${others} read back with more to carry, so synced on${totals.byUser > 0 ? ` (${totals.byUser} of them after a user's edit)` : ''}`,
    );
  if (lastWrites > 0) surprise(`the last passes wrote ${lastWrites} record(s): nothing had changed`);
  print();
  return outcome;
}
