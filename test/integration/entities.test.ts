import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.sim.clearLog());

const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) {
  ... on Server { id name interfaces { portId } openPorts { port } }
  ... on Port { id deviceId }
  ... on Subnet { id ports(first: 2) { nodes { id } } }
  ... on Vip { id usedPorts(protocol: TCP) { start end } }
} }`;

function sortedCalls(stack: Stack) {
  return stack.calls().map((c) => `${c.route} ${c.path} ${JSON.stringify(c.query)}`).sort();
}

describe('federation entities', () => {
  it('publishes its SDL with @key on Server, Port, Subnet and Vip', async () => {
    const { body } = await stack.query(`{ _service { sdl } }`);
    const sdl = (body.data)._service.sdl as string;
    for (const type of ['Server', 'Port', 'Subnet', 'Vip']) expect(sdl).toMatch(new RegExp(`type ${type}\\s+@key\\(fields: "id"\\)`));
    expect(sdl).toContain('@link');
  });

  it('resolves each entity type through the loaders', async () => {
    const fleet = stack.sim.fleet;
    const server = fleet.servers[0];
    const port = fleet.ports.find((p) => p.device_id === server?.id);
    const { body } = await stack.query(ENTITIES, {
      r: [
        { __typename: 'Server', id: server?.id },
        { __typename: 'Port', id: port?.id },
        { __typename: 'Subnet', id: fleet.special.bigSubnetId },
        { __typename: 'Vip', id: fleet.special.vipId },
        { __typename: 'Server', id: '00000000-0000-0000-0000-000000000000' },
      ],
    });
    expect(body.errors).toBeUndefined();
    const [s, p, sub, vip, missing] = (body.data)._entities;
    expect(s).toMatchObject({ id: server?.id, name: server?.name });
    expect(s.interfaces).toHaveLength(server?.interfaces.length ?? -1);
    expect(p).toEqual({ id: port?.id, deviceId: server?.id });
    expect(sub.ports.nodes).toHaveLength(2);
    expect(vip.usedPorts.length).toBeGreaterThan(0);
    expect(missing).toBeNull();
  });

  it('costs no more upstream calls for N server representations than a query asking for the same N', async () => {
    const ids = stack.sim.fleet.servers.slice(0, 10).map((s) => s.id);
    await stack.query(ENTITIES, { r: ids.map((id) => ({ __typename: 'Server', id })) });
    const viaEntities = sortedCalls(stack);
    stack.sim.clearLog();
    const aliases = ids.map((id, i) => `s${i}: server(id: "${id}") { id name interfaces { portId } openPorts { port } }`).join('\n');
    await stack.query(`{ ${aliases} }`);
    const viaQuery = sortedCalls(stack);
    expect(viaEntities.length).toBeLessThanOrEqual(viaQuery.length);
    expect(viaEntities).toEqual(viaQuery);
    expect(viaEntities.filter((c) => c.startsWith('nova.server '))).toHaveLength(10);
  });

  it('resolves N port representations from one walk of the ports list', async () => {
    const ports = stack.sim.fleet.ports.filter((p) => p.device_id).slice(0, 20);
    const { body } = await stack.query(ENTITIES, { r: ports.map((p) => ({ __typename: 'Port', id: p.id })) });
    expect((body.data)._entities.map((e: { id: string }) => e.id)).toEqual(ports.map((p) => p.id));
    expect(stack.calls('vpc').length).toBeLessThanOrEqual(Math.ceil(stack.sim.fleet.ports.length / 2000));
  });
});
