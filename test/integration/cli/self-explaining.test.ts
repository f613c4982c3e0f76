/**
 * The command line as a newcomer meets it: `--version`, `-c` in every subcommand's help,
 * `validate` without any configuration (one line on how to get one, from a folder with
 * none), and the log output of `serve`: JSON lines that all parse when piped, readable
 * text (colourless off a terminal) with FRONTBACK_LOG_FORMAT=pretty.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runFrontback, startFrontback, type CliRun } from '../../support/cli.ts';
import { projectRoot } from '../../support/env.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontback-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the binary from `cwd` (not the project root). */
function runIn(cwd: string, args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(projectRoot, 'bin/frontback.js'), ...args], {
      cwd,
      env: { ...process.env, FRONTBACK_CONFIG: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a command line that explains itself', () => {
  it('--version prints the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    const run = await runFrontback(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
  }, 30_000);

  it("a subcommand's help shows the global options: -c, --config and --log-format", async () => {
    const run = await runFrontback(['sync', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('-c, --config <file>');
    expect(run.stdout).toContain('--log-format <format>');
    expect(run.stdout).toContain('--show <n>');
  }, 30_000);

  it('validate without a configuration says in one line how to get one, and exits 1', async () => {
    const run = await runIn(dir, ['validate']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'frontback: no configuration: pass -c config/demo.yaml (the demo, on the sandboxes: npm run demo), or copy ' +
        'config/frontback.example.yaml to config/frontback.yaml (read by default) and fill in your connections\n',
    );
  }, 30_000);
});

describe('serve logs', () => {
  async function serve(env: Record<string, string>): Promise<string> {
    const port = await freePort();
    const config = join(dir, `serve-${port}.yaml`);
    writeFileSync(
      config,
      `store: { url: ${JSON.stringify(join(dir, `serve-${port}.db`))} }\nserver: { port: ${port} }\n`,
    );
    const proc = startFrontback(['serve', '-c', config], env);
    expect(await proc.waitFor(`listening on http://127.0.0.1:${port}`), proc.output()).toBe(true);
    expect(await proc.stop('SIGTERM')).toBe(0);
    return proc.output();
  }

  it('piped, by default: every line of stdout is a JSON record, the announcements included; stopped as soon as it says it listens', async () => {
    const port = await freePort();
    const config = join(dir, `json-${port}.yaml`);
    writeFileSync(
      config,
      `store: { url: ${JSON.stringify(join(dir, `json-${port}.db`))} }\nserver: { port: ${port} }\n`,
    );
    // The process pauses 300 ms right after saying it listens (the preload), while this test sends
    // SIGTERM as soon as it reads the line: the handler must be in place before the line is written.
    const pause = pathToFileURL(join(projectRoot, 'test/fixtures/preload/pause-after-listening.mjs')).href;
    const args = ['--import', pause, join(projectRoot, 'bin/frontback.js'), 'serve', '-c', config];
    const child = spawn(process.execPath, args, {
      cwd: projectRoot,
      env: { ...process.env, FRONTBACK_CONFIG: '', FRONTBACK_LOG_FORMAT: '' },
    });
    let stdout = '';
    let stopped = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stopped || !stdout.includes('listening on')) return;
      stopped = true;
      child.kill('SIGTERM');
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('close', (c, s) => resolve([c, s])),
    );
    expect({ code, signal }, `stdout:\n${stdout}\nstderr:\n${stderr}`).toEqual({ code: 0, signal: null });
    const records = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.find((r) => r.msg === `frontback serve listening on http://127.0.0.1:${port}`)).toMatchObject({
      url: `http://127.0.0.1:${port}`,
      store: 'sqlite',
      webhooks: [],
    });
    expect(records.at(-1)).toMatchObject({ msg: 'frontback serve stopped' });
  }, 60_000);

  it('FRONTBACK_LOG_FORMAT=pretty: text for people, no JSON, no colours when piped', async () => {
    const output = await serve({ FRONTBACK_LOG_FORMAT: 'pretty' });
    expect(output).toMatch(
      /^frontback serve listening on http:\/\/127\.0\.0\.1:\d+ \(store: sqlite\)\n {2}webhooks: /m,
    );
    expect(output).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: store open /m);
    expect(output).not.toContain('{"level"');
    expect(output).not.toContain('\u001b[');
  }, 60_000);
});
