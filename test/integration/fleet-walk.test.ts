import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { repeatedCalls, startStack, type Stack } from '../support/stack.js';
import { expectedServer, SERVER_WALK } from './expected.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.sim.clearLog());

const FLEET_WALK = `{ servers(first: 1000) { nodes { ${SERVER_WALK} } pageInfo { hasNextPage endCursor } totalCount } }`;

describe('the whole fleet in one query', () => {
  it('answers every server with its interfaces, fixed IPs and open ports', async () => {
    const { body } = await stack.query(FLEET_WALK);
    expect(body.errors).toBeUndefined();
    const fleet = stack.sim.fleet;
    const servers = (body.data).servers;
    expect(servers.nodes).toEqual(fleet.servers.map((s) => expectedServer(fleet, s.id)));
    expect(servers.pageInfo.hasNextPage).toBe(false);
    expect(servers.totalCount).toBeNull();
  });

  it('makes one list call, one os-interface call per server and reads each HSS page once at limit 200', async () => {
    await stack.query(FLEET_WALK);
    const fleet = stack.sim.fleet;
    const log = stack.calls();
    expect(repeatedCalls(log)).toEqual([]);

    const nova = stack.calls('nova');
    expect(nova.filter((c) => c.route === 'nova.servers.detail').map((c) => c.query)).toEqual([{ limit: '1000' }]);
    const interfaceCalls = nova.filter((c) => c.route === 'nova.interfaces');
    expect(interfaceCalls).toHaveLength(fleet.servers.length);
    expect(new Set(interfaceCalls.map((c) => c.path)).size).toBe(fleet.servers.length);
    expect(nova.filter((c) => c.route === 'nova.server')).toEqual([]);

    const pagesOf = (id: string) => Math.max(1, Math.ceil((fleet.openPorts[id]?.length ?? 0) / 200));
    const hss = stack.calls('hss');
    expect(hss).toHaveLength(fleet.servers.reduce((n, s) => n + pagesOf(s.id), 0));
    expect(hss.every((c) => c.query['limit'] === '200')).toBe(true);
    for (const server of fleet.servers) {
      const offsets = hss.filter((c) => c.query['host_id'] === server.id).map((c) => Number(c.query['offset']));
      expect(offsets.sort((a, b) => a - b)).toEqual(Array.from({ length: pagesOf(server.id) }, (_, i) => i * 200));
    }
    expect(stack.calls('vpc')).toEqual([]);
    expect(stack.calls('zstack')).toEqual([]);
  });

  it('serves the port of every interface from one indexed walk of the ports list', async () => {
    const { body } = await stack.query(`{ servers(first: 1000) { nodes { id interfaces { portId port { id deviceId } } } } }`);
    expect(body.errors).toBeUndefined();
    for (const server of (body.data).servers.nodes) {
      for (const i of server.interfaces) expect(i.port).toEqual({ id: i.portId, deviceId: server.id });
    }
    const vpc = stack.calls('vpc');
    const pages = Math.ceil(stack.sim.fleet.ports.length / 2000);
    expect(vpc.length).toBeLessThanOrEqual(pages);
    expect(vpc.every((c) => c.query['limit'] === '2000' && c.query['ip_address'] === undefined)).toBe(true);
    expect(repeatedCalls(stack.calls())).toEqual([]);
  });

  it('pages servers with cursors to the last one', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let calls = 0;
    do {
      const { body }: { body: any } = await stack.query(
        `query ($after: String) { servers(first: 25, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      const page: any = body.data.servers;
      seen.push(...page.nodes.map((n: { id: string }) => n.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      calls++;
    } while (after !== null && calls < 20);
    expect(seen).toEqual(stack.sim.fleet.servers.map((s) => s.id));
    expect(stack.calls('nova').every((c) => c.query['limit'] === '26')).toBe(true);
  });
});
