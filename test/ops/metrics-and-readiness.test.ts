import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_OS_TOKEN, DEMO_ZSTACK_SESSION } from '../../src/simulator/index.js';
import { startStack, type Stack } from '../support/stack.js';
import { postQuery, samples, send, WALK } from './support.js';

const stacks: Stack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((stack) => stack.close()));
});
async function stackWith(options: Parameters<typeof startStack>[0] = {}): Promise<Stack> {
  const stack = await startStack(options);
  stacks.push(stack);
  return stack;
}

const scrape = async (stack: Stack) => (await send(`${stack.origin}/metrics`)).text;
const readyz = async (stack: Stack) => JSON.parse((await send(`${stack.origin}/readyz`)).text);
const sum = (found: Map<string, number>) => [...found.values()].reduce((a, b) => a + b, 0);

describe('/metrics', () => {
  it('counts one server walk: its GraphQL request, and each upstream call the simulated cloud received', async () => {
    const stack = await stackWith();
    const before = await scrape(stack);
    stack.sim.clearLog();

    const { status } = await postQuery(stack.url, WALK, { id: stack.sim.fleet.special.multiInterfaceServerId });
    expect(status).toBe(200);
    expect(stack.callCounts()).toEqual({ nova: 2, hss: 1 });

    const after = await scrape(stack);
    const calls = samples(after, 'portgraph_upstream_calls_total');
    expect(calls.get('{source="nova",outcome="ok"}')).toBe(2);
    expect(calls.get('{source="hss",outcome="ok"}')).toBe(1);
    expect(sum(calls)).toBe(3);
    const callCounts = samples(after, 'portgraph_upstream_call_duration_seconds_count');
    expect(callCounts.get('{source="nova"}')).toBe(2);
    expect(callCounts.get('{source="hss"}')).toBe(1);

    const requests = (text: string) => sum(samples(text, 'portgraph_graphql_requests_total'));
    expect(requests(after) - requests(before)).toBe(1);
    expect(samples(after, 'portgraph_graphql_requests_total').get('{status="200"}')).toBe(1);
    expect(samples(after, 'portgraph_graphql_request_duration_seconds_count').get('')).toBe(1);

    for (const secret of [stack.sim.url, DEMO_OS_TOKEN, DEMO_ZSTACK_SESSION]) expect(after).not.toContain(secret);
  });

  it('counts a failed attempt by its outcome', async () => {
    const stack = await stackWith({ portgraph: { http: { retry: { maxAttempts: 1 } } } });
    stack.sim.inject('hss.ports', { status: 500 });
    await postQuery(stack.url, WALK, { id: stack.sim.fleet.special.multiInterfaceServerId });
    const calls = samples(await scrape(stack), 'portgraph_upstream_calls_total');
    expect(calls.get('{source="hss",outcome="error"}')).toBe(1);
    expect(calls.get('{source="nova",outcome="ok"}')).toBe(2);
  });

  it('keeps each portgraph instance to its own registry', async () => {
    const [busy, idle] = await Promise.all([stackWith(), stackWith()]);
    await postQuery(busy.url, WALK, { id: busy.sim.fleet.special.multiInterfaceServerId });
    expect(sum(samples(await scrape(busy), 'portgraph_upstream_calls_total'))).toBe(3);
    expect(sum(samples(await scrape(idle), 'portgraph_upstream_calls_total'))).toBe(0);
    expect(sum(samples(await scrape(idle), 'portgraph_graphql_requests_total'))).toBe(0);
  });
});

describe('/readyz', () => {
  it('tells each source apart: configured or not, and its last call', async () => {
    const stack = await stackWith({ portgraph: { zstackUrl: undefined } });
    const fresh = await readyz(stack);
    expect(fresh.sources.zstack).toEqual({ configured: false, breaker: 'closed', lastCall: null });
    expect(fresh.sources.nova).toEqual({ configured: true, breaker: 'closed', lastCall: null });

    await postQuery(stack.url, WALK, { id: stack.sim.fleet.special.multiInterfaceServerId });
    const { sources } = await readyz(stack);
    expect(sources.nova.lastCall.outcome).toBe('ok');
    expect(sources.hss.lastCall.outcome).toBe('ok');
    expect(new Date(sources.nova.lastCall.at).toISOString()).toBe(sources.nova.lastCall.at);
    expect(sources.vpc.lastCall).toBeNull();
  });

  it('reports a refused credential and an open breaker, and stays ready: a failing upstream fails only its own fields', async () => {
    const stack = await stackWith({ portgraph: { http: { retry: { maxAttempts: 1 }, breaker: { failureThreshold: 1 } } } });
    stack.sim.inject('hss.ports', { status: 401 });
    stack.sim.inject('nova.server', { status: 503 });
    await postQuery(stack.url, WALK, { id: stack.sim.fleet.special.multiInterfaceServerId });
    const { status, text } = await send(`${stack.origin}/readyz`);
    expect(status).toBe(200);
    const { sources } = JSON.parse(text);
    expect(sources.hss.lastCall.outcome).toBe('UNAUTHENTICATED');
    expect(sources.hss.breaker).toBe('closed');
    expect(sources.nova.breaker).toBe('open');
    expect(text).not.toMatch(/https?:\/\//);
  });
});
