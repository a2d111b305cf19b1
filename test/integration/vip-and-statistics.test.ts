import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.sim.clearLog());

/** Ranges written out plainly: unique sorted ports, runs merged. */
function ranges(list: string[]) {
  const ports = [...new Set(list.map(Number))].sort((a, b) => a - b);
  const out: { start: number; end: number }[] = [];
  for (const p of ports) {
    const last = out.at(-1);
    if (last && last.end === p - 1) last.end = p;
    else out.push({ start: p, end: p });
  }
  return out;
}

describe('vip.usedPorts', () => {
  it('answers ZStack used ports deduplicated, sorted and merged into ranges, one call per protocol', async () => {
    const vip = stack.sim.fleet.vips.find((v) => v.uuid === stack.sim.fleet.special.vipId);
    const { body } = await stack.query(
      `query ($id: ID!) { vip(id: $id) { id tcp: usedPorts(protocol: TCP) { start end } udp: usedPorts(protocol: UDP) { start end } again: usedPorts(protocol: TCP) { start } } }`,
      { id: vip?.uuid },
    );
    expect(body.errors).toBeUndefined();
    expect((body.data).vip.tcp).toEqual(ranges(vip?.usedPorts.TCP ?? []));
    expect((body.data).vip.udp).toEqual(ranges(vip?.usedPorts.UDP ?? []));
    const calls = stack.calls('zstack');
    expect(calls.map((c) => c.query['protocol']).sort()).toEqual(['TCP', 'UDP']);
    expect(calls.every((c) => c.auth === 'oauth' && c.credential === 'demo-zstack-session')).toBe(true);
  });

  it('answers NOT_FOUND from zstack, on usedPorts only, for a VIP ZStack does not know', async () => {
    const { status, body } = await stack.query(`{ vip(id: "0000000000000000000000000000dead") { id usedPorts(protocol: TCP) { start } } }`);
    expect(status).toBe(200);
    expect(body.data).toEqual({ vip: { id: '0000000000000000000000000000dead', usedPorts: null } });
    expect(body.errors?.[0]).toMatchObject({
      path: ['vip', 'usedPorts'],
      extensions: { code: 'NOT_FOUND', source: 'zstack', upstreamCode: 'SYS.1003' },
    });
  });
});

describe('openPortStatistics', () => {
  it('passes the filter to HSS and asks for at least 10 rows when the client wants 5', async () => {
    const fleet = stack.sim.fleet;
    const tcp = fleet.statistics.filter((s) => s.type === 'TCP');
    const { body } = await stack.query(
      `{ openPortStatistics(filter: { protocol: TCP }, first: 5) { totalCount nodes { port protocol serverCount risk ipv6 } pageInfo { hasNextPage } } }`,
    );
    expect(body.errors).toBeUndefined();
    const result = (body.data).openPortStatistics;
    expect(result.totalCount).toBe(tcp.length);
    expect(result.nodes).toEqual(
      tcp.slice(0, 5).map((s) => ({
        port: s.port,
        protocol: 'TCP',
        serverCount: s.num,
        risk: s.status === 'danger' ? 'DANGER' : s.status === 'normal' ? 'NORMAL' : 'UNKNOWN',
        ipv6: false,
      })),
    );
    expect(result.pageInfo.hasNextPage).toBe(tcp.length > 5);
    expect(stack.calls('hss').map((c) => c.query)).toEqual([{ type: 'TCP', offset: '0', limit: '10' }]);
  });

  it('pages with cursors and reads a window of more than 200 rows as parallel pages of 200', async () => {
    const total = stack.sim.fleet.statistics.length;
    const { body } = await stack.query(`{ openPortStatistics(first: 3) { nodes { port } pageInfo { endCursor } } }`);
    const after = (body.data).openPortStatistics.pageInfo.endCursor;
    stack.sim.clearLog();
    const next = await stack.query(`query ($after: String) { openPortStatistics(first: 1000, after: $after) { nodes { port protocol } pageInfo { hasNextPage } } }`, { after });
    const nodes = (next.body.data).openPortStatistics.nodes;
    expect(nodes.map((n: { port: number }) => n.port)).toEqual(stack.sim.fleet.statistics.slice(3, 1003).map((s) => s.port));
    const offsets = stack.calls('hss').map((c) => Number(c.query['offset'])).sort((a, b) => a - b);
    const expected = [];
    for (let o = 3; o < Math.min(1003, total); o += 200) expected.push(o);
    expect(offsets).toEqual(expected);
    expect(stack.calls('hss').every((c) => Number(c.query['limit']) >= 10 && Number(c.query['limit']) <= 200)).toBe(true);
  });

  it('filters by exact port', async () => {
    const { body } = await stack.query(`{ openPortStatistics(filter: { port: 22 }) { nodes { port } } }`);
    expect((body.data).openPortStatistics.nodes.every((n: { port: number }) => n.port === 22)).toBe(true);
    expect(stack.calls('hss')[0]?.query).toMatchObject({ port: '22' });
  });
});
