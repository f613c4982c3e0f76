import { request } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock, systemClock, type SandboxClock } from '../../../../src/connector/sandbox/clock.ts';
import { registerSandboxKit, type SandboxKit } from '../../../../src/connector/sandbox/kit.ts';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function build(
  clock: SandboxClock = new ManualClock(1_000),
  onReset?: (o: { data: boolean }) => void,
): Promise<{ app: FastifyInstance; kit: SandboxKit }> {
  app = Fastify();
  const kit = registerSandboxKit(app, {
    name: 'test',
    clock,
    errorBody: (status) => ({ injected: status }),
    ...(onReset ? { onReset } : {}),
    state: () => ({ extra: 1 }),
  });
  app.get('/things', async () => ({ ok: true }));
  app.post('/things', async (request, reply) => {
    kit.recordWrite(request);
    if (kit.afterCommit(request, reply)) return reply;
    return reply.code(201).send({ created: true });
  });
  await app.ready();
  return { app, kit };
}

describe('ManualClock', () => {
  it('moves only when told', () => {
    const c = new ManualClock(100);
    expect(c.now()).toBe(100);
    c.advance(50);
    expect(c.now()).toBe(150);
    c.set(10);
    expect(c.now()).toBe(10);
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(1000);
  });
});

describe('sandbox kit', () => {
  it('counts vendor requests and writes per route pattern, not control requests', async () => {
    const { app: a } = await build();
    await a.inject({ method: 'GET', url: '/things' });
    await a.inject({ method: 'POST', url: '/things' });
    const stats = (await a.inject({ method: 'GET', url: '/_sandbox/stats' })).json();
    expect(stats).toMatchObject({
      name: 'test',
      extra: 1,
      requests: { 'GET /things': 1, 'POST /things': 1 },
      writes: { 'POST /things': 1 },
    });
  });

  it('answers the next N requests 503 with the vendor body, then recovers', async () => {
    const { app: a, kit } = await build();
    const put = await a.inject({ method: 'PUT', url: '/_sandbox/faults', payload: { burst5xx: 2 } });
    expect(put.json()).toMatchObject({ burst5xx: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await a.inject({ method: 'GET', url: '/things' })).statusCode);
    expect(statuses).toEqual([503, 503, 200]);
    expect(kit.faults.burst5xx).toBe(0);
    expect((await a.inject({ method: 'PUT', url: '/_sandbox/faults', payload: { burst5xx: 1 } })).statusCode).toBe(200);
    expect((await a.inject({ method: 'GET', url: '/things' })).json()).toEqual({ injected: 503 });
  });

  it('errorRate 1 answers every request 500', async () => {
    const { app: a } = await build();
    await a.inject({ method: 'PUT', url: '/_sandbox/faults', payload: { errorRate: 1 } });
    const res = await a.inject({ method: 'GET', url: '/things' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ injected: 500 });
  });

  it.each([
    [{ errorRate: 2 }],
    [{ burst5xx: -1 }],
    [{ nope: 1 }],
    [{ latencyMs: 'x' }],
    [{ holdAfterCommit: { count: 1 } }],
    [{ holdAfterCommit: { count: 1, ms: -1 } }],
    [{ holdAfterCommit: { count: 1, ms: 5, x: 1 } }],
  ])('refuses bad fault input %j with 400', async (payload) => {
    const { app: a } = await build();
    expect((await a.inject({ method: 'PUT', url: '/_sandbox/faults', payload })).statusCode).toBe(400);
  });

  it('drops the connection after a committed write, and counts the write', async () => {
    const { app: a } = await build();
    await a.inject({ method: 'PUT', url: '/_sandbox/faults', payload: { dropAfterCommit: 1 } });
    await expect(a.inject({ method: 'POST', url: '/things' })).rejects.toThrow();
    const next = await a.inject({ method: 'POST', url: '/things' });
    expect(next.statusCode).toBe(201);
    expect((await a.inject({ method: 'GET', url: '/_sandbox/stats' })).json().writes['POST /things']).toBe(2);
  });

  it('commits the next N writes and holds their answers back, then answers at once again', async () => {
    const { app: a, kit } = await build();
    const put = await a.inject({
      method: 'PUT',
      url: '/_sandbox/faults',
      payload: { holdAfterCommit: { count: 1, ms: 300 } },
    });
    expect(put.json()).toMatchObject({ holdAfterCommit: { count: 1, ms: 300 } });
    const started = Date.now();
    const answer = a.inject({ method: 'POST', url: '/things' });
    // Committed while the answer is held.
    await vi.waitFor(() => expect(kit.counters().writes['POST /things']).toBe(1));
    expect(kit.faults.holdAfterCommit).toEqual({ count: 0, ms: 300 });
    expect((await answer).statusCode).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const again = Date.now();
    expect((await a.inject({ method: 'POST', url: '/things' })).statusCode).toBe(201);
    expect(Date.now() - again).toBeLessThan(250);
    // Reads are never held.
    await a.inject({ method: 'PUT', url: '/_sandbox/faults', payload: { holdAfterCommit: { count: 1, ms: 300 } } });
    const read = Date.now();
    await a.inject({ method: 'GET', url: '/things' });
    expect(Date.now() - read).toBeLessThan(250);
    expect(kit.faults.holdAfterCommit.count).toBe(1);
  });

  it('ends a hold when the client goes away, and leaves initial faults as given', async () => {
    const initial = { holdAfterCommit: { count: 1, ms: 60_000 } };
    app = Fastify();
    const kit = registerSandboxKit(app, {
      name: 'test',
      clock: new ManualClock(0),
      errorBody: () => ({}),
      faults: initial,
    });
    const sent: number[] = [];
    app.post('/things', async (request, reply) => {
      kit.recordWrite(request);
      if (kit.afterCommit(request, reply)) return reply;
      return reply.code(201).send({ created: true });
    });
    // Runs after the kit's hold ends.
    app.addHook('onSend', async () => {
      sent.push(Date.now());
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    // A client that dies waiting (its socket closes, as a killed process's does).
    const client = request(`${url}/things`, { method: 'POST' });
    const hungUp = new Promise((resolve) => client.once('error', resolve));
    client.end();
    await vi.waitFor(() => expect(kit.counters().writes['POST /things']).toBe(1));
    const gone = Date.now();
    client.destroy();
    await hungUp;
    await vi.waitFor(() => expect(sent).toHaveLength(1), { timeout: 5_000 });
    expect(sent[0]! - gone).toBeLessThan(5_000);
    expect(initial.holdAfterCommit.count).toBe(1);
  });

  it('reset clears counters and faults and passes data to onReset', async () => {
    const calls: boolean[] = [];
    const { app: a, kit } = await build(new ManualClock(0), (o) => calls.push(o.data));
    await a.inject({ method: 'GET', url: '/things' });
    kit.faults.latencyMs = 5;
    kit.faults.holdAfterCommit = { count: 2, ms: 100 };
    await a.inject({ method: 'POST', url: '/_sandbox/reset', payload: { data: true } });
    expect(kit.counters().requests).toEqual({});
    expect(kit.faults.latencyMs).toBe(0);
    expect(kit.faults.holdAfterCommit).toEqual({ count: 0, ms: 0 });
    expect(calls).toEqual([true]);
  });

  it('moves a manual clock and refuses with 409 on the system clock', async () => {
    const clock = new ManualClock(1_000);
    const { app: a } = await build(clock);
    await a.inject({ method: 'POST', url: '/_sandbox/clock', payload: { advanceMs: 500 } });
    expect(clock.now()).toBe(1_500);
    await a.inject({ method: 'POST', url: '/_sandbox/clock', payload: { setMs: 42 } });
    expect(clock.now()).toBe(42);
    await app?.close();
    const { app: b } = await build(systemClock);
    expect((await b.inject({ method: 'POST', url: '/_sandbox/clock', payload: { advanceMs: 1 } })).statusCode).toBe(
      409,
    );
  });
});
