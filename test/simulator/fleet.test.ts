import { describe, expect, it } from 'vitest';
import { DEMO_PROJECT_ID, generateFleet } from '../../src/simulator/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const fleet = generateFleet();
const serverIps = (id: string): string[] =>
  (fleet.servers.find((s) => s.id === id)?.interfaces ?? []).flatMap((i) =>
    (i.fixed_ips ?? []).map((f) => f.ip_address),
  );

describe('generateFleet', () => {
  it('is deterministic: the same seed gives the same fleet, another seed another one', () => {
    expect(generateFleet()).toEqual(fleet);
    expect(generateFleet(42)).toEqual(fleet);
    expect(generateFleet(7).servers.map((s) => s.id)).not.toEqual(fleet.servers.map((s) => s.id));
  });

  it('has a fixed 32-hex project id that every server belongs to', () => {
    expect(DEMO_PROJECT_ID).toMatch(/^[0-9a-f]{32}$/);
    expect(fleet.projectId).toBe(DEMO_PROJECT_ID);
    for (const s of fleet.servers) expect(s.tenant_id).toBe(DEMO_PROJECT_ID);
  });

  it('has at least 60 servers with unique UUIDs, listed newest first', () => {
    expect(fleet.servers.length).toBeGreaterThanOrEqual(60);
    const ids = fleet.servers.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(UUID);
    const created = fleet.servers.map((s) => s.created);
    expect(created).toEqual([...created].sort().reverse());
  });

  it('has servers without interfaces, with several, and with dual-stack interfaces', () => {
    const counts = fleet.servers.map((s) => s.interfaces.length);
    expect(counts.filter((n) => n === 0).length).toBeGreaterThanOrEqual(2);
    expect(counts.filter((n) => n >= 2).length).toBeGreaterThan(5);
    expect(Math.max(...counts)).toBe(3);

    const byId = (id: string) => fleet.servers.find((s) => s.id === id);
    expect(byId(fleet.special.noInterfacesServerId)?.interfaces).toEqual([]);
    expect(byId(fleet.special.multiInterfaceServerId)?.interfaces).toHaveLength(3);
    const dual = byId(fleet.special.dualStackServerId)?.interfaces[0]?.fixed_ips ?? [];
    expect(dual.map((f) => f.ip_address.includes(':'))).toEqual([false, true]);
  });

  it('has IPv4 and IPv6 subnets with real CIDRs, grouped into networks', () => {
    const versions = new Set(fleet.subnets.map((s) => s.ipVersion));
    expect(versions).toEqual(new Set([4, 6]));
    for (const s of fleet.subnets) {
      expect(s.cidr).toMatch(s.ipVersion === 4 ? /^\d+\.\d+\.\d+\.\d+\/\d+$/ : /^[0-9a-f:]+::\/64$/);
      expect(fleet.networks.map((n) => n.id)).toContain(s.networkId);
    }
  });

  it('backs every Nova interface with a port of the same device, network, state and fixed IPs', () => {
    const ports = new Map(fleet.ports.map((p) => [p.id, p]));
    for (const server of fleet.servers) {
      for (const nic of server.interfaces) {
        const port = ports.get(nic.port_id);
        expect(port, `port ${nic.port_id} of ${server.name}`).toBeDefined();
        expect(port?.device_id).toBe(server.id);
        expect(port?.network_id).toBe(nic.net_id);
        expect(port?.status).toBe(nic.port_state);
        expect(port?.fixed_ips).toEqual(nic.fixed_ips);
        expect(nic.mac_addr).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/);
      }
    }
  });

  it('lists every port sorted by id, with unattached and non-server ports among them', () => {
    const ids = fleet.ports.map((p) => p.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    const serverIds = new Set(fleet.servers.map((s) => s.id));
    expect(fleet.ports.some((p) => p.device_id === '')).toBe(true);
    expect(fleet.ports.some((p) => p.device_id?.startsWith('dhcp'))).toBe(true);
    expect(fleet.ports.some((p) => p.device_id && !serverIds.has(p.device_id) && UUID.test(p.device_id))).toBe(true);
  });

  it('has one subnet with more than 2000 ports, all addresses inside it and distinct', () => {
    const inBig = fleet.ports.filter((p) => p.fixed_ips?.some((f) => f.subnet_id === fleet.special.bigSubnetId));
    expect(inBig.length).toBeGreaterThan(2000);
    const ips = inBig.map((p) => p.fixed_ips?.[0]?.ip_address ?? '');
    expect(new Set(ips).size).toBe(ips.length);
    const cidr = fleet.subnets.find((s) => s.id === fleet.special.bigSubnetId)?.cidr;
    expect(cidr).toBe('10.20.0.0/20');
    for (const ip of ips) expect(ip).toMatch(/^10\.20\.([0-9]|1[0-5])\.\d+$/);
  });

  it('gives every server open ports, one server more than 400', () => {
    for (const s of fleet.servers) expect(fleet.openPorts[s.id]?.length ?? 0).toBeGreaterThanOrEqual(4);
    expect(fleet.openPorts[fleet.special.bigOpenPortsServerId]?.length).toBeGreaterThan(400);
  });

  it('has every listener kind: a fixed IP, 0.0.0.0, ::, 127.0.0.1 and ::1, over TCP and UDP', () => {
    const all = Object.values(fleet.openPorts).flat();
    const laddrs = new Set(all.map((p) => p.laddr));
    for (const laddr of ['0.0.0.0', '::', '127.0.0.1', '::1']) expect(laddrs).toContain(laddr);
    expect(new Set(all.map((p) => p.type))).toEqual(new Set(['TCP', 'UDP', 'TCP6', 'UDP6']));
    expect(new Set(all.map((p) => p.status))).toEqual(new Set(['danger', 'normal', 'unknow']));

    const specific = all.filter((p) => !['0.0.0.0', '::', '127.0.0.1', '::1', '127.0.0.53'].includes(p.laddr ?? ''));
    expect(specific.some((p) => p.laddr?.includes(':'))).toBe(true);
    for (const p of specific) expect(serverIps(p.host_id ?? '')).toContain(p.laddr);

    const sshd = all.find((p) => p.port === 22 && p.laddr === '0.0.0.0');
    expect(sshd).toMatchObject({ path: '/usr/sbin/sshd', type: 'TCP', container_id: '' });
    const chronyd = { path: '/usr/sbin/chronyd', laddr: '127.0.0.1', type: 'UDP' };
    expect(all.find((p) => p.port === 323)).toMatchObject(chronyd);
    expect(all.find((p) => p.port === 68)).toMatchObject({ path: '/usr/sbin/dhclient', laddr: '0.0.0.0', type: 'UDP' });
    for (const p of all) expect(p.agent_id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('derives the statistics from the open ports: servers per (port, type), sorted by port', () => {
    const hosts = new Map<string, Set<string>>();
    for (const [id, list] of Object.entries(fleet.openPorts)) {
      for (const p of list) {
        const key = `${p.port}/${p.type}`;
        hosts.set(key, (hosts.get(key) ?? new Set()).add(id));
      }
    }
    expect(fleet.statistics).toHaveLength(hosts.size);
    for (const s of fleet.statistics) expect(s.num).toBe(hosts.get(`${s.port}/${s.type}`)?.size);
    const ports = fleet.statistics.map((s) => s.port);
    expect(ports).toEqual([...ports].sort((a, b) => a - b));
    expect(fleet.statistics.find((s) => s.port === 22 && s.type === 'TCP')?.num).toBe(fleet.servers.length);
  });

  it('has VIPs whose used ports are strings, unsorted, with repeats and expanded ranges', () => {
    expect(fleet.vips.length).toBeGreaterThanOrEqual(5);
    for (const v of fleet.vips) {
      expect(v.uuid).toMatch(/^[0-9a-f]{32}$/);
      for (const list of [v.usedPorts.TCP, v.usedPorts.UDP]) for (const p of list) expect(p).toMatch(/^\d+$/);
    }
    const web = fleet.vips[0]?.usedPorts.TCP;
    expect(web).toEqual(['443', '80', '8000', '8001', '8002', '80', '22']);
    const hasRepeats = fleet.vips.filter((v) => new Set(v.usedPorts.TCP).size < v.usedPorts.TCP.length);
    expect(hasRepeats.length).toBeGreaterThanOrEqual(2);

    const big = fleet.vips.find((v) => v.uuid === fleet.special.vipId)?.usedPorts.TCP ?? [];
    for (let port = 10000; port <= 10999; port++) expect(big).toContain(String(port));
  });
});

describe('generateFleet variants', () => {
  const alice = generateFleet(42, { variant: 'alice' });
  const bob = generateFleet(42, { variant: 'bob' });
  const ids = (f: typeof fleet) => ({
    servers: f.servers.map((s) => [s.id, s.interfaces]),
    ports: f.ports,
    subnets: f.subnets,
    networks: f.networks,
    vips: f.vips.map((v) => [v.uuid, v.name, v.ip]),
    openPortKeys: Object.keys(f.openPorts),
    special: f.special,
    statistics: f.statistics,
  });

  it('keeps every id, port, subnet and VIP of the seed', () => {
    expect(ids(alice)).toEqual(ids(fleet));
    expect(ids(bob)).toEqual(ids(fleet));
    expect(generateFleet(42, {})).toEqual(fleet);
    expect(generateFleet(42, { variant: 'alice' })).toEqual(alice);
  });

  it('prefixes every server name with the variant', () => {
    expect(alice.servers.map((s) => s.name)).toEqual(fleet.servers.map((s) => `alice-${s.name}`));
  });

  it('changes every open port path and nothing else about the open ports', () => {
    for (const [id, list] of Object.entries(fleet.openPorts)) {
      const other = alice.openPorts[id] ?? [];
      expect(other.map((p) => ({ ...p, path: '' }))).toEqual(list.map((p) => ({ ...p, path: '' })));
      other.forEach((p, i) => expect(p.path).toBe(`/opt/alice${list[i]?.path}`));
    }
  });

  it('shifts every VIP used port, differently per variant, keeping them valid port numbers', () => {
    for (const [i, vip] of fleet.vips.entries()) {
      for (const protocol of ['TCP', 'UDP'] as const) {
        const base = vip.usedPorts[protocol];
        const [a, b] = [alice.vips[i]?.usedPorts[protocol], bob.vips[i]?.usedPorts[protocol]];
        expect(a).toHaveLength(base.length);
        base.forEach((port, k) => {
          expect(a?.[k]).not.toBe(port);
          expect(a?.[k]).not.toBe(b?.[k]);
          expect(Number(a?.[k])).toBeGreaterThanOrEqual(1);
          expect(Number(a?.[k])).toBeLessThanOrEqual(65535);
        });
      }
    }
  });

  it('leaves the default fleet untouched', () => {
    expect(generateFleet()).toEqual(fleet);
  });
});
