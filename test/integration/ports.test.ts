import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { repeatedCalls, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.sim.clearLog());

async function pageAll(query: string, pick: (data: any) => any, variables: Record<string, unknown> = {}) {
  const ids: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 50; page++) {
    const { body } = await stack.query(query, { ...variables, after });
    expect(body.errors).toBeUndefined();
    const connection = pick(body.data);
    ids.push(...connection.nodes.map((n: { id: string }) => n.id));
    expect(connection.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(connection.nodes.map((n: { id: string }) => n.id));
    if (!connection.pageInfo.hasNextPage) return ids;
    after = connection.pageInfo.endCursor;
  }
  throw new Error('paging did not end');
}

describe('ports of a subnet with more than 2000 ports', () => {
  it('pages Subnet.ports with cursors to the last port, one upstream call per page', async () => {
    const fleet = stack.sim.fleet;
    const subnetId = fleet.special.bigSubnetId;
    const expected = fleet.ports.filter((p) => p.fixed_ips?.some((f) => f.subnet_id === subnetId)).map((p) => p.id);
    expect(expected.length).toBeGreaterThan(2000);

    const ids = await pageAll(
      `query ($id: ID!, $after: String) { subnet(id: $id) { id ports(first: 1000, after: $after) { edges { cursor node { id } } nodes { id } pageInfo { hasNextPage endCursor } } } }`,
      (data) => data.subnet.ports,
      { id: subnetId },
    );
    expect(ids).toEqual(expected);
    const calls = stack.calls('vpc');
    expect(calls).toHaveLength(Math.ceil(expected.length / 1000));
    expect(calls.map((c) => c.query['marker'])).toEqual([undefined, expected[999], expected[1999]].slice(0, calls.length));
    expect(calls.every((c) => c.query['subnet_id'] === subnetId && c.query['limit'] === '1001')).toBe(true);
    expect(repeatedCalls(calls)).toEqual([]);
  });

  it('pages ports(filter:) the same way and passes is_used through', async () => {
    const fleet = stack.sim.fleet;
    const subnetId = fleet.special.bigSubnetId;
    const expected = fleet.ports
      .filter((p) => p.fixed_ips?.some((f) => f.subnet_id === subnetId) && (p.device_id ?? '') === '')
      .map((p) => p.id);
    const ids = await pageAll(
      `query ($id: ID!, $after: String) { ports(filter: { subnetId: $id, isUsed: false }, first: 1000, after: $after) { edges { cursor node { id } } nodes { id } pageInfo { hasNextPage endCursor } } }`,
      (data) => data.ports,
      { id: subnetId },
    );
    expect(ids).toEqual(expected);
    expect(stack.calls('vpc').every((c) => c.query['is_used'] === 'false')).toBe(true);
  });

  it('finds the ports holding an IP address', async () => {
    const port = stack.sim.fleet.ports.find((p) => p.device_id && p.fixed_ips?.length);
    const ip = port?.fixed_ips?.[0]?.ip_address;
    const { body } = await stack.query(`query ($ip: String) { ports(filter: { ipAddress: $ip }) { nodes { id fixedIps { ipAddress } } } }`, { ip });
    expect((body.data).ports.nodes.map((n: { id: string }) => n.id)).toContain(port?.id);
    expect(stack.calls('vpc').map((c) => c.query)).toEqual([{ ip_address: ip, limit: '51' }]);
  });

  it('answers one port by id, and null for an id the ports API does not know', async () => {
    const port = stack.sim.fleet.ports[Math.floor(stack.sim.fleet.ports.length / 2)];
    const { body } = await stack.query(`query ($id: ID!) { port(id: $id) { id status networkId } missing: port(id: "nope") { id } }`, { id: port?.id });
    expect(body.data).toEqual({ port: { id: port?.id, status: port?.status ?? null, networkId: port?.network_id ?? null }, missing: null });
  });
});
