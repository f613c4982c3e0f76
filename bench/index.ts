/**
 * `npm run bench` runs every suite and prints one table; `npm run bench -- --json
 * [file]` also writes the results as JSON (default bench/results/latest.json);
 * `--only <name>` runs one suite.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { auditSuite } from './audit.bench.ts';
import { dryRunSuite } from './dry-run.bench.ts';
import { identitySuite } from './identity.bench.ts';
import { hubspotSuite } from './hubspot.bench.ts';
import { intakeSuite } from './intake.bench.ts';
import { mappingSuite } from './mapping.bench.ts';
import { syncSuite } from './sync.bench.ts';
import { transformsSuite } from './transforms.bench.ts';
import type { BenchSuite, CaseResult } from './harness.ts';

const SUITES: BenchSuite[] = [
  auditSuite,
  hubspotSuite,
  transformsSuite,
  mappingSuite,
  dryRunSuite,
  identitySuite,
  syncSuite,
  intakeSuite,
];

function parseArgs(argv: string[]): { json?: string; only?: string } {
  const out: { json?: string; only?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = argv[i + 1];
    if (arg === '--json') {
      out.json = next !== undefined && !next.startsWith('--') ? (i++, next) : 'bench/results/latest.json';
    } else if (arg === '--only' && next !== undefined) {
      out.only = next;
      i++;
    }
  }
  return out;
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

function table(results: CaseResult[]): string {
  const header = ['benchmark', 'case', 'median', 'unit', 'ratio vs baseline', 'target'];
  const rows = results.map((r) => {
    const base = results.find((b) => b.benchmark === r.benchmark && b.case === r.baseline);
    const ratio = r.median !== null && base?.median ? `${(r.median / base.median).toFixed(2)}x of ${r.baseline}` : '';
    const met = (ok: boolean): string => (ok ? ' ok' : ' MISSED');
    const targets = [
      r.target === undefined ? '' : `>= ${fmt(r.target)}${met(r.median !== null && r.median >= r.target)}`,
      r.maximum === undefined ? '' : `<= ${fmt(r.maximum)}${met(r.median !== null && r.median <= r.maximum)}`,
      r.ratioTarget === undefined
        ? ''
        : `>= ${r.ratioTarget}x${met(r.median !== null && !!base?.median && r.median / base.median >= r.ratioTarget)}`,
    ];
    const target = targets.filter((t) => t !== '').join(', ');
    return [r.benchmark, r.case, r.median === null ? `skipped: ${r.note ?? ''}` : fmt(r.median), r.unit, ratio, target];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

const args = parseArgs(process.argv.slice(2));
const suites = SUITES.filter((s) => args.only === undefined || s.name === args.only);
if (suites.length === 0) {
  process.stderr.write(`no benchmark named ${args.only}; known: ${SUITES.map((s) => s.name).join(', ')}\n`);
  process.exit(2);
}
const results: CaseResult[] = [];
const started = Date.now();
for (const suite of suites) results.push(...(await suite.run()));
process.stdout.write(
  `${table(results)}\n\n(${((Date.now() - started) / 1000).toFixed(1)} s, node ${process.version})\n`,
);
if (args.json !== undefined) {
  mkdirSync(dirname(args.json), { recursive: true });
  writeFileSync(
    args.json,
    `${JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2)}\n`,
  );
  process.stdout.write(`wrote ${args.json}\n`);
}
