/** Running the real `frontback` binary from tests, as a user would. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from './env.ts';

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Output of one run of the binary. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `bin/frontback.js args...` from the project root; FRONTBACK_CONFIG is cleared. */
export function runFrontback(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(projectRoot, 'bin/frontback.js'), ...args], {
      cwd: projectRoot,
      env: { ...process.env, FRONTBACK_CONFIG: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A long-running `frontback` process (e.g. `serve`) started from a test. */
export interface RunningFrontback {
  /** Everything printed so far, stdout and stderr. */
  output(): string;
  /** Waits until the output contains `text` (or `timeoutMs` passes; then returns false). */
  waitFor(text: string, timeoutMs?: number): Promise<boolean>;
  /** Sends `signal` and answers the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `bin/frontback.js args...` in the background; FRONTBACK_CONFIG is cleared. */
export function startFrontback(args: readonly string[], env: Record<string, string> = {}): RunningFrontback {
  const child = spawn(process.execPath, [join(projectRoot, 'bin/frontback.js'), ...args], {
    cwd: projectRoot,
    env: { ...process.env, FRONTBACK_CONFIG: '', ...env },
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    output: () => output,
    async waitFor(text, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!output.includes(text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return output.includes(text);
    },
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
