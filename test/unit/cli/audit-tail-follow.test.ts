import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { auditTail } from '../../../src/cli/commands/audit.ts';
import { createStore } from '../../../src/store/sql/create-store.ts';

describe('audit tail --follow', () => {
  it('prints entries appended after it started, then stops when aborted', async () => {
    const store = await createStore({ url: ':memory:' });
    await store.audit.append({ action: 'applied', actor: 'poll', crmId: 'c1' });
    let text = '';
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        text += chunk.toString();
        done();
      },
    });
    const controller = new AbortController();
    const following = auditTail(store, out, { n: 5, follow: true, intervalMs: 10, signal: controller.signal });
    await store.audit.appendMany([
      { action: 'skipped', actor: 'webhook', crmId: 'c2', rule: 'echo' },
      { action: 'failed', actor: 'poll', crmId: 'c3' },
    ]);
    await expect.poll(() => text.split('\n').filter(Boolean).length, { timeout: 5000 }).toBe(3);
    controller.abort();
    await following;
    expect(text).toMatch(
      /^#1 .* applied poll crm:c1\n#2 .* skipped webhook crm:c2 rule=echo\n#3 .* failed poll crm:c3\n$/,
    );
    await store.close();
  });
});
