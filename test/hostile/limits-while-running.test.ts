// What a request may cost is counted while it runs: calls as they are sent (extra pages included)
// and result nodes as their fields resolve. Passing either stops the request with
// RESPONSE_TOO_LARGE; its calls not yet sent are never sent.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const OPEN_PORTS = `{ servers(first: 64) { nodes { id openPorts { port } } } }`;

describe('limits counted while a request runs', () => {
  it('stops a request whose extra pages take it past MAX_UPSTREAM_CALLS, after sending no more than that', async () => {
    // Estimated at 65 calls (a server page, a first HSS page per server); the 450-port server needs two pages more.
    stack = await startStack({ portgraph: { limits: { ...DEFAULT_LIMITS, maxUpstreamCalls: 66 } } });
    const { body } = await stack.query(OPEN_PORTS);
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'RESPONSE_TOO_LARGE', maxUpstreamCalls: 66, upstreamCalls: 66 });
    expect(stack.calls().length).toBeLessThanOrEqual(66);
  });

  it('answers the same request in full when the limit allows its extra pages', async () => {
    stack = await startStack({ portgraph: { limits: { ...DEFAULT_LIMITS, maxUpstreamCalls: 67 } } });
    const { body } = await stack.query(OPEN_PORTS);
    expect(body.errors).toBeUndefined();
    expect((body.data).servers.nodes).toHaveLength(64);
    expect(stack.calls()).toHaveLength(67);
  });

  it('refuses before any call what is estimated over MAX_UPSTREAM_CALLS, with the estimate', async () => {
    stack = await startStack({ portgraph: { limits: { ...DEFAULT_LIMITS, maxUpstreamCalls: 64 } } });
    const { body } = await stack.query(OPEN_PORTS);
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions).toEqual({
      code: 'QUERY_TOO_EXPENSIVE',
      estimatedCalls: 65,
      estimatedBySource: { nova: 1, vpc: 0, hss: 64, zstack: 0 },
      maxUpstreamCalls: 64,
    });
    expect(stack.calls()).toEqual([]);
  });

  it('stops an answer that grows past MAX_RESPONSE_NODES, and answers smaller ones', async () => {
    stack = await startStack({ portgraph: { limits: { ...DEFAULT_LIMITS, maxResponseNodes: 3000 } } });
    const { body } = await stack.query(`{ servers(first: 64) { nodes { id openPorts { port protocol listenAddress } } } }`);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'RESPONSE_TOO_LARGE', maxResponseNodes: 3000 });
    expect(body.errors?.[0]?.extensions?.['resultNodes']).toBeGreaterThan(3000);
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    const small = await stack.query(`query ($id: ID!) { server(id: $id) { name interfaces { portId } openPorts { port } } }`, { id });
    expect(small.body.errors).toBeUndefined();
  });
});
