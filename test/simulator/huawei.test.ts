import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HssOpenPort, HssPortStatistic, VpcPort } from '../../src/sources/records.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { get, qs } from './helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

type Query = Record<string, string | number | undefined>;
const portsPath = (query: Query) => `/v2/${sim.projectId}/ports${qs(query)}`;
const openPortsPath = (query: Query) => `/v5/${sim.projectId}/asset/ports${qs(query)}`;
const statsPath = (query: Query) => `/v5/${sim.projectId}/asset/port/statistics${qs(query)}`;

/** Follows `marker` until a page is shorter than `limit`; returns the page sizes and the ports. */
async function walkPorts(filters: Query, limit: number): Promise<{ sizes: number[]; ports: VpcPort[] }> {
  const sizes: number[] = [];
  const ports: VpcPort[] = [];
  let marker: string | undefined;
  for (;;) {
    const reply = await get(sim, portsPath({ ...filters, limit, marker }));
    expect(reply.status).toBe(200);
    const body = reply.json<{ ports: VpcPort[] }>();
    expect(Object.keys(body)).toEqual(['ports']);
    sizes.push(body.ports.length);
    ports.push(...body.ports);
    if (body.ports.length < limit) return { sizes, ports };
    marker = body.ports[body.ports.length - 1]?.id;
  }
}

describe('Huawei ports API GET /v2/{project}/ports', () => {
  it('walks the big subnet with marker paging at limit 2000', async () => {
    const subnet = sim.fleet.special.bigSubnetId;
    const expected = sim.fleet.ports.filter((p) => p.fixed_ips?.some((f) => f.subnet_id === subnet));
    const { sizes, ports } = await walkPorts({ subnet_id: subnet }, 2000);
    expect(sizes).toEqual([2000, expected.length - 2000]);
    expect(ports).toEqual(expected);
  });

  it('walks every port in id order by default page size', async () => {
    const { sizes, ports } = await walkPorts({}, 2000);
    expect(sizes.length).toBe(Math.floor(sim.fleet.ports.length / 2000) + 1);
    expect(ports.map((p) => p.id)).toEqual(sim.fleet.ports.map((p) => p.id));
  });

  it('defaults to 2000 per page and returns ids after the marker', async () => {
    expect((await get(sim, portsPath({}))).json().ports).toHaveLength(2000);
    const marker = sim.fleet.ports[10]?.id;
    const page = (await get(sim, portsPath({ marker, limit: 3 }))).json<{ ports: VpcPort[] }>();
    expect(page.ports).toEqual(sim.fleet.ports.slice(11, 14));
    const unknownMarker = `${sim.fleet.ports[10]?.id}-zz`;
    const afterUnknown = (await get(sim, portsPath({ marker: unknownMarker, limit: 1 }))).json().ports;
    expect(afterUnknown).toEqual(sim.fleet.ports.slice(11, 12));
  });

  it.each(['0', '2001', '-5', 'ten'])('rejects limit=%s with an error_code/error_msg body', async (limit) => {
    const reply = await get(sim, portsPath({ limit }));
    expect(reply.status).toBe(400);
    expect(reply.json()).toEqual({ error_code: 'WKS.00000001', error_msg: expect.stringContaining('limit') });
  });

  it('filters by ip_address, subnet_id and is_used, together with paging', async () => {
    const nic = sim.fleet.servers.find((s) => s.id === sim.fleet.special.dualStackServerId)?.interfaces[0];
    const v6 = nic?.fixed_ips?.[1]?.ip_address;
    const byIp = (await get(sim, portsPath({ ip_address: v6 }))).json<{ ports: VpcPort[] }>().ports;
    expect(byIp.map((p) => p.id)).toEqual([nic?.port_id]);
    expect((await get(sim, portsPath({ ip_address: '203.0.113.1' }))).json().ports).toEqual([]);

    const subnet = sim.fleet.special.bigSubnetId;
    for (const used of [true, false]) {
      const expected = sim.fleet.ports.filter(
        (p) => Boolean(p.device_id) === used && p.fixed_ips?.some((f) => f.subnet_id === subnet),
      );
      const { ports } = await walkPorts({ subnet_id: subnet, is_used: String(used) }, 500);
      expect(ports).toEqual(expected);
    }
    expect((await get(sim, portsPath({ is_used: 'maybe' }))).status).toBe(400);
  });

  it('answers the API gateway 401 without a valid token', async () => {
    for (const headers of [{}, { 'x-auth-token': 'stale' }] as Array<Record<string, string>>) {
      const reply = await get(sim, portsPath({ limit: 1 }), headers);
      expect(reply.status).toBe(401);
      const body = reply.json();
      expect(body).toMatchObject({
        error_code: 'APIGW.0301',
        error_msg: expect.stringMatching(/^Incorrect IAM authentication information: /),
      });
      expect(body.request_id).toMatch(/^[0-9a-f]{32}$/);
      expect(reply.headers['x-request-id']).toBe(body.request_id);
    }
  });
});

describe('HSS GET /v5/{project}/asset/ports', () => {
  it('pages the big server by offset, 200 at a time, in a stable order', async () => {
    const id = sim.fleet.special.bigOpenPortsServerId;
    const expected = sim.fleet.openPorts[id] ?? [];
    const all: HssOpenPort[] = [];
    for (let offset = 0; offset < expected.length; offset += 200) {
      const reply = await get(sim, openPortsPath({ host_id: id, limit: 200, offset }));
      expect(reply.status).toBe(200);
      const page = reply.json<{ total_num: number; data_list: HssOpenPort[] }>();
      expect(page.total_num).toBe(expected.length);
      all.push(...page.data_list);
    }
    expect(expected.length).toBeGreaterThan(400);
    expect(all).toEqual(expected);
    expect(reply(await get(sim, openPortsPath({ host_id: id, limit: 200, offset: expected.length })))).toEqual({
      total_num: expected.length,
      data_list: [],
    });
  });

  it('defaults to 10 per page from offset 0', async () => {
    const id = sim.fleet.special.dualStackServerId;
    const page = reply(await get(sim, openPortsPath({ host_id: id })));
    expect(page.data_list).toEqual(sim.fleet.openPorts[id]?.slice(0, 10));
  });

  it.each([
    ['limit', '9'],
    ['limit', '201'],
    ['limit', 'x'],
    ['offset', '-1'],
    ['offset', '2000001'],
    ['port', '0'],
    ['category', 'vm'],
  ])('rejects %s=%s with 400 HSS.0001', async (name, value) => {
    const r = await get(sim, openPortsPath({ host_id: sim.fleet.servers[0]?.id, [name]: value }));
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ error_code: 'HSS.0001', error_msg: expect.any(String) });
  });

  it('requires host_id', async () => {
    const r = await get(sim, openPortsPath({ limit: 10 }));
    expect(r.status).toBe(400);
    expect(r.json().error_code).toBe('HSS.0001');
  });

  it('answers an empty list for an unknown host and for the container category', async () => {
    expect(reply(await get(sim, openPortsPath({ host_id: 'no-such-host' })))).toEqual({ total_num: 0, data_list: [] });
    const id = sim.fleet.servers[0]?.id;
    expect(reply(await get(sim, openPortsPath({ host_id: id, category: 'container' }))).total_num).toBe(0);
  });

  it('filters by port, type and status, treating unknow and unknown alike', async () => {
    const id = sim.fleet.special.dualStackServerId;
    const list = sim.fleet.openPorts[id] ?? [];
    const ssh = reply(await get(sim, openPortsPath({ host_id: id, port: 22 })));
    expect(ssh.data_list).toEqual(list.filter((p) => p.port === 22));
    const udp = reply(await get(sim, openPortsPath({ host_id: id, type: 'UDP', limit: 200 })));
    expect(udp.data_list).toEqual(list.filter((p) => p.type === 'UDP'));
    const unknow = list.filter((p) => p.status === 'unknow');
    expect(unknow.length).toBeGreaterThan(0);
    for (const status of ['unknow', 'unknown']) {
      const page = reply(await get(sim, openPortsPath({ host_id: id, status, limit: 200 })));
      expect(page).toEqual({ total_num: unknow.length, data_list: unknow });
    }
  });
});

describe('HSS GET /v5/{project}/asset/port/statistics', () => {
  const stats = () => sim.fleet.statistics;

  it('pages all statistics, 10 by default, sorted by port', async () => {
    const first = reply<HssPortStatistic>(await get(sim, statsPath({})));
    expect(first).toEqual({ total_num: stats().length, data_list: stats().slice(0, 10) });
    const later = reply<HssPortStatistic>(await get(sim, statsPath({ offset: 200, limit: 200 })));
    expect(later.data_list).toEqual(stats().slice(200, 400));
  });

  it('matches port exactly and port_string fuzzily', async () => {
    const ssh = reply<HssPortStatistic>(await get(sim, statsPath({ port: 22 })));
    expect(ssh.data_list).toEqual([
      { port: 22, type: 'TCP', num: sim.fleet.servers.length, status: 'normal' },
      { port: 22, type: 'TCP6', num: sim.fleet.servers.length, status: 'normal' },
    ]);
    const fuzzy = reply<HssPortStatistic>(await get(sim, statsPath({ port_string: '80', limit: 200 })));
    const expected = stats().filter((s) => String(s.port).includes('80'));
    expect(fuzzy.total_num).toBe(expected.length);
    expect(fuzzy.data_list).toEqual(expected.slice(0, 200));
    expect(new Set(fuzzy.data_list.map((s) => s.port))).toContain(8080);
  });

  it('with port and port_string: exact when they overlap, else empty', async () => {
    const exact = reply(await get(sim, statsPath({ port: 8080 })));
    expect(reply(await get(sim, statsPath({ port: 8080, port_string: '80' })))).toEqual(exact);
    expect(exact.total_num).toBeGreaterThan(0);
    const disjoint = reply(await get(sim, statsPath({ port: 8080, port_string: '443' })));
    expect(disjoint).toEqual({ total_num: 0, data_list: [] });
  });

  it('filters by type and sorts descending on request', async () => {
    const udp6 = reply<HssPortStatistic>(await get(sim, statsPath({ type: 'UDP6', limit: 200 })));
    expect(udp6.data_list).toEqual(stats().filter((s) => s.type === 'UDP6'));
    const desc = reply<HssPortStatistic>(await get(sim, statsPath({ sort_key: 'port', sort_dir: 'desc', limit: 20 })));
    expect(desc.data_list.map((s) => s.port)).toEqual([...stats()].reverse().slice(0, 20).map((s) => s.port));
  });

  it.each([
    ['limit', '9'],
    ['limit', '201'],
    ['offset', '2000001'],
    ['sort_dir', 'up'],
    ['sort_key', 'num'],
  ])('rejects %s=%s with 400 HSS.0001', async (name, value) => {
    const r = await get(sim, statsPath({ [name]: value }));
    expect(r.status).toBe(400);
    expect(r.json().error_code).toBe('HSS.0001');
  });

  it('answers the API gateway 401 without a valid token', async () => {
    const r = await get(sim, statsPath({}), { 'x-auth-token': 'nope' });
    expect(r.status).toBe(401);
    expect(r.json().error_code).toBe('APIGW.0301');
  });
});

function reply<T = HssOpenPort>(r: { status: number; json<U>(): U }): { total_num: number; data_list: T[] } {
  expect(r.status).toBe(200);
  return r.json();
}
