// Servers paged past Nova's page cap, and the devices of a subnet's ports: a port's device is asked
// about at HSS only when Nova says it is a server, and hundreds of devices cost one walk of Nova's
// list, not one lookup (mostly a 404) each.
import { afterEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('Query.servers under a Nova page cap', () => {
  it('pages on until first is filled, and tells whether more follow', async () => {
    stack = await startStack({ simulator: { novaMaxLimit: 10 } });
    const fleet = stack.sim.fleet.servers.map((s) => s.id);
    const query = `query ($after: String) { servers(first: 25, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`;
    const first = await stack.query(query);
    const page = (first.body.data).servers;
    expect(page.nodes.map((s: { id: string }) => s.id)).toEqual(fleet.slice(0, 25));
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(stack.calls('nova').map((c) => c.query['limit'])).toEqual(['26', '16', '6']);

    const ids: string[] = page.nodes.map((s: { id: string }) => s.id);
    let after: string | null = page.pageInfo.endCursor;
    while (after !== null) {
      const next = (await stack.query(query, { after })).body.data;
      ids.push(...next.servers.nodes.map((s: { id: string }) => s.id));
      after = next.servers.pageInfo.hasNextPage ? next.servers.pageInfo.endCursor : null;
    }
    expect(ids).toEqual(fleet);
  });

  it('reads the whole fleet for first: 1000 in pages of the cap', async () => {
    stack = await startStack({ simulator: { novaMaxLimit: 10 } });
    const { body } = await stack.query(`{ servers(first: 1000) { nodes { id } pageInfo { hasNextPage } } }`);
    expect((body.data).servers.nodes).toHaveLength(stack.sim.fleet.servers.length);
    expect((body.data).servers.pageInfo.hasNextPage).toBe(false);
    expect(stack.calls('nova')).toHaveLength(Math.ceil(stack.sim.fleet.servers.length / 10));
  });
});

describe("a subnet's ports and their devices", () => {
  const PORTS = (selection: string) => `query ($id: ID!) { subnet(id: $id) { ports(first: 1000) { nodes { id deviceId ${selection} } } } }`;

  it('asks HSS about a port only once Nova says its device is a server', async () => {
    stack = await startStack();
    const { sim } = stack;
    const query = `query ($id: ID!, $after: String) { subnet(id: $id) { ports(first: 1000, after: $after) {
      nodes { id deviceId fixedIps { ipAddress openPorts { port } } } pageInfo { hasNextPage endCursor } } } }`;
    const nodes: { deviceId: string | null; fixedIps: { openPorts: unknown[] }[] }[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const { body }: { body: { errors?: unknown[]; data?: any } } = await stack.query(query, { id: sim.fleet.special.bigSubnetId, after });
      expect(body.errors).toBeUndefined();
      const ports: { nodes: typeof nodes; pageInfo: { hasNextPage: boolean; endCursor: string } } = body.data.subnet.ports;
      nodes.push(...ports.nodes);
      after = ports.pageInfo.hasNextPage ? ports.pageInfo.endCursor : null;
      pages++;
    } while (after !== null);
    const servers = new Set(sim.fleet.servers.map((s) => s.id));
    const onServers = [...new Set(nodes.map((n) => n.deviceId).filter((d): d is string => d !== null && servers.has(d)))];
    expect(onServers.length).toBeGreaterThan(0);
    const onDesktops = nodes.filter((n) => n.deviceId !== null && !servers.has(n.deviceId));
    expect(onDesktops.length).toBeGreaterThan(500);
    expect(onDesktops.every((n) => n.fixedIps.every((ip) => ip.openPorts.length === 0))).toBe(true);
    expect(stack.calls('hss').map((c) => c.query['host_id']).sort()).toEqual(onServers.sort());
    // Hundreds of devices a page: one walk of Nova's server list each.
    expect(stack.calls('nova').map((c) => c.route)).toEqual(Array.from({ length: pages }, () => 'nova.servers.detail'));
  });

  it("names the ports' servers from one walk of Nova's list, and logs no warning for devices Nova does not know", async () => {
    stack = await startStack();
    const { sim } = stack;
    const { body } = await stack.query(PORTS('server { id name }'), { id: sim.fleet.special.bigSubnetId });
    expect(body.errors).toBeUndefined();
    const nodes = (body.data).subnet.ports.nodes as { deviceId: string | null; server: { id: string; name: string } | null }[];
    const byId = new Map(sim.fleet.servers.map((s) => [s.id, s.name]));
    for (const node of nodes) {
      const name = node.deviceId === null ? undefined : byId.get(node.deviceId);
      expect(node.server).toEqual(name === undefined ? null : { id: node.deviceId, name });
    }
    expect(stack.calls('nova').map((c) => c.route)).toEqual(['nova.servers.detail']);
    expect(stack.logs.filter((line) => JSON.parse(line).level >= 40)).toEqual([]);
  });

  it('looks a few servers up one call each', async () => {
    stack = await startStack();
    const ports = stack.sim.fleet.ports.filter((p) => stack?.sim.fleet.servers.some((s) => s.id === p.device_id)).slice(0, 3);
    const { body } = await stack.query(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Port { server { name } } } }`, {
      r: ports.map((p) => ({ __typename: 'Port', id: p.id })),
    });
    expect(body.errors).toBeUndefined();
    expect(stack.calls('nova').map((c) => c.route)).toEqual(['nova.server', 'nova.server', 'nova.server']);
  });
});
