/**
 * The log format a command uses (--log-format, then logging.format / FRONTBACK_LOG_FORMAT,
 * then pretty on a terminal and JSON otherwise), and what the pretty format writes.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { chooseLogFormat } from '../../../src/cli/log-format.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { ConfigError } from '../../../src/errors.ts';
import { createLogger } from '../../../src/observability/logger.ts';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, stream };
}

describe('chooseLogFormat', () => {
  const cases: [string, Parameters<typeof chooseLogFormat>[0], 'pretty' | 'json'][] = [
    ['a terminal, nothing said', { isTTY: true }, 'pretty'],
    ['piped, nothing said', { isTTY: false }, 'json'],
    ['no stream facts', {}, 'json'],
    ['configured json on a terminal', { configured: 'json', isTTY: true }, 'json'],
    ['configured pretty when piped', { configured: 'pretty', isTTY: false }, 'pretty'],
    ['the flag over the configuration', { flag: 'json', configured: 'pretty', isTTY: true }, 'json'],
    ['the flag when piped', { flag: 'pretty', isTTY: false }, 'pretty'],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(chooseLogFormat(input)).toBe(expected);
  });

  it('refuses a format it does not know, naming the choices', () => {
    expect(() => chooseLogFormat({ flag: 'yaml' })).toThrow('--log-format must be one of pretty, json; got "yaml"');
  });
});

describe('FRONTBACK_LOG_FORMAT', () => {
  it('sets logging.format, as FRONTBACK_LOG_LEVEL sets logging.level', () => {
    const config = loadConfig({ env: { FRONTBACK_LOG_FORMAT: 'pretty', FRONTBACK_LOG_LEVEL: 'warn' }, cwd: '/' });
    expect(config.logging).toEqual({ level: 'warn', format: 'pretty' });
    expect(config.source.envOverrides).toEqual(['FRONTBACK_LOG_LEVEL', 'FRONTBACK_LOG_FORMAT']);
    expect(loadConfig({ env: {}, cwd: '/' }).logging.format).toBeUndefined();
  });

  it('is checked, and a bad value is reported against the variable', () => {
    let error: unknown;
    try {
      loadConfig({ env: { FRONTBACK_LOG_FORMAT: 'yaml' }, cwd: '/' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(
      'env FRONTBACK_LOG_FORMAT logging.format: expected one of pretty, json',
    );
  });
});

describe('createLogger format pretty', () => {
  it('writes one line of text per record: level, message, fields; no colours unless asked; secrets still redacted', () => {
    const { lines, stream } = capture();
    const log = createLogger({ format: 'pretty', destination: stream });
    log.warn({ connection: 'hubspot', token: 'fb-secret-1234' }, 'request failed; retrying');
    expect(lines).toHaveLength(1);
    const line = lines[0] ?? '';
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\] WARN: request failed; retrying \{.*"connection":"hubspot".*\}\n$/);
    expect(line).not.toContain('fb-secret-1234');
    expect(line).not.toContain('\u001b[');
    expect(() => JSON.parse(line) as unknown).toThrow();
  });

  it('colours on request (a terminal)', () => {
    const { lines, stream } = capture();
    createLogger({ format: 'pretty', colors: true, destination: stream }).error('boom');
    expect(lines[0]).toContain('\u001b[');
  });

  it('json stays the default', () => {
    const { lines, stream } = capture();
    createLogger({ destination: stream }).info({ a: 1 }, 'hello');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ msg: 'hello', a: 1, level: 30 });
  });
});
