/**
 * `frontback secret`: a fresh base64url secret of the requested size, refused below 16
 * bytes, and always strong enough for the configuration's checks.
 */
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateSecret, registerSecretCommand } from '../../../src/cli/commands/secret.ts';
import { runCli } from '../../../src/cli/run.ts';
import { secretWeakness } from '../../../src/config/secret-strength.ts';

afterEach(() => vi.restoreAllMocks());

/** Runs `frontback secret <args>`; returns what it printed and the exit code. */
async function secret(args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const program = new Command('frontback');
  registerSecretCommand(program);
  const before = process.exitCode;
  try {
    await runCli(program, ['node', 'frontback', 'secret', ...args]);
    return { stdout, stderr, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = before;
    vi.restoreAllMocks();
  }
}

describe('frontback secret', () => {
  it('prints 32 random bytes as 43 base64url characters, different each time', async () => {
    const first = await secret([]);
    const second = await secret([]);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    expect(Buffer.from(first.stdout.trim(), 'base64url')).toHaveLength(32);
    expect(second.stdout).not.toBe(first.stdout);
  });

  it.each([
    { bytes: '16', length: 22 },
    { bytes: '48', length: 64 },
  ])('--bytes $bytes prints $length characters', async ({ bytes, length }) => {
    const { stdout, exitCode } = await secret(['--bytes', bytes]);
    expect(exitCode).toBe(0);
    expect(stdout.trim()).toHaveLength(length);
    expect(Buffer.from(stdout.trim(), 'base64url')).toHaveLength(Number(bytes));
  });

  it.each(['15', '0', 'many'])('refuses --bytes %s, naming the option and the minimum', async (bytes) => {
    const { stdout, stderr, exitCode } = await secret(['--bytes', bytes]);
    expect(exitCode).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('--bytes: expected an integer from 16 to 1024');
  });

  it('what it prints passes the strength check of chosen secrets', () => {
    for (let i = 0; i < 50; i += 1) expect(secretWeakness(generateSecret())).toBeUndefined();
  });

  it('a 16-byte secret without digits, "-" or "_" passes too (mixed case: the base64url alphabet)', () => {
    const text = Buffer.from('AbCdEfGhIjKlMnOpQrStUw', 'base64url').toString('base64url');
    expect(text).toMatch(/^[A-Za-z]{22}$/);
    expect(secretWeakness(text)).toBeUndefined();
  });
});
