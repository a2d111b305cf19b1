import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ portgraph: { upstreamTimeoutMs: 300 } });
});
afterAll(() => stack.close());
beforeEach(() => stack.sim.clearLog());
afterEach(() => stack.sim.clearFaults());

const WALK = `query ($id: ID!) { server(id: $id) { id name interfaces { portId } openPorts { port } } }`;

async function walkWithFault(route: Parameters<Stack['sim']['inject']>[0], fault: Parameters<Stack['sim']['inject']>[1]) {
  stack.sim.inject(route, fault);
  const id = stack.sim.fleet.special.multiInterfaceServerId;
  const response = await stack.query(WALK, { id });
  expect(response.status).toBe(200);
  expect(JSON.stringify(response.body)).not.toMatch(/demo-os-token|demo-zstack-session|127\.0\.0\.1|stack|at .*\.ts/);
  return { id, ...response.body };
}

describe('one failing upstream fails only the fields that need it', () => {
  it('keeps Nova data when HSS answers 500', async () => {
    const { id, data, errors } = await walkWithFault('hss.ports', { status: 500 });
    expect((data).server).toMatchObject({ id, openPorts: null });
    expect((data).server.interfaces.length).toBeGreaterThan(0);
    expect(errors).toHaveLength(1);
    expect(errors?.[0]).toMatchObject({
      path: ['server', 'openPorts'],
      extensions: { code: 'UPSTREAM_UNAVAILABLE', source: 'hss', upstreamStatus: 500 },
    });
  });

  it('answers UPSTREAM_TIMEOUT when HSS hangs past the timeout', async () => {
    const { data, errors } = await walkWithFault('hss.ports', { delayMs: 2000 });
    expect((data).server.interfaces.length).toBeGreaterThan(0);
    expect(errors?.[0]).toMatchObject({ path: ['server', 'openPorts'], extensions: { code: 'UPSTREAM_TIMEOUT', source: 'hss' } });
  });

  it('answers UPSTREAM_BAD_RESPONSE when Nova interfaces come back malformed', async () => {
    const { data, errors } = await walkWithFault('nova.interfaces', { malformed: true });
    expect((data).server.interfaces).toBeNull();
    expect((data).server.openPorts.length).toBeGreaterThan(0);
    expect(errors?.[0]).toMatchObject({ path: ['server', 'interfaces'], extensions: { code: 'UPSTREAM_BAD_RESPONSE', source: 'nova' } });
  });

  it('answers UPSTREAM_UNAVAILABLE when the connection is reset', async () => {
    const { errors, data } = await walkWithFault('nova.interfaces', { reset: true });
    expect((data).server.openPorts.length).toBeGreaterThan(0);
    expect(errors?.[0]).toMatchObject({ path: ['server', 'interfaces'], extensions: { code: 'UPSTREAM_UNAVAILABLE', source: 'nova' } });
  });

  it('answers UPSTREAM_BAD_RESPONSE for an HTML error page with status 200', async () => {
    const { errors } = await walkWithFault('hss.ports', { body: '<html><body>Gateway</body></html>', contentType: 'text/html' });
    expect(errors?.[0]).toMatchObject({ path: ['server', 'openPorts'], extensions: { code: 'UPSTREAM_BAD_RESPONSE', source: 'hss' } });
  });

  it('fails one server of the fleet walk and keeps the rest', async () => {
    const victim = stack.sim.fleet.servers[3]?.id ?? '';
    stack.sim.inject('nova.interfaces', { status: 500, match: (req) => req.path.includes(victim) });
    const { body } = await stack.query(`{ servers(first: 1000) { nodes { id interfaces { portId } } } }`);
    const nodes = (body.data).servers.nodes as { id: string; interfaces: unknown[] | null }[];
    expect(nodes).toHaveLength(stack.sim.fleet.servers.length);
    expect(nodes.filter((n) => n.interfaces === null).map((n) => n.id)).toEqual([victim]);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({ path: ['servers', 'nodes', 3, 'interfaces'], extensions: { code: 'UPSTREAM_UNAVAILABLE', source: 'nova' } });
  });

  it('answers UNAUTHENTICATED from the upstream for a token it refuses, without echoing the token', async () => {
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    const { body } = await stack.query(WALK, { id }, { 'x-auth-token': 'stolen-secret-token' });
    expect(body.data).toEqual({ server: null });
    expect(body.errors?.[0]).toMatchObject({ path: ['server'], extensions: { code: 'UNAUTHENTICATED', source: 'nova', upstreamStatus: 401 } });
    expect(JSON.stringify(body)).not.toContain('stolen-secret-token');
  });
});
