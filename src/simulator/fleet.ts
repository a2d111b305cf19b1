import type {
  HssOpenPort,
  HssPortStatistic,
  NovaInterfaceAttachment,
  UpstreamFixedIp,
  VpcPort,
} from '../sources/records.js';
import { openPortsFor, portStatistics, type Role } from './listeners.js';
import { Rng } from './random.js';

export const DEMO_PROJECT_ID = '0c7a5f2e9b4d4e6f8a1b3c5d7e9f1a2b';
export const DEMO_OS_TOKEN = 'demo-os-token';
export const DEMO_ZSTACK_SESSION = 'demo-zstack-session';

export interface SimNetwork {
  id: string;
  name: string;
}

export interface SimSubnet {
  id: string;
  networkId: string;
  cidr: string;
  ipVersion: 4 | 6;
  name: string;
}

export interface SimServer {
  id: string;
  name: string;
  status: string;
  created: string;
  tenant_id: string;
  interfaces: NovaInterfaceAttachment[];
  updated: string;
  user_id: string;
  hostId: string;
  key_name: string | null;
  flavorId: string;
  imageId: string;
  availability_zone: string;
  metadata: Record<string, string>;
}

export interface SimVip {
  uuid: string;
  name: string;
  ip: string;
  usedPorts: { TCP: string[]; UDP: string[] };
}

export interface Fleet {
  projectId: string;
  networks: SimNetwork[];
  subnets: SimSubnet[];
  /** The order Nova lists them in: newest first. */
  servers: SimServer[];
  /** Every port the ports API knows, sorted by id ascending. */
  ports: VpcPort[];
  /** By server id (HSS host_id = Nova server id). */
  openPorts: Record<string, HssOpenPort[]>;
  /** Per (port, type) the number of servers with it open; sorted by port, then type. */
  statistics: HssPortStatistic[];
  vips: SimVip[];
  special: {
    bigOpenPortsServerId: string;
    noInterfacesServerId: string;
    multiInterfaceServerId: string;
    dualStackServerId: string;
    bigSubnetId: string;
    vipId: string;
  };
}

type NetKey = 'web' | 'app' | 'db' | 'mgmt' | 'poolA' | 'poolB';

const NETWORK_PLAN: Array<{ key: NetKey; name: string; v4: [string, string]; v6?: [string, string] }> = [
  { key: 'web', name: 'web-net', v4: ['web-v4', '192.168.10.0/24'], v6: ['web-v6', '2001:db8:a:10::/64'] },
  { key: 'app', name: 'app-net', v4: ['app-v4', '10.0.1.0/24'], v6: ['app-v6', '2001:db8:a:20::/64'] },
  { key: 'db', name: 'db-net', v4: ['db-v4', '10.0.2.0/24'] },
  { key: 'mgmt', name: 'mgmt-net', v4: ['mgmt-v4', '172.16.0.0/24'] },
  { key: 'poolA', name: 'desktop-net-a', v4: ['desktop-pool-a', '10.20.0.0/20'] },
  { key: 'poolB', name: 'desktop-net-b', v4: ['desktop-pool-b', '10.21.0.0/21'] },
];

/** Ports per desktop pool: Workspace desktops (not Nova servers) and free addresses fill them up. */
const POOLS: Record<'poolA' | 'poolB', { total: number; desktops: number }> = {
  poolA: { total: 2600, desktops: 790 },
  poolB: { total: 1400, desktops: 500 },
};

interface Attach {
  net: NetKey;
  dual?: boolean;
}

interface ServerPlan {
  name: string;
  role: Role;
  attach: Attach[];
  status?: string;
}

function serverPlans(): ServerPlan[] {
  const plans: ServerPlan[] = [];
  const add = (prefix: string, count: number, role: Role, attach: (i: number) => Attach[]): void => {
    for (let i = 1; i <= count; i++) {
      plans.push({ name: `${prefix}-${String(i).padStart(2, '0')}`, role, attach: attach(i) });
    }
  };
  add('web', 8, 'web', (i) => [{ net: 'web', dual: true }, ...(i <= 4 ? [{ net: 'mgmt' as const }] : [])]);
  add('lb', 2, 'lb', () => [{ net: 'web', dual: true }, { net: 'app', dual: true }, { net: 'mgmt' }]);
  add('app', 12, 'app', (i) => [{ net: 'app' }, ...(i <= 3 ? [{ net: 'db' as const }] : [])]);
  add('db', 6, 'db', () => [{ net: 'db' }, { net: 'mgmt' }]);
  add('cache', 4, 'cache', () => [{ net: 'app' }]);
  add('k8s-node', 6, 'k8s', () => [{ net: 'app', dual: true }]);
  add('bastion', 2, 'bastion', () => [{ net: 'mgmt' }, { net: 'web', dual: true }]);
  add('vdi-broker', 4, 'vdi', (i) => [{ net: i <= 2 ? 'poolA' : 'poolB' }, { net: 'mgmt' }]);
  add('batch', 16, 'batch', (i) => [{ net: 'app' }, ...(i % 5 === 0 ? [{ net: 'db' as const }] : [])]);
  add('media', 1, 'media', () => [{ net: 'web' }]);
  plans.push({ name: 'build-agent-01', role: 'bare', attach: [], status: 'SHUTOFF' });
  plans.push({ name: 'orphan-01', role: 'bare', attach: [], status: 'ERROR' });
  plans.push({ name: 'scratch-01', role: 'bare', attach: [], status: 'BUILD' });
  return plans;
}

interface NetworkState {
  network: SimNetwork;
  v4: SimSubnet;
  v6: SimSubnet | undefined;
  nextHost: number;
}

const FLAVORS = ['s6.medium.2', 's6.large.2', 's6.xlarge.2', 'c7.large.4', 'm6.xlarge.8'];
const IMAGES_PER_FLEET = 4;
const COMPUTE_HOSTS = 8;
const FLEET_EPOCH = Date.UTC(2023, 0, 1);
const DAY = 86_400_000;

export interface FleetOptions {
  /**
   * Another tenant's view of the same cloud: every id stays the same, but server names get the
   * prefix `<variant>-`, open-port paths start `/opt/<variant>`, and VIP used ports are shifted,
   * so two credentials with different variants never get the same answer from Nova, HSS open
   * ports or ZStack. Empty means none.
   */
  variant?: string;
  /**
   * Servers in all, for scale tests: past the 64 of the base fleet, the rest are batch, app and web
   * servers on a network of their own (`scale-net`, 10.128.0.0/16). The base fleet's ids stay the same.
   */
  servers?: number;
}

/** A deterministic simulated cloud: the same seed (and variant) always gives the same fleet. */
export function generateFleet(seed = 42, options: FleetOptions = {}): Fleet {
  const base = generateBaseFleet(seed);
  const fleet = (options.servers ?? 0) > base.servers.length ? withMoreServers(base, options.servers ?? 0, seed) : base;
  return options.variant ? applyVariant(fleet, options.variant) : fleet;
}

const SCALE_ROLES: Role[] = ['batch', 'app', 'web'];

function withMoreServers(base: Fleet, total: number, seed: number): Fleet {
  const rng = new Rng(seed + 1_000_003);
  const builder = new FleetBuilder(rng);
  const net = builder.network('scale-net', ['scale-v4', '10.128.0.0/16'], undefined);
  const servers = [...base.servers];
  const openPorts = { ...base.openPorts };
  const template = base.servers[0];
  for (let n = base.servers.length; n < total; n++) {
    const id = rng.uuid();
    const role = SCALE_ROLES[n % SCALE_ROLES.length] ?? 'batch';
    const status = weightedStatus(rng);
    const interfaces = [builder.attach(net, false, id, status === 'SHUTOFF' ? 'DOWN' : 'ACTIVE')];
    const createdMs = FLEET_EPOCH + rng.int(0, 600) * DAY + rng.int(0, DAY / 1000 - 1) * 1000;
    servers.push({
      id,
      name: `${role}-s${String(n).padStart(4, '0')}`,
      status,
      created: isoSeconds(createdMs),
      tenant_id: base.projectId,
      interfaces,
      updated: isoSeconds(createdMs + rng.int(60, 90 * 86_400) * 1000),
      user_id: template?.user_id ?? rng.hex(16),
      hostId: template?.hostId ?? rng.hex(28),
      key_name: 'ops-key',
      flavorId: rng.pick(FLAVORS),
      imageId: template?.imageId ?? rng.uuid(),
      availability_zone: rng.pick(['az1', 'az2', 'az3']),
      metadata: { role },
    });
    openPorts[id] = openPortsFor({ id, role, ipv4: interfaces[0]?.fixed_ips?.[0]?.ip_address, ipv6: undefined }, rng);
  }
  servers.sort((a, b) => compare(b.created, a.created) || compare(b.id, a.id));
  return {
    ...base,
    networks: [...base.networks, net.network],
    subnets: [...base.subnets, ...builder.subnets],
    servers,
    ports: [...base.ports, ...builder.ports].sort((a, b) => compare(a.id, b.id)),
    openPorts,
    statistics: portStatistics(Object.values(openPorts)),
  };
}

function applyVariant(fleet: Fleet, variant: string): Fleet {
  // 1..999, from the variant's characters: the same variant always shifts by the same amount.
  let hash = 0;
  for (const ch of variant) hash = (Math.imul(hash, 31) + (ch.codePointAt(0) ?? 0)) >>> 0;
  const shift = 1 + (hash % 999);
  const shifted = (ports: string[]): string[] => ports.map((p) => String(((Number(p) - 1 + shift) % 65535) + 1));
  return {
    ...fleet,
    servers: fleet.servers.map((s) => ({ ...s, name: `${variant}-${s.name}` })),
    openPorts: Object.fromEntries(
      Object.entries(fleet.openPorts).map(([id, list]) => [
        id,
        list.map((p) => ({ ...p, path: `/opt/${variant}${p.path ?? ''}` })),
      ]),
    ),
    vips: fleet.vips.map((v) => ({
      ...v,
      usedPorts: { TCP: shifted(v.usedPorts.TCP), UDP: shifted(v.usedPorts.UDP) },
    })),
  };
}

function generateBaseFleet(seed: number): Fleet {
  const rng = new Rng(seed);
  const projectId = DEMO_PROJECT_ID;
  const builder = new FleetBuilder(rng);

  const nets = new Map<NetKey, NetworkState>();
  for (const plan of NETWORK_PLAN) nets.set(plan.key, builder.network(plan.name, plan.v4, plan.v6));
  const net = (key: NetKey): NetworkState => {
    const state = nets.get(key);
    if (state === undefined) throw new Error(`no network ${key}`);
    return state;
  };

  const routerId = rng.uuid();
  for (const state of nets.values()) builder.infrastructurePorts(state, routerId);

  const userId = rng.hex(16);
  const hostIds = Array.from({ length: COMPUTE_HOSTS }, () => rng.hex(28));
  const imageIds = Array.from({ length: IMAGES_PER_FLEET }, () => rng.uuid());

  const servers: SimServer[] = [];
  const openPorts: Record<string, HssOpenPort[]> = {};
  const byName = new Map<string, SimServer>();
  for (const plan of serverPlans()) {
    const id = rng.uuid();
    const status = plan.status ?? (plan.role === 'batch' || plan.role === 'app' ? weightedStatus(rng) : 'ACTIVE');
    const portState = status === 'SHUTOFF' ? 'DOWN' : 'ACTIVE';
    const interfaces = plan.attach.map((a) => builder.attach(net(a.net), a.dual ?? false, id, portState));
    const createdMs = FLEET_EPOCH + rng.int(0, 600) * DAY + rng.int(0, DAY / 1000 - 1) * 1000;
    const server: SimServer = {
      id,
      name: plan.name,
      status,
      created: isoSeconds(createdMs),
      tenant_id: projectId,
      interfaces,
      updated: isoSeconds(createdMs + rng.int(60, 90 * 86_400) * 1000),
      user_id: userId,
      hostId: rng.pick(hostIds),
      key_name: rng.chance(0.8) ? 'ops-key' : null,
      flavorId: rng.pick(FLAVORS),
      imageId: rng.pick(imageIds),
      availability_zone: rng.pick(['az1', 'az2', 'az3']),
      metadata: { role: plan.role },
    };
    servers.push(server);
    byName.set(plan.name, server);
    const fixed = interfaces.flatMap((i) => i.fixed_ips ?? []);
    openPorts[id] = openPortsFor(
      {
        id,
        role: plan.role,
        ipv4: fixed.find((f) => !f.ip_address.includes(':'))?.ip_address,
        ipv6: fixed.find((f) => f.ip_address.includes(':'))?.ip_address,
      },
      rng,
    );
  }

  for (const key of ['poolA', 'poolB'] as const) builder.fillPool(net(key), POOLS[key]);

  // Nova lists newest first (created_at desc, then id desc).
  servers.sort((a, b) => compare(b.created, a.created) || compare(b.id, a.id));
  const vips = generateVips(rng);
  const special = (name: string): string => {
    const server = byName.get(name);
    if (server === undefined) throw new Error(`no server ${name}`);
    return server.id;
  };

  return {
    projectId,
    networks: [...nets.values()].map((s) => s.network),
    subnets: builder.subnets,
    servers,
    ports: builder.ports.sort((a, b) => compare(a.id, b.id)),
    openPorts,
    statistics: portStatistics(Object.values(openPorts)),
    vips,
    special: {
      bigOpenPortsServerId: special('media-01'),
      noInterfacesServerId: special('build-agent-01'),
      multiInterfaceServerId: special('lb-01'),
      dualStackServerId: special('web-01'),
      bigSubnetId: net('poolA').v4.id,
      vipId: vips.find((v) => v.name === 'vip-media')?.uuid ?? '',
    },
  };
}

/** Collects networks, subnets and ports while handing out addresses. */
class FleetBuilder {
  readonly subnets: SimSubnet[] = [];
  readonly ports: VpcPort[] = [];
  private readonly macs = new Set<string>();

  constructor(private readonly rng: Rng) {}

  network(name: string, v4: [string, string], v6: [string, string] | undefined): NetworkState {
    const network = { id: this.rng.uuid(), name };
    const subnet = ([subnetName, cidr]: [string, string], ipVersion: 4 | 6): SimSubnet => {
      const s: SimSubnet = { id: this.rng.uuid(), networkId: network.id, cidr, ipVersion, name: subnetName };
      this.subnets.push(s);
      return s;
    };
    return { network, v4: subnet(v4, 4), v6: v6 && subnet(v6, 6), nextHost: 10 };
  }

  /** The router interface (.1) and the DHCP port (.2) every Neutron network has. */
  infrastructurePorts(state: NetworkState, routerId: string): void {
    const gateway: UpstreamFixedIp[] = [{ subnet_id: state.v4.id, ip_address: hostAddress(state.v4.cidr, 1) }];
    if (state.v6) gateway.push({ subnet_id: state.v6.id, ip_address: `${v6Prefix(state.v6.cidr)}::1` });
    this.port(state, routerId, 'ACTIVE', gateway);
    const dhcpDevice = `dhcp${this.rng.uuid()}-${state.network.id}`;
    this.port(state, dhcpDevice, 'ACTIVE', [{ subnet_id: state.v4.id, ip_address: hostAddress(state.v4.cidr, 2) }]);
  }

  /** A server NIC: a port owned by the server and the matching Nova interface attachment. */
  attach(state: NetworkState, dual: boolean, serverId: string, portState: string): NovaInterfaceAttachment {
    const mac = this.mac();
    const fixedIps: UpstreamFixedIp[] = [{ subnet_id: state.v4.id, ip_address: this.nextV4(state) }];
    if (dual && state.v6) fixedIps.push({ subnet_id: state.v6.id, ip_address: slaacAddress(state.v6.cidr, mac) });
    const port = this.port(state, serverId, portState, fixedIps);
    return {
      port_id: port.id,
      mac_addr: mac,
      net_id: state.network.id,
      port_state: portState,
      fixed_ips: fixedIps.map((f) => ({ ...f })),
    };
  }

  /** Fills a desktop pool to `total` ports: desktops' NICs, then free (reserved) addresses. */
  fillPool(state: NetworkState, plan: { total: number; desktops: number }): void {
    const owned = this.ports.filter((p) => p.network_id === state.network.id).length;
    for (let i = owned; i < plan.total; i++) {
      const desktop = i - owned < plan.desktops;
      const device = desktop ? this.rng.uuid() : '';
      const status = desktop ? (this.rng.chance(0.9) ? 'ACTIVE' : 'DOWN') : 'DOWN';
      this.port(state, device, status, [{ subnet_id: state.v4.id, ip_address: this.nextV4(state) }]);
    }
  }

  private port(state: NetworkState, deviceId: string, status: string, fixedIps: UpstreamFixedIp[]): VpcPort {
    const port: VpcPort = {
      id: this.rng.uuid(),
      status,
      network_id: state.network.id,
      device_id: deviceId,
      fixed_ips: fixedIps.map((f) => ({ ...f })),
    };
    this.ports.push(port);
    return port;
  }

  private nextV4(state: NetworkState): string {
    return hostAddress(state.v4.cidr, state.nextHost++);
  }

  private mac(): string {
    for (;;) {
      const mac = `fa:16:3e:${this.rng.hex(3).match(/../g)?.join(':') ?? ''}`;
      if (!this.macs.has(mac)) {
        this.macs.add(mac);
        return mac;
      }
    }
  }
}

function weightedStatus(rng: Rng): string {
  const r = rng.next();
  return r < 0.12 ? 'SHUTOFF' : r < 0.15 ? 'PAUSED' : 'ACTIVE';
}

/** The `offset`-th address of an IPv4 CIDR. */
function hostAddress(cidr: string, offset: number): string {
  const [base = ''] = cidr.split('/');
  const n = base.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0) + offset;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** `2001:db8:a:10::/64` → `2001:db8:a:10`. */
function v6Prefix(cidr: string): string {
  return cidr.split('::')[0] ?? '';
}

/** The EUI-64 (SLAAC) address OpenStack gives a port with this MAC on an IPv6 /64. */
function slaacAddress(cidr: string, mac: string): string {
  const b = mac.split(':').map((x) => parseInt(x, 16));
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0] = b;
  const groups = [((b0 ^ 0x02) << 8) | b1, (b2 << 8) | 0xff, 0xfe00 | b3, (b4 << 8) | b5];
  return `${v6Prefix(cidr)}:${groups.map((g) => g.toString(16)).join(':')}`;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Used-port rules per VIP, in creation order; `[a, b]` is a range. Expanded, never merged. */
type PortRules = Array<number | [number, number]>;

const VIP_PLAN: Array<{ name: string; ip: string; TCP: PortRules; UDP: PortRules }> = [
  { name: 'vip-web', ip: '172.20.0.10', TCP: [443, 80, [8000, 8002], 80, 22], UDP: [] },
  { name: 'vip-dns', ip: '172.20.0.11', TCP: [53], UDP: [53, 53, 123, [5353, 5355]] },
  { name: 'vip-media', ip: '172.20.0.12', TCP: [[10000, 10999], 443, [10500, 10510]], UDP: [[10000, 10099], 3478] },
  { name: 'vip-db', ip: '172.20.0.13', TCP: [3306, 33060, 3306], UDP: [] },
  { name: 'vip-mail', ip: '172.20.0.14', TCP: [25, 587, 465, 993, 25], UDP: [] },
  { name: 'vip-game', ip: '172.20.0.15', TCP: [27015], UDP: [[27015, 27030], [27000, 27005], 27015] },
];

function generateVips(rng: Rng): SimVip[] {
  const expand = (rules: PortRules): string[] =>
    rules.flatMap((r) => {
      const [from, to] = typeof r === 'number' ? [r, r] : r;
      return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
    });
  return VIP_PLAN.map((v) => ({
    uuid: rng.hex(16),
    name: v.name,
    ip: v.ip,
    usedPorts: { TCP: expand(v.TCP), UDP: expand(v.UDP) },
  }));
}
