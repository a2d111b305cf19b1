import { afterEach, describe, expect, it } from 'vitest';
import { generateFleet } from '../../src/simulator/index.js';
import { repeatedCalls, startStack, type Stack } from '../support/stack.js';
import { SERVER_WALK } from './expected.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const WALK = `query ($id: ID!) { server(id: $id) { ${SERVER_WALK} } }`;

describe('where time goes', () => {
  it('adds extensions.upstream when the client asks with X-Portgraph-Trace: 1', async () => {
    stack = await startStack();
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    const { body } = await stack.query(WALK, { id }, { 'X-Portgraph-Trace': '1' });
    expect(body.errors).toBeUndefined();
    const upstream = (body as any).extensions.upstream;
    expect(upstream).toMatchObject({ calls: { nova: 2, hss: 1 }, cacheHits: 0, coalesced: 0, retries: 0, failures: 0 });
    expect(upstream.timeMs).toBeGreaterThan(0);
    const plain = await stack.query(WALK, { id });
    expect((plain.body as any).extensions).toBeUndefined();
  });

  it('counts retries in the trace', async () => {
    stack = await startStack();
    stack.sim.inject('hss.ports', { status: 502, times: 1 });
    const { body } = await stack.query(WALK, { id: stack.sim.fleet.special.multiInterfaceServerId }, { 'X-Portgraph-Trace': '1' });
    expect(body.errors).toBeUndefined();
    expect((body as any).extensions.upstream).toMatchObject({ calls: { nova: 2, hss: 2 }, retries: 1 });
  });

  it('counts the prefetches made for a server that turns out not to exist', async () => {
    stack = await startStack({ simulator: { latencyMs: 20 } });
    const { body } = await stack.query(
      `{ server(id: "0000aaaa-0000-4000-8000-00000000dead") { interfaces { portId } openPorts { port } } }`,
      undefined,
      { 'X-Portgraph-Trace': '1' },
    );
    expect(body.data).toEqual({ server: null });
    const upstream = (body as any).extensions.upstream;
    // The server, its interfaces and its open ports start together; all three were sent.
    expect(upstream.calls).toEqual(stack.callCounts());
    expect(upstream.calls).toEqual({ nova: 2, hss: 1 });
  });

  it('gives every response a Server-Timing header', async () => {
    stack = await startStack();
    const { headers } = await stack.query(WALK, { id: stack.sim.fleet.special.multiInterfaceServerId });
    expect(headers.get('server-timing')).toMatch(/^total;dur=[\d.]+, upstream;dur=[\d.]+;desc="3 calls, 0 cache hits"$/);
    const refused = await stack.query(`{ servers(first: 0) { nodes { id } } }`);
    expect(refused.headers.get('server-timing')).toMatch(/upstream;dur=0;desc="0 calls/);
    const page = await fetch(stack.url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('server-timing')).toMatch(/^total;dur=/);
  });
});

describe('the cross-request cache (UPSTREAM_CACHE_TTL_MS)', () => {
  it('answers a repeated query within the TTL with zero upstream calls', async () => {
    stack = await startStack({ portgraph: { upstreamCacheTtlMs: 60_000 } });
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    const first = await stack.query(WALK, { id });
    stack.sim.clearLog();
    const again = await stack.query(WALK, { id }, { 'X-Portgraph-Trace': '1' });
    expect(again.body.data).toEqual(first.body.data);
    expect(stack.calls()).toEqual([]);
    expect((again.body as any).extensions.upstream).toMatchObject({ calls: {}, cacheHits: 3 });
  });

  it('makes one call per distinct upstream request for 50 concurrent identical queries', async () => {
    stack = await startStack({ portgraph: { upstreamCacheTtlMs: 60_000 } });
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    const answers = await Promise.all(Array.from({ length: 50 }, () => stack!.query(WALK, { id })));
    for (const { body } of answers) expect(body).toEqual(answers[0]?.body);
    expect(stack.calls().map((c) => c.route).sort()).toEqual(['hss.ports', 'nova.interfaces', 'nova.server']);
    expect(repeatedCalls(stack.calls())).toEqual([]);
  });

  it("never serves one credential's cached answer to another", async () => {
    stack = await startStack({
      simulator: { osTokens: ['token-a', 'token-b'], fleets: { 'token-b': generateFleet(42, { variant: 'b' }) } },
      portgraph: { osToken: undefined, upstreamCacheTtlMs: 60_000 },
    });
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    const name = stack.sim.fleet.servers.find((s) => s.id === id)?.name;
    const query = `query ($id: ID!) { server(id: $id) { name } }`;
    const a = await stack.query(query, { id }, { 'X-Auth-Token': 'token-a' });
    const b = await stack.query(query, { id }, { 'X-Auth-Token': 'token-b' });
    const [a2, b2] = await Promise.all([
      stack.query(query, { id }, { 'X-Auth-Token': 'token-a' }),
      stack.query(query, { id }, { 'X-Auth-Token': 'token-b' }),
    ]);
    expect([a, a2].map((r) => r.body.data)).toEqual([{ server: { name } }, { server: { name } }]);
    expect([b, b2].map((r) => r.body.data)).toEqual([{ server: { name: `b-${name}` } }, { server: { name: `b-${name}` } }]);
    expect(stack.calls().map((c) => c.credential)).toEqual(['token-a', 'token-b']);
  });

  it('never keeps an error', async () => {
    stack = await startStack({ portgraph: { upstreamCacheTtlMs: 60_000 } });
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    stack.sim.inject('hss.ports', { status: 500, times: 1 });
    const failed = await stack.query(`query ($id: ID!) { server(id: $id) { openPorts { port } } }`, { id });
    expect(failed.body.errors?.[0]?.extensions?.['code']).toBe('UPSTREAM_UNAVAILABLE');
    const next = await stack.query(`query ($id: ID!) { server(id: $id) { openPorts { port } } }`, { id });
    expect(next.body.errors).toBeUndefined();
    expect(stack.calls('hss')).toHaveLength(2);
  });
});
