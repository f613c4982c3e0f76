/**
 * A pass's progress as `sync` and `plan` show it, page by page (src/sync/progress.ts
 * counts it): on a terminal, a bar per stream on stderr (cli-progress redraws them in
 * place); off a terminal (a log file, CI), one plain line per page on stderr; with `--json`,
 * one JSON object per page on stdout, for scripts. stdout otherwise stays the report.
 */
import cliProgress from 'cli-progress';
import type { Side } from '../mapping/spec.ts';
import type { PassReport } from '../sync/pass.ts';
import type { StreamProgress } from '../sync/progress.ts';

/** How progress is shown: bars (a terminal), lines (not a terminal), json (`--json`). */
export type ProgressMode = 'bars' | 'lines' | 'json';

/** Bars on a terminal, plain lines elsewhere, JSON when asked. */
export function progressMode(options: { json?: boolean | undefined; isTTY: boolean | undefined }): ProgressMode {
  if (options.json === true) return 'json';
  return options.isTTY === true ? 'bars' : 'lines';
}

/** Which pass a page belongs to. */
export interface PassLabel {
  readonly mapping: string;
  readonly side: Side;
  readonly dryRun: boolean;
  /** The run's id, once recorded. */
  readonly runId?: string | undefined;
}

const n = (value: number): string => value.toLocaleString('en-US');

/** A rate as people read it: whole records per second, one decimal under ten. */
export function formatRate(ratePerSecond: number): string {
  return `${ratePerSecond >= 10 ? n(Math.round(ratePerSecond)) : String(Math.round(ratePerSecond * 10) / 10)}/s`;
}

/** Seconds as `42s`, `3m 05s`, `1h 02m`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3_600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3_600)}h ${String(Math.floor((s % 3_600) / 60)).padStart(2, '0')}m`;
}

/** The counts of a stream's progress, `2,400 read, 2,310 written, 80 skipped, 10 failed` (a total and an ETA where known). */
function countsText(p: StreamProgress, dryRun: boolean, separator: string): string {
  const parts = [
    p.total === undefined ? `${n(p.read)} read` : `${n(p.read)} of ${n(p.total)} read`,
    `${n(p.written)} ${dryRun ? 'to write' : 'written'}`,
    `${n(p.skipped)} skipped`,
    ...(p.conflicted > 0 ? [`${n(p.conflicted)} conflicted`] : []),
    ...(dryRun ? [] : [`${n(p.failed)} failed`]),
    formatRate(p.ratePerSecond),
    ...(p.etaSeconds === undefined ? [] : [`ETA ${formatDuration(p.etaSeconds)}`]),
  ];
  return parts.join(separator);
}

/** One plain line per page: `contacts-partners from crm, changes: page 12, 2,400 read, 2,310 written, ... 410/s`. */
export function plainLine(pass: PassLabel, p: StreamProgress): string {
  return `${pass.mapping} from ${pass.side}${pass.dryRun ? ' (dry run)' : ''}, ${p.stream}: page ${n(p.pages)}, ${countsText(p, pass.dryRun, ', ')}`;
}

/** One JSON object per page, for scripts (docs/sync.md lists the fields). */
export function pageJson(pass: PassLabel, p: StreamProgress): string {
  return JSON.stringify({
    type: 'page',
    mapping: pass.mapping,
    side: pass.side,
    dryRun: pass.dryRun,
    ...(pass.runId === undefined ? {} : { runId: pass.runId }),
    stream: p.stream,
    page: p.pages,
    read: p.read,
    written: p.written,
    skipped: p.skipped,
    conflicted: p.conflicted,
    failed: p.failed,
    ratePerSecond: p.ratePerSecond,
    ...(p.total === undefined ? {} : { total: p.total }),
    ...(p.etaSeconds === undefined ? {} : { etaSeconds: p.etaSeconds }),
    elapsedMs: p.elapsedMs,
  });
}

/** A pass's summary as one JSON object (`--json`): what the text report says, counted (docs/sync.md). */
export function summaryJson(report: PassReport): string {
  return JSON.stringify({
    type: 'summary',
    mapping: report.mapping,
    side: report.from,
    dryRun: report.dryRun,
    runId: report.runId,
    read: report.read,
    counts: report.counts,
    stopped: report.stopped,
    guarded: report.guarded,
  });
}

/** A bar's text: `crm changes [bar] 2,400 of 5,000 read | ...`; `bar` is drawn only where a total is known. */
export function barText(pass: PassLabel, p: StreamProgress, bar: string): string {
  const head = `${pass.side} ${p.stream.padEnd(10)}`;
  return `${head}${p.total === undefined ? '' : ` ${bar}`} ${countsText(p, pass.dryRun, ' | ')}`;
}

/** Shows a pass's pages as they are handled. */
export interface ProgressReporter {
  /** One page handled: its stream's progress after it. */
  page(pass: PassLabel, progress: StreamProgress): void;
  /** A message for people (stopping ...), kept clear of the bars. */
  notice(text: string): void;
  /** The pass is over: bars are drawn one last time and left on screen. */
  end(): void;
}

/** Output streams, passed in so tests can capture them. */
export interface ProgressOutput {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** The reporter of `mode`. */
export function progressReporter(
  mode: ProgressMode,
  out: ProgressOutput = { stdout: process.stdout, stderr: process.stderr },
): ProgressReporter {
  if (mode === 'json')
    return {
      page: (pass, p) => void out.stdout.write(`${pageJson(pass, p)}\n`),
      notice: (text) => void out.stderr.write(`${text}\n`),
      end: () => undefined,
    };
  if (mode === 'lines')
    return {
      page: (pass, p) => void out.stderr.write(`${plainLine(pass, p)}\n`),
      notice: (text) => void out.stderr.write(`${text}\n`),
      end: () => undefined,
    };
  return barReporter(out.stderr);
}

/** Bars per stream on a terminal (cli-progress: redrawn in place, a few times a second at most). */
function barReporter(stream: NodeJS.WritableStream): ProgressReporter {
  let multi: cliProgress.MultiBar | undefined;
  const bars = new Map<string, cliProgress.SingleBar>();
  const open = (): cliProgress.MultiBar =>
    (multi ??= new cliProgress.MultiBar({
      stream,
      // The payload carries everything; cli-progress draws the bar itself and keeps the lines in place.
      format: (options, params, payload: { pass: PassLabel; progress: StreamProgress }) =>
        barText(payload.pass, payload.progress, cliProgress.Format.BarFormat(params.progress, options)),
      barsize: 24,
      // Ctrl-C is the sync command's (stop after the pages in hand): the bars must not take it.
      gracefulExit: false,
      hideCursor: false,
      emptyOnZero: true,
    }));
  return {
    page(pass, p) {
      const key = `${pass.side}:${p.stream}`;
      const payload = { pass, progress: p };
      const bar = bars.get(key);
      if (bar === undefined) bars.set(key, open().create(p.total ?? 0, p.read, payload));
      else {
        bar.setTotal(p.total ?? 0);
        bar.update(p.read, payload);
      }
    },
    notice(text) {
      if (multi === undefined) stream.write(`${text}\n`);
      else multi.log(`${text}\n`);
    },
    end() {
      multi?.stop();
      multi = undefined;
      bars.clear();
    },
  };
}
