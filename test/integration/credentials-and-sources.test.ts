import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_OS_TOKEN } from '../../src/simulator/index.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('credentials', () => {
  it("uses the caller's own X-Auth-Token for its request instead of the configured one", async () => {
    stack = await startStack({ simulator: { osTokens: [DEMO_OS_TOKEN, 'caller-token'] } });
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    await stack.query(`query ($id: ID!) { server(id: $id) { id openPorts { port } } }`, { id }, { 'X-Auth-Token': 'caller-token' });
    expect(stack.calls().map((c) => c.credential)).toEqual(['caller-token', 'caller-token']);
    stack.sim.clearLog();
    await stack.query(`query ($id: ID!) { server(id: $id) { id } }`, { id });
    expect(stack.calls().map((c) => c.credential)).toEqual([DEMO_OS_TOKEN]);
  });
});

describe('an unconfigured source', () => {
  it('answers its fields with SOURCE_NOT_CONFIGURED naming it, and the rest keeps working', async () => {
    stack = await startStack({ portgraph: { hssUrl: undefined, zstackUrl: undefined } });
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    const { body } = await stack.query(
      `query ($id: ID!) { server(id: $id) { id interfaces { portId } openPorts { port } } vip(id: "abc") { usedPorts(protocol: UDP) { start } } }`,
      { id },
    );
    expect((body.data).server.interfaces.length).toBeGreaterThan(0);
    expect((body.data).server.openPorts).toBeNull();
    const byPath = Object.fromEntries((body.errors ?? []).map((e) => [e.path?.join('.'), e.extensions]));
    expect(byPath['server.openPorts']).toMatchObject({ code: 'SOURCE_NOT_CONFIGURED', source: 'hss' });
    expect(byPath['vip.usedPorts']).toMatchObject({ code: 'SOURCE_NOT_CONFIGURED', source: 'zstack' });
    expect(stack.calls('hss')).toEqual([]);
  });
});

describe('a failing root field', () => {
  it('loses only its own data, and every failing root keeps its error', async () => {
    stack = await startStack({ portgraph: { hssUrl: undefined, vpcUrl: undefined } });
    const { status, body } = await stack.query(
      `{ servers(first: 3) { nodes { id } } openPortStatistics { totalCount } ports(first: 2) { nodes { id } } }`,
    );
    expect(status).toBe(200);
    expect(body.data).toEqual({
      servers: { nodes: stack.sim.fleet.servers.slice(0, 3).map((s) => ({ id: s.id })) },
      openPortStatistics: null,
      ports: null,
    });
    const byPath = Object.fromEntries((body.errors ?? []).map((e) => [e.path?.join('.'), e.extensions]));
    expect(byPath).toEqual({
      openPortStatistics: expect.objectContaining({ code: 'SOURCE_NOT_CONFIGURED', source: 'hss' }),
      ports: expect.objectContaining({ code: 'SOURCE_NOT_CONFIGURED', source: 'vpc' }),
    });
    expect(stack.callCounts()).toEqual({ nova: 1 });
  });
});
