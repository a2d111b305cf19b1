import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { repeatedCalls, startStack, type Stack } from '../support/stack.js';
import { expectedServer, SERVER_WALK } from './expected.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.sim.clearLog());

describe('one server walked end to end', () => {
  it('answers the server, its interfaces, fixed IPs, subnets and open ports as the upstreams hold them', async () => {
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    const { status, body } = await stack.query(`query ($id: ID!) { server(id: $id) { ${SERVER_WALK} } }`, { id });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ server: expectedServer(stack.sim.fleet, id) });
  });

  it('makes one Nova server call, one os-interface call and reads HSS at limit 200, each once', async () => {
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    await stack.query(`query ($id: ID!) { server(id: $id) { ${SERVER_WALK} } }`, { id });
    const log = stack.calls();
    expect(log.map((c) => c.route).sort()).toEqual(['hss.ports', 'nova.interfaces', 'nova.server']);
    const hss = stack.calls('hss')[0];
    expect(hss?.query).toMatchObject({ host_id: id, limit: '200', offset: '0' });
    expect(log.every((c) => c.credential === 'demo-os-token')).toBe(true);
    expect(repeatedCalls(log)).toEqual([]);
  });

  it('reads every HSS page of a server with more than 400 open ports, each exactly once', async () => {
    const id = stack.sim.fleet.special.bigOpenPortsServerId;
    const total = stack.sim.fleet.openPorts[id]?.length ?? 0;
    expect(total).toBeGreaterThan(400);
    const { body } = await stack.query(`query ($id: ID!) { server(id: $id) { openPorts { port protocol listenAddress } } }`, { id });
    expect((body.data).server.openPorts).toHaveLength(total);
    const offsets = stack.calls('hss').map((c) => Number(c.query['offset'])).sort((a, b) => a - b);
    expect(offsets).toEqual(Array.from({ length: Math.ceil(total / 200) }, (_, i) => i * 200));
    expect(stack.calls('hss').every((c) => c.query['limit'] === '200')).toBe(true);
    expect(stack.calls('nova').map((c) => c.route)).toEqual(['nova.server']);
  });

  it('answers an empty interface list for a server with none', async () => {
    const id = stack.sim.fleet.special.noInterfacesServerId;
    const { body } = await stack.query(`query ($id: ID!) { server(id: $id) { id interfaces { portId } } }`, { id });
    expect(body).toEqual({ data: { server: { id, interfaces: [] } } });
  });

  it('finds the port behind each interface with the fewest ports calls', async () => {
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    const { body } = await stack.query(
      `query ($id: ID!) { server(id: $id) { interfaces { portId port { id deviceId fixedIps { ipAddress } server { id } } } } }`,
      { id },
    );
    const interfaces = (body.data).server.interfaces as any[];
    expect(interfaces.length).toBe(3);
    for (const i of interfaces) {
      expect(i.port).toMatchObject({ id: i.portId, deviceId: id, server: { id } });
    }
    // Three ports: one walk of the list, stopped once all three are found (2 of its 3 pages here),
    // costs fewer calls than three filtered calls.
    const vpc = stack.calls('vpc');
    expect(vpc.map((c) => c.query['limit'])).toEqual(['2000', '2000']);
    expect(vpc.map((c) => c.query['ip_address'])).toEqual([undefined, undefined]);
  });

  it('finds the port behind a single interface with one call filtered by its IP', async () => {
    const server = stack.sim.fleet.servers.find((s) => s.interfaces.length === 1);
    const ip = server?.interfaces[0]?.fixed_ips?.[0]?.ip_address;
    const { body } = await stack.query(`query ($id: ID!) { server(id: $id) { interfaces { portId port { id } } } }`, { id: server?.id });
    const [only] = (body.data).server.interfaces;
    expect(only.port).toEqual({ id: only.portId });
    expect(stack.calls('vpc').map((c) => c.query)).toEqual([{ ip_address: ip, limit: '2000' }]);
  });

  it('answers server: null with HTTP 200 for an id Nova does not know', async () => {
    const { status, body } = await stack.query(`{ server(id: "00000000-0000-0000-0000-000000000000") { id name } }`);
    expect(status).toBe(200);
    expect(body).toEqual({ data: { server: null } });
  });

  it('starts HSS with the server call, not after the interfaces, when only fixed IPs ask for open ports', async () => {
    // Nova interfaces answer after 1.5 s: HSS must not wait for them (an ordering check with wide slack).
    stack.sim.inject('nova.interfaces', { delayMs: 1500 });
    try {
      const id = stack.sim.fleet.special.multiInterfaceServerId;
      await stack.query(`query ($id: ID!) { server(id: $id) { interfaces { fixedIps { openPorts { port } } } } }`, { id });
      const interfaces = stack.calls('nova').find((c) => c.route === 'nova.interfaces');
      const hss = stack.calls('hss')[0];
      expect(interfaces).toBeDefined();
      expect(hss).toBeDefined();
      expect((hss?.at ?? Infinity) - (interfaces?.at ?? 0)).toBeLessThan(1000);
    } finally {
      stack.sim.clearFaults();
    }
  });
});
