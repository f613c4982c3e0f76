/**
 * The program loads only the named command's module (a start pays for one command's imports),
 * and every command when none is named, so help and commander's suggestions see them all.
 */
import { describe, expect, it } from 'vitest';
import { buildProgram, COMMAND_MODULES } from '../../../src/cli/program.ts';

const names = async (argv: string[]): Promise<string[]> =>
  (await buildProgram(argv)).commands.map((c) => c.name()).sort();

describe('buildProgram', () => {
  it('with no command named, registers every command, and every command registered has a module entry', async () => {
    expect(await names([])).toEqual(Object.keys(COMMAND_MODULES).sort());
    expect(await names(['help', 'sync'])).toEqual(Object.keys(COMMAND_MODULES).sort());
    expect(await names(['synx'])).toEqual(Object.keys(COMMAND_MODULES).sort());
  });

  it("loads the named command's module alone, past global options and their values", async () => {
    expect(await names(['sync', 'contacts-partners'])).toEqual(['plan', 'sync']);
    expect(await names(['-c', 'sync', 'sandbox', 'odoo'])).toEqual(['sandbox']);
    expect(await names(['--log-format', 'json', '--config', 'x.yaml', 'audit', 'verify'])).toEqual(['audit']);
  });

  it('loads nothing for --version', async () => {
    expect(await names(['--version'])).toEqual([]);
  });
});
