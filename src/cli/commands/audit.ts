import type { KeyObject } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Writable } from 'node:stream';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { AuditError, ErrorCode } from '../../errors.ts';
import type { Config } from '../../config/types.ts';
import type { AuditFilter, AuditRepository } from '../../store/audit-repository.ts';
import { checkpointPath, readCheckpointFile, type CheckpointLine } from '../../store/audit/checkpoint-file.ts';
import { loadTrustedKeys } from '../../store/audit/checkpoint-keys.ts';
import { verifyWithCheckpoints } from '../../store/audit/checkpoint-verify.ts';
import { exportedLog } from '../../store/audit/export-log.ts';
import { filters, parseAuditFilter, type RawAuditFilter } from '../../store/audit/filter.ts';
import type { Store } from '../../store/store.ts';
import { CSV_HEADER, parseSince, toCsvLine, toJsonLine, toTailLine } from '../audit-format.ts';
import { loadCliConfig } from '../config.ts';
import {
  auditCheckpoint,
  auditKeygen,
  checkpointFiles,
  checkpointSettings,
  copyCheckpoints,
} from './audit-checkpoints.ts';
import { openStore } from '../context.ts';

/** Writes and waits when the stream asks for it, so exporting millions of entries stays in bounded memory. */
async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/** What `audit verify` says when it has no checkpoints to check against. */
export const NO_CHECKPOINTS =
  'no checkpoints: this proves the chain is internally consistent, not that it was not cut, replaced or rewritten as a whole';

/** Checkpoints to verify against: the files' lines and the keys trusted to have signed them. */
export interface VerifyCheckpoints {
  readonly files: readonly string[];
  readonly trusted: ReadonlyMap<string, KeyObject>;
  /** The configured checkpoint file, when it does not exist (said, since a deleted file proves nothing). */
  readonly missing?: string;
}

function readCheckpoints(files: readonly string[]): CheckpointLine[] {
  return files.flatMap((file) => {
    try {
      return readCheckpointFile(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new AuditError(ErrorCode.AuditBroken, `cannot read the checkpoint file ${file}: ${code}`);
    }
  });
}

/**
 * `audit verify`: prints the count and head when intact; throws AuditError naming the first
 * broken entry. With checkpoints, also every refused checkpoint, a cut or emptied log, and
 * how many entries are not anchored yet; without, what it cannot prove.
 */
export async function auditVerify(
  audit: Pick<AuditRepository, 'verify'>,
  out: Writable,
  checkpoints?: VerifyCheckpoints,
): Promise<void> {
  if (checkpoints !== undefined && checkpoints.files.length > 0) {
    const lines = readCheckpoints(checkpoints.files);
    const verdict = await verifyWithCheckpoints(audit, lines, checkpoints.trusted);
    if (!verdict.ok) {
      throw new AuditError(ErrorCode.AuditBroken, `audit log not verified:\n  ${verdict.problems.join('\n  ')}`, {
        details: { problems: verdict.problems, intact: verdict.intact },
      });
    }
    const head = verdict.head === null ? 'none (empty log)' : verdict.head.hash;
    await write(out, `audit log intact: ${verdict.count} entries, head ${head}\n`);
    if (verdict.checkpoints === 0) {
      await write(out, `${NO_CHECKPOINTS} (${checkpoints.files.join(', ')} holds none)\n`);
      return;
    }
    await write(
      out,
      `checkpoints: ${verdict.checkpoints} valid, anchoring entries 1-${verdict.anchored}; ` +
        `${verdict.unanchored} entries after the last checkpoint are not anchored yet\n`,
    );
    return;
  }
  const result = await audit.verify();
  if (!result.ok) {
    const { seq, reason } = result.firstBroken;
    throw new AuditError(
      ErrorCode.AuditBroken,
      `audit log broken at entry ${seq}: ${reason} (${result.count} entries before it are intact)`,
      { details: { seq, reason, intact: result.count } },
    );
  }
  const head = result.head === null ? 'none (empty log)' : result.head.hash;
  const missing = checkpoints?.missing === undefined ? '' : ` (${checkpoints.missing} does not exist)`;
  await write(out, `audit log intact: ${result.count} entries, head ${head}\n${NO_CHECKPOINTS}${missing}\n`);
}

/**
 * `audit export`: entries at or after `since` (of those `filter` matches), as JSON lines or CSV; returns how many
 * were written. A filtered export is a selection: `audit verify --export` checks only an export of every entry.
 */
export async function auditExport(
  store: Store,
  out: Writable,
  since: string,
  format: 'jsonl' | 'csv',
  filter?: AuditFilter,
): Promise<number> {
  let n = 0;
  if (format === 'csv') await write(out, CSV_HEADER);
  for await (const entry of store.audit.since(since, filter ? { filter } : {})) {
    await write(out, format === 'csv' ? toCsvLine(entry) : toJsonLine(entry));
    n += 1;
  }
  return n;
}

/**
 * `audit tail`: the last `n` entries (of those `filter` matches); with `follow`, keeps printing new ones every
 * `intervalMs` until `signal` aborts.
 */
export async function auditTail(
  store: Store,
  out: Writable,
  options: { n: number; follow: boolean; intervalMs: number; signal?: AbortSignal; filter?: AuditFilter },
): Promise<void> {
  const last = await store.audit.tail(options.n, options.filter);
  for (const entry of last) await write(out, toTailLine(entry));
  if (!options.follow) return;
  let seq = last.at(-1)?.seq ?? (await store.audit.head())?.seq ?? 0;
  while (!options.signal?.aborted) {
    try {
      await sleep(options.intervalMs, undefined, { signal: options.signal });
    } catch {
      return;
    }
    for (const entry of await store.audit.after(seq, 1000, options.filter)) {
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

/** The filter options of `audit tail` and `audit export`. */
const FILTER_OPTIONS = {
  action: ['--action <actions>', 'only these actions, comma-separated (applied,failed,conflicted,...)'],
  mapping: ['--mapping <id>', "only this mapping's entries"],
  record: ['--record <record>', 'only entries about this record: crm:<id>, erp:<id>, or an id on either side'],
} as const;

/** What `audit tail` is given. */
type TailOptions = { lines: number; follow: boolean; interval: number; store?: string } & RawAuditFilter;
/** What `audit export` is given. */
type ExportOptions = {
  since: string;
  format: 'jsonl' | 'csv';
  out?: string;
  store?: string;
  checkpoints: boolean;
} & RawAuditFilter;

/** The filter typed on the command line, validated (a clear error names the option and what it accepts). */
function filterOf(opts: RawAuditFilter): AuditFilter {
  return parseAuditFilter(opts, { action: '--action', mapping: '--mapping', record: '--record' });
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
    .description(
      'recompute every hash and check the signed checkpoints; exit 0 with the counts when intact, 1 naming what is wrong',
    )
    .option('--checkpoints <file...>', 'checkpoint files (default: checkpoints.jsonl in audit.checkpointDir)')
    .option(
      '--export <file>',
      'verify an `audit export` JSON lines file (exported from the first entry), not the store',
    )
    .addOption(storeOption())
    .action((opts: { store?: string; checkpoints?: string[]; export?: string }, command: Command) => {
      const config = loadCliConfig(command);
      const files = checkpointFiles(opts.checkpoints, config);
      const trusted = loadTrustedKeys(config.audit.trustedKeys);
      const dir = config.audit.checkpointDir;
      const missing = files.length === 0 && dir !== undefined ? { missing: checkpointPath(dir) } : {};
      const checkpoints = { files, trusted, ...missing };
      if (opts.export !== undefined) return auditVerify(exportedLog(opts.export), process.stdout, checkpoints);
      return withStore(opts.store ?? config.store.url, (store) =>
        auditVerify(store.audit, process.stdout, checkpoints),
      );
    });

  audit
    .command('checkpoint')
    .description("sign the log's head into audit.checkpointDir (nothing when the log has not moved)")
    .addOption(storeOption())
    .action((opts: { store?: string }, command: Command) => {
      const config = loadCliConfig(command);
      const { signer, dir } = checkpointSettings(config);
      return withStore(opts.store ?? config.store.url, (store) => auditCheckpoint(store, process.stdout, signer, dir));
    });

  audit
    .command('keygen')
    .description('write a new Ed25519 key pair for checkpoints and print its id and the configuration lines')
    .requiredOption('--out <dir>', 'directory for the two key files')
    .action((opts: { out: string }) => auditKeygen(process.stdout, opts.out));

  audit
    .command('export')
    .description('write entries since a time as JSON lines or CSV (filtered: --action, --mapping, --record)')
    .requiredOption('--since <time>', 'ISO 8601 time, or a duration back from now (30m, 24h, 7d)', (v) => parseSince(v))
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'csv']).default('jsonl'))
    .option('--out <file>', 'write to this file instead of stdout')
    .option(
      '--checkpoints',
      'also copy the checkpoint file(s) (audit.checkpointDir) to <out>.checkpoints.jsonl, for audit verify --export',
      false,
    )
    .option(...FILTER_OPTIONS.action)
    .option(...FILTER_OPTIONS.mapping)
    .option(...FILTER_OPTIONS.record)
    .addOption(storeOption())
    .action((opts: ExportOptions, command: Command) => {
      const filter = filterOf(opts);
      if (opts.checkpoints && filters(filter)) {
        const why = 'error: --checkpoints anchors an export of every entry: leave out --action, --mapping, --record';
        command.error(why, { exitCode: 2 });
      }
      if (opts.checkpoints && opts.out === undefined) {
        command.error('error: --checkpoints needs --out (the checkpoints are written next to the export)', {
          exitCode: 2,
        });
      }
      const config = opts.checkpoints || opts.store === undefined ? loadCliConfig(command) : undefined;
      const checkpointCopy = opts.checkpoints && config ? checkpointFiles(undefined, config) : [];
      if (opts.checkpoints && checkpointCopy.length === 0) {
        throw new AuditError(ErrorCode.Config, 'no checkpoint file: audit.checkpointDir is not set or holds none');
      }
      return withStore(opts.store ?? (config as Config).store.url, async (store) => {
        // Copied first: every copied checkpoint anchors an entry the export (read after) contains.
        const copied =
          checkpointCopy.length > 0 ? copyCheckpoints(checkpointCopy, `${opts.out ?? ''}.checkpoints.jsonl`) : 0;
        const out = opts.out === undefined ? process.stdout : createWriteStream(opts.out);
        let n: number;
        try {
          n = await auditExport(store, out, opts.since, opts.format, filter);
        } catch (err) {
          // The reader went away (`| head`): that is the reader's choice, not a failure.
          if ((err as { code?: unknown }).code === 'EPIPE') return;
          throw err;
        }
        if (opts.out !== undefined) {
          out.end();
          await once(out, 'finish');
          process.stderr.write(`exported ${n} entries to ${opts.out}\n`);
          if (checkpointCopy.length > 0) {
            process.stderr.write(`copied ${copied} checkpoints to ${opts.out}.checkpoints.jsonl\n`);
          }
        }
      });
    });

  audit
    .command('tail')
    .description('print the newest entries (filtered: --action, --mapping, --record); --follow keeps printing new ones')
    .option('-n, --lines <n>', 'how many entries', positiveInt, 20)
    .option('-f, --follow', 'keep printing new entries (Ctrl-C to stop)', false)
    .option('--interval <ms>', 'poll interval with --follow', positiveInt, 1000)
    .option(...FILTER_OPTIONS.action)
    .option(...FILTER_OPTIONS.mapping)
    .option(...FILTER_OPTIONS.record)
    .addOption(storeOption())
    .action((opts: TailOptions, command: Command) =>
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
            filter: filterOf(opts),
          });
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      }),
    );
}
