/**
 * How `sync` and `plan` show progress (src/cli/progress.ts): the mode chosen, the plain
 * line off a terminal, the JSON line for scripts, the bar's text, rates and ETAs, and which
 * stream each reporter writes to.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  barText,
  formatDuration,
  formatRate,
  pageJson,
  plainLine,
  progressMode,
  progressReporter,
} from '../../../src/cli/progress.ts';
import type { StreamProgress } from '../../../src/sync/progress.ts';

const pass = { mapping: 'contacts-partners', side: 'crm' as const, dryRun: false, runId: 'r1' };
const open: StreamProgress = {
  stream: 'changes',
  pages: 12,
  read: 2_400,
  written: 2_310,
  skipped: 80,
  conflicted: 0,
  failed: 10,
  ratePerSecond: 410.4,
  elapsedMs: 5_850,
};
const known: StreamProgress = { ...open, total: 5_000, etaSeconds: 7 };

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

describe('progress output', () => {
  it('chooses JSON when asked, bars on a terminal, lines elsewhere', () => {
    expect(progressMode({ json: true, isTTY: true })).toBe('json');
    expect(progressMode({ isTTY: true })).toBe('bars');
    expect(progressMode({ isTTY: false })).toBe('lines');
    expect(progressMode({ isTTY: undefined })).toBe('lines');
  });

  it('a plain line per page, without an ETA when no total is known', () => {
    expect(plainLine(pass, open)).toBe(
      'contacts-partners from crm, changes: page 12, 2,400 read, 2,310 written, 80 skipped, 10 failed, 410/s',
    );
  });

  it('a plain line with the total and the ETA where the listing told', () => {
    expect(plainLine(pass, { ...known, conflicted: 3 })).toBe(
      'contacts-partners from crm, changes: page 12, 2,400 of 5,000 read, 2,310 written, 80 skipped, 3 conflicted, 10 failed, 410/s, ETA 7s',
    );
    expect(plainLine({ ...pass, dryRun: true }, known)).toBe(
      'contacts-partners from crm (dry run), changes: page 12, 2,400 of 5,000 read, 2,310 to write, 80 skipped, 410/s, ETA 7s',
    );
  });

  it('a JSON object per page: total and ETA only where known', () => {
    expect(JSON.parse(pageJson(pass, open))).toEqual({
      type: 'page',
      mapping: 'contacts-partners',
      side: 'crm',
      dryRun: false,
      runId: 'r1',
      stream: 'changes',
      page: 12,
      read: 2_400,
      written: 2_310,
      skipped: 80,
      conflicted: 0,
      failed: 10,
      ratePerSecond: 410.4,
      elapsedMs: 5_850,
    });
    expect(JSON.parse(pageJson(pass, known))).toMatchObject({ total: 5_000, etaSeconds: 7 });
  });

  it('a bar only where a total is known', () => {
    expect(barText(pass, known, '[####----]')).toBe(
      'crm changes    [####----] 2,400 of 5,000 read | 2,310 written | 80 skipped | 10 failed | 410/s | ETA 7s',
    );
    expect(barText(pass, open, '[####----]')).not.toContain('[####----]');
  });

  it('rates and durations as people read them', () => {
    expect(formatRate(0.44)).toBe('0.4/s');
    expect(formatRate(9.96)).toBe('10/s');
    expect(formatRate(1_234.5)).toBe('1,235/s');
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(185)).toBe('3m 05s');
    expect(formatDuration(3_720)).toBe('1h 02m');
  });

  it('lines go to stderr and JSON to stdout, one per page', () => {
    const [out, err] = [capture(), capture()];
    const lines = progressReporter('lines', { stdout: out.stream, stderr: err.stream });
    lines.page(pass, open);
    lines.page(pass, known);
    expect(out.text()).toBe('');
    expect(err.text().trim().split('\n')).toHaveLength(2);
    const [out2, err2] = [capture(), capture()];
    const json = progressReporter('json', { stdout: out2.stream, stderr: err2.stream });
    json.page(pass, open);
    json.notice('stopping');
    expect(out2.text()).toBe(`${pageJson(pass, open)}\n`);
    expect(err2.text()).toBe('stopping\n');
  });
});
