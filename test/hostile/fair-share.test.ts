// A large allowed query and a small one at once: the permits towards each upstream are shared in
// turn among the requests waiting, so the small one's calls go out within a few permits' turn,
// not behind the large one's thousand. Asserted on the order calls reach the simulated cloud; the
// latency figures are in `npm run bench`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { DEMO_OS_TOKEN, generateFleet } from '../../src/simulator/index.js';
import { startStack, type Stack } from '../support/stack.js';

const SMALL_TOKEN = 'small-walk-token';
const FLEET_WALK = `{ servers(first: 1000) { nodes { id name interfaces { portId fixedIps { ipAddress openPorts { port } } } openPorts { port } } } }`;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    simulator: { fleet: generateFleet(42, { servers: 1000 }), osTokens: [DEMO_OS_TOKEN, SMALL_TOKEN], latencyMs: 50 },
    portgraph: { requestDeadlineMs: 60_000 },
  });
});
afterAll(() => stack.close());

describe('a fleet walk over 1,000 servers', () => {
  it('passes the default limits, with the minimal calls', async () => {
    stack.sim.clearLog();
    const { body } = await stack.query(FLEET_WALK);
    expect(body.errors).toBeUndefined();
    const servers = (body.data).servers.nodes;
    expect(servers).toHaveLength(1000);
    const fleet = stack.sim.fleet;
    const hssPages = fleet.servers.reduce((sum, s) => sum + Math.max(1, Math.ceil((fleet.openPorts[s.id]?.length ?? 0) / 200)), 0);
    expect(stack.callCounts()).toEqual({ nova: 1001, hss: hssPages });
    expect(1001 + hssPages).toBeLessThan(DEFAULT_LIMITS.maxUpstreamCalls);
  });
});

describe('fair share of the permits', () => {
  it("sends a one-server walk's calls within a few permits' turn while a 2,000-call walk holds every permit", async () => {
    stack.sim.clearLog();
    const large = stack.query(FLEET_WALK);
    // Wait until the large walk has every Nova permit and hundreds of calls queued behind them.
    while (stack.calls('nova').length < 64) await new Promise((resolve) => setTimeout(resolve, 5));
    const before = stack.sim.log.length;
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    const small = await stack.query(`query ($id: ID!) { server(id: $id) { name interfaces { portId } openPorts { port } } }`, { id }, { 'X-Auth-Token': SMALL_TOKEN });
    expect(small.body.errors).toBeUndefined();
    const log = stack.sim.log;
    const smallCalls = log.map((entry, index) => ({ entry, index })).filter(({ entry }) => entry.credential === SMALL_TOKEN);
    expect(smallCalls.map(({ entry }) => entry.route).sort()).toEqual(['hss.ports', 'nova.interfaces', 'nova.server']);
    const lastSmall = Math.max(...smallCalls.map(({ index }) => index));
    const largeCallsMeanwhile = log.slice(before, lastSmall).filter((entry) => entry.credential !== SMALL_TOKEN).length;
    const { body } = await large;
    expect(body.errors).toBeUndefined();
    expect((body.data).servers.nodes).toHaveLength(1000);
    // Meanwhile at most the calls already in flight arrive (64 per source) and a few of the next
    // turn's; first come, first served, the small walk's calls would wait behind about 900.
    expect(largeCallsMeanwhile).toBeLessThan(3 * 64);
  });
});
