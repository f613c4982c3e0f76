/**
 * The embedded demo: sandboxes, connectors, the SQL store and the audit log working
 * together on this machine. It shows what frontback can do today and says what comes
 * next; it never pretends a piece exists that does not.
 */
import type { Config } from '../../config/types.ts';
import { isAfterCursor, type Connector, type Cursor, type SourceRecord } from '../../connector/index.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Store } from '../../store/store.ts';
import { matchByKey, normalizeEmail } from '../../sync/identity.ts';
import type { LoadedMapping } from '../../mapping/load.ts';
import { previewPair } from './mapping-preview.ts';

/** The objects the demo reads, per connector kind: the customer flow of ARCHITECTURE.md. */
const PEOPLE: Record<string, { object: string; label: string }> = {
  hubspot: { object: 'contacts', label: 'contacts' },
  odoo: { object: 'res.partner', label: 'partners' },
};

/** What the scenario needs; the command wires it. */
export interface DemoContext {
  config: Config;
  store: Store;
  connectors: Map<string, Connector>;
  logger: Logger;
  runId: string;
  /** Mappings loaded from the configured folder (empty when there are none). */
  mappings: readonly LoadedMapping[];
  print: (line?: string) => void;
}

interface Side {
  connection: string;
  kind: string;
  object: string;
  label: string;
  connector: Connector;
}

async function readAll(
  side: Side,
  since: Cursor | null,
): Promise<{ records: SourceRecord[]; pages: number; cursor: Cursor | null }> {
  const records: SourceRecord[] = [];
  let pages = 0;
  let cursor = since;
  for await (const page of side.connector.listChanges(side.object, since)) {
    pages += 1;
    records.push(...page.records);
    cursor = page.cursor;
  }
  return { records, pages, cursor };
}

function cursorKey(side: Side): string {
  return `demo:${side.connection}:${side.object}`;
}

async function saveCursor(ctx: DemoContext, side: Side, cursor: Cursor | null): Promise<void> {
  if (cursor) await ctx.store.cursors.set(cursorKey(side), { timestamp: cursor.timestamp, id: cursor.id });
}

function describeCursor(cursor: Cursor | null): string {
  return cursor ? `(${cursor.timestamp}, ${cursor.id})` : '(none)';
}

/** Runs the demo scenario; returns the number of audit entries it appended. */
export async function runDemoScenario(ctx: DemoContext): Promise<number> {
  const { print } = ctx;
  const sides: Side[] = [];
  for (const [connection, connector] of ctx.connectors) {
    const people = PEOPLE[connector.kind];
    if (people) sides.push({ connection, kind: connector.kind, connector, ...people });
  }
  let appended = 0;
  const audit = async (action: string, details: Record<string, string | number | boolean | null>): Promise<void> => {
    await ctx.store.audit.append({ runId: ctx.runId, action, actor: 'system', details });
    appended += 1;
  };

  print('2. Reading every customer record through the connectors (incremental listing from no cursor)');
  const read = new Map<string, SourceRecord[]>();
  for (const side of sides) {
    const started = Date.now();
    const { records, pages, cursor } = await readAll(side, null);
    read.set(side.connection, records);
    await saveCursor(ctx, side, cursor);
    print(
      `   ${side.connection.padEnd(8)} ${side.object.padEnd(12)} ${String(records.length).padStart(5)} ` +
        `${side.label} in ${pages} page(s), ${Date.now() - started} ms; cursor saved ${describeCursor(cursor)}`,
    );
    await audit('demo.read', { connection: side.connection, object: side.object, records: records.length, pages });
  }

  const crm = sides.find((s) => s.kind === 'hubspot');
  const erp = sides.find((s) => s.kind === 'odoo');
  print();
  if (crm && erp) {
    print(
      '3. Identity preview: which CRM contacts already exist in the ERP (match rule: email, trimmed and lower-cased)',
    );
    const crmPeople = read.get(crm.connection) ?? [];
    // Odoo partners include companies; only people carry a contact's email.
    const erpPeople = (read.get(erp.connection) ?? []).filter((r) => r.fields.is_company !== true);
    const emailOf = (r: SourceRecord): string | undefined => normalizeEmail(r.fields.email);
    const m = matchByKey(crmPeople, erpPeople, emailOf, emailOf);
    const reformatted = m.pairs.filter((p) => p.left.fields.email !== p.right.fields.email);
    print(
      `   ${m.pairs.length} of ${crmPeople.length} HubSpot contacts match one Odoo partner; ${reformatted.length} of those only after normalising the email`,
    );
    for (const p of reformatted.slice(0, 3)) {
      print(
        `     HubSpot ${p.left.id} ${JSON.stringify(p.left.fields.email)}  <->  Odoo ${p.right.id} ${JSON.stringify(p.right.fields.email)}`,
      );
    }
    print(
      `   ${m.leftOnly.length} only in HubSpot, ${m.rightOnly.length} only in Odoo (no ` +
        `email or none in common), ${m.ambiguous.length} ambiguous (never linked automatically)`,
    );
    await audit('demo.match-preview', {
      pairs: m.pairs.length,
      reformatted: reformatted.length,
      crmOnly: m.leftOnly.length,
      erpOnly: m.rightOnly.length,
      ambiguous: m.ambiguous.length,
    });
    print();
    const loaded = ctx.mappings.find((l) => l.mapping.id === 'contacts-partners');
    const pair = reformatted[0] ?? m.pairs[0];
    if (loaded && pair) {
      print(`   Dry run of mapping ${loaded.mapping.id} (${loaded.file}, version ${loaded.mapping.version}):`);
      print(
        `   HubSpot contact ${pair.left.id} -> the patch Odoo partner ${pair.right.id} would get (nothing is written)`,
      );
      const counts = await previewPair(loaded, pair.left, pair.right, erp.connector, print);
      print(
        `   => ${counts.changes} field(s) would change, ${counts.agree} already agree ` +
          `(${counts.reformatted} only after normalising), ${counts.leftOut} left out`,
      );
      print(
        `   => the merge would push ${counts.merge.toErp} field(s) to Odoo and ${counts.merge.toCrm} to HubSpot, and park ${counts.merge.conflicts}`,
      );
      const { merge, ...fields } = counts;
      await audit('demo.mapping-dry-run', {
        mapping: loaded.mapping.id,
        mappingVersion: loaded.mapping.version,
        crmId: pair.left.id,
        erpId: pair.right.id,
        ...fields,
        mergeToErp: merge.toErp,
        mergeToCrm: merge.toCrm,
        mergeConflicts: merge.conflicts,
      });
      print();
    }
  } else {
    print('3. Identity preview skipped: it needs both a HubSpot and an Odoo connection with a registered connector.');
    print();
  }

  if (crm) {
    print('4. One change made through the HubSpot API, then an incremental read from the saved cursor');
    const first = (read.get(crm.connection) ?? [])[0];
    if (first) {
      const phone = `+1 555 ${String(Date.now() % 10_000_000).padStart(7, '0')}`;
      const [result] = await crm.connector.write(crm.object, [
        { op: 'update', ref: 'demo', id: first.id, fields: { phone } },
      ]);
      print(
        `   updated contact ${first.id}: phone -> ${phone} (${result?.ok ? 'ok' : `failed: ${result?.error.message ?? 'no result'}`})`,
      );
      const saved = await ctx.store.cursors.get(cursorKey(crm));
      const since = saved?.timestamp && saved.id ? { timestamp: saved.timestamp, id: saved.id } : null;
      const { records, cursor } = await readAll(crm, since);
      await saveCursor(ctx, crm, cursor);
      // The connector re-reads a window behind the cursor (HubSpot's search index lags writes):
      // what falls inside it was seen before, and the engine's snapshot comparison skips it unchanged.
      const fresh = records.filter((r) => isAfterCursor({ timestamp: r.modifiedAt, id: r.id }, since));
      print(
        `   read since ${describeCursor(since)}: ${fresh.length} record(s) changed after the cursor [${fresh.map((r) => r.id).join(', ')}], ` +
          `${records.length - fresh.length} re-read inside the connector's overlap window (seen before); cursor now ${describeCursor(cursor)}`,
      );
      await audit('demo.incremental-read', {
        connection: crm.connection,
        object: crm.object,
        changed: first.id,
        seen: records.length,
      });
    }
    print();
  }
  return appended;
}
