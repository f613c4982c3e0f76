import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Writable } from 'node:stream';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { AuditError, ErrorCode } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import { CSV_HEADER, parseSince, toCsvLine, toJsonLine, toTailLine } from '../audit-format.ts';
import { loadCliConfig } from '../config.ts';
import { openStore } from '../context.ts';

/** Writes and waits when the stream asks for it, so exporting millions of entries stays in bounded memory. */
async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/** `audit verify`: prints the count and head when intact; throws AuditError naming the first broken entry. */
export async function auditVerify(store: Store, out: Writable): Promise<void> {
  const result = await store.audit.verify();
  if (!result.ok) {
    const { seq, reason } = result.firstBroken;
    throw new AuditError(
      ErrorCode.AuditBroken,
      `audit log broken at entry ${seq}: ${reason} (${result.count} entries before it are intact)`,
      { details: { seq, reason, intact: result.count } },
    );
  }
  const head = result.head === null ? 'none (empty log)' : result.head.hash;
  await write(out, `audit log intact: ${result.count} entries, head ${head}\n`);
}

/** `audit export`: entries at or after `since`, as JSON lines or CSV; returns how many were written. */
export async function auditExport(
  store: Store,
  out: Writable,
  since: string,
  format: 'jsonl' | 'csv',
): Promise<number> {
  let n = 0;
  if (format === 'csv') await write(out, CSV_HEADER);
  for await (const entry of store.audit.since(since)) {
    await write(out, format === 'csv' ? toCsvLine(entry) : toJsonLine(entry));
    n += 1;
  }
  return n;
}

/** `audit tail`: the last `n` entries; with `follow`, keeps printing new ones every `intervalMs` until `signal` aborts. */
export async function auditTail(
  store: Store,
  out: Writable,
  options: { n: number; follow: boolean; intervalMs: number; signal?: AbortSignal },
): Promise<void> {
  const last = await store.audit.tail(options.n);
  for (const entry of last) await write(out, toTailLine(entry));
  if (!options.follow) return;
  let seq = last.at(-1)?.seq ?? (await store.audit.head())?.seq ?? 0;
  while (!options.signal?.aborted) {
    try {
      await sleep(options.intervalMs, undefined, { signal: options.signal });
    } catch {
      return;
    }
    for (const entry of await store.audit.after(seq, 1000)) {
      await write(out, toTailLine(entry));
      seq = entry.seq;
    }
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

/** `--store`, else the configuration's store URL (which applies $FRONTBACK_STORE_URL and the default). */
function storeUrl(option: string | undefined, command: Command): string {
  return option ?? loadCliConfig(command).store.url;
}

async function withStore<T>(url: string | undefined, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(url, { mustExist: true });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('verify, export and watch the hash-chained audit log');
  const storeOption = (): Option =>
    new Option(
      '--store <url>',
      "store URL (default: the configuration's store.url: -c file, $FRONTBACK_STORE_URL, else ./data/frontback.db)",
    );

  audit
    .command('verify')
    .description('recompute every hash; exit 0 with the count when intact, 1 naming the first broken entry')
    .addOption(storeOption())
    .action((opts: { store?: string }, command: Command) =>
      withStore(storeUrl(opts.store, command), (store) => auditVerify(store, process.stdout)),
    );

  audit
    .command('export')
    .description('write entries since a time as JSON lines or CSV')
    .requiredOption('--since <time>', 'ISO 8601 time, or a duration back from now (30m, 24h, 7d)', (v) => parseSince(v))
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'csv']).default('jsonl'))
    .option('--out <file>', 'write to this file instead of stdout')
    .addOption(storeOption())
    .action((opts: { since: string; format: 'jsonl' | 'csv'; out?: string; store?: string }, command: Command) =>
      withStore(storeUrl(opts.store, command), async (store) => {
        const out = opts.out === undefined ? process.stdout : createWriteStream(opts.out);
        let n: number;
        try {
          n = await auditExport(store, out, opts.since, opts.format);
        } catch (err) {
          // The reader went away (`| head`): that is the reader's choice, not a failure.
          if ((err as { code?: unknown }).code === 'EPIPE') return;
          throw err;
        }
        if (opts.out !== undefined) {
          out.end();
          await once(out, 'finish');
          process.stderr.write(`exported ${n} entries to ${opts.out}\n`);
        }
      }),
    );

  audit
    .command('tail')
    .description('print the newest entries; --follow keeps printing new ones')
    .option('-n, --lines <n>', 'how many entries', positiveInt, 20)
    .option('-f, --follow', 'keep printing new entries (Ctrl-C to stop)', false)
    .option('--interval <ms>', 'poll interval with --follow', positiveInt, 1000)
    .addOption(storeOption())
    .action((opts: { lines: number; follow: boolean; interval: number; store?: string }, command: Command) =>
      withStore(storeUrl(opts.store, command), async (store) => {
        const controller = new AbortController();
        const stop = (): void => controller.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          await auditTail(store, process.stdout, {
            n: opts.lines,
            follow: opts.follow,
            intervalMs: opts.interval,
            signal: controller.signal,
          });
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      }),
    );
}
