/**
 * The configuration of bounded intake: `inbox.retention` (a duration, `7d` by default, days
 * accepted) and `connections.<name>.webhook.rateLimit` (deliveries per second, 200 by
 * default), each refused with its path when out of range.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'frontback-intake-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(text: string) {
  writeFileSync(join(dir, 'frontback.yaml'), text);
  return loadConfig({ file: 'frontback.yaml', env: {}, cwd: dir });
}

const HUBSPOT = 'connections:\n  hubspot:\n    kind: hubspot\n    auth: { type: bearer, token: t }\n';

describe('inbox.retention', () => {
  it.each([
    ['', 7 * 86_400_000],
    ['inbox:\n  retention: 12h\n', 12 * 3_600_000],
    ['inbox:\n  retention: 30d\n', 30 * 86_400_000],
    ['inbox:\n  retention: 90m\n', 90 * 60_000],
  ])('%j -> %i ms', (yaml, ms) => {
    expect(load(yaml).inbox.retentionMs).toBe(ms);
  });

  it.each(['soon', '0d', '7 days', '-1d'])('refuses %j naming inbox.retention', (value) => {
    expect(() => load(`inbox:\n  retention: "${value}"\n`)).toThrow(/inbox\.retention[\s\S]*7d/);
  });
});

describe('connections.<name>.webhook.rateLimit', () => {
  it('defaults to 200 deliveries per second; takes an integer', () => {
    expect(load(`${HUBSPOT}    webhook: { secret: s }\n`).connections['hubspot']?.webhook?.rateLimit).toBe(200);
    expect(
      load(`${HUBSPOT}    webhook: { secret: s, rateLimit: 50 }\n`).connections['hubspot']?.webhook?.rateLimit,
    ).toBe(50);
  });

  it.each([
    ['0', 'must be at least 1'],
    ['-5', 'must be at least 1'],
    ['1.5', 'expected an integer; got 1.5'],
    ['fast', 'expected an integer; got "fast"'],
  ])('refuses rateLimit %s with its path and what is wrong', (value, problem) => {
    expect(() => load(`${HUBSPOT}    webhook: { secret: s, rateLimit: ${value} }\n`)).toThrow(
      `connections.hubspot.webhook.rateLimit: ${problem}`,
    );
  });
});
