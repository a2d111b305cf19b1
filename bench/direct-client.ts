// The hand-written REST client portgraph is measured against: the minimal calls, as parallel as the
// data dependencies allow, over the same undici settings, building the same JSON as the GraphQL answer.
import { Agent } from 'undici';
import { listensOn } from '../src/rules/listen-address.js';
import { toProtocol, toRisk } from '../src/rules/risk.js';
import type { HssOpenPort, HssPage, NovaInterfaceAttachment, NovaServer, VpcPort } from '../src/sources/records.js';

export interface DirectTarget {
  url: string;
  projectId: string;
  token: string;
}

export type DirectClient = ReturnType<typeof createDirectClient>;

export function createDirectClient(target: DirectTarget) {
  const agent = new Agent({ connections: 256, pipelining: 1, keepAliveTimeout: 10_000 });
  const base = `${target.url}`;

  async function get<T>(path: string, query: Record<string, string | number> = {}): Promise<T> {
    const search = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
    const { statusCode, body } = await agent.request({
      origin: base,
      path: `${path}${search === '' ? '' : `?${search}`}`,
      method: 'GET',
      headers: { accept: 'application/json', 'x-auth-token': target.token },
    });
    const json = (await body.json()) as T;
    if (statusCode !== 200) throw new Error(`direct client: ${statusCode} for ${path}`);
    return json;
  }

  const nova = `/v2.1/${target.projectId}`;
  const hss = `/v5/${target.projectId}/asset/ports`;

  async function openPortsOf(id: string): Promise<HssOpenPort[]> {
    const first = await get<HssPage<HssOpenPort>>(hss, { host_id: id, offset: 0, limit: 200 });
    const offsets: number[] = [];
    for (let o = 200; o < first.total_num; o += 200) offsets.push(o);
    const rest = await Promise.all(offsets.map((offset) => get<HssPage<HssOpenPort>>(hss, { host_id: id, offset, limit: 200 })));
    return [first, ...rest].flatMap((p) => p.data_list);
  }

  const openPort = (p: HssOpenPort) => ({
    port: p.port,
    protocol: toProtocol(p.type)?.protocol ?? 'TCP',
    listenAddress: p.laddr ?? null,
    risk: toRisk(p.status),
    pid: p.pid ?? null,
    processPath: p.path ?? null,
  });

  function serverNode(server: NovaServer, interfaces: NovaInterfaceAttachment[], open: HssOpenPort[]) {
    return {
      id: server.id,
      name: server.name ?? null,
      status: server.status ?? null,
      interfaces: interfaces.map((a) => ({
        portId: a.port_id,
        macAddress: a.mac_addr ?? null,
        networkId: a.net_id ?? null,
        state: a.port_state ?? null,
        fixedIps: (a.fixed_ips ?? []).map((f) => ({
          ipAddress: f.ip_address,
          subnet: { id: f.subnet_id },
          openPorts: open.filter((p) => listensOn(p.laddr, f.ip_address)).map(openPort),
        })),
      })),
      openPorts: open.map(openPort),
    };
  }

  return {
    /** One server: server record, interfaces and open ports all at once (1 layer). */
    async serverWalk(id: string) {
      const [{ server }, { interfaceAttachments }, open] = await Promise.all([
        get<{ server: NovaServer }>(`${nova}/servers/${encodeURIComponent(id)}`),
        get<{ interfaceAttachments: NovaInterfaceAttachment[] }>(`${nova}/servers/${encodeURIComponent(id)}/os-interface`),
        openPortsOf(id),
      ]);
      return { data: { server: serverNode(server, interfaceAttachments, open) } };
    },

    /** The fleet: the server list, then every server's interfaces and open ports in parallel (3 layers). */
    async fleetWalk() {
      const { servers } = await get<{ servers: NovaServer[] }>(`${nova}/servers/detail`, { limit: 1000 });
      const nodes = await Promise.all(
        servers.map(async (server) => {
          const [{ interfaceAttachments }, open] = await Promise.all([
            get<{ interfaceAttachments: NovaInterfaceAttachment[] }>(`${nova}/servers/${encodeURIComponent(server.id)}/os-interface`),
            openPortsOf(server.id),
          ]);
          return serverNode(server, interfaceAttachments, open);
        }),
      );
      return { data: { servers: { nodes } } };
    },

    /** Every port of a subnet, marker pages of 2000 one after another. */
    async subnetPortsWalk(subnetId: string) {
      const ports: VpcPort[] = [];
      let marker: string | undefined;
      for (;;) {
        const page = await get<{ ports: VpcPort[] }>(`/v2/${target.projectId}/ports`, {
          subnet_id: subnetId,
          limit: 2000,
          ...(marker === undefined ? {} : { marker }),
        });
        ports.push(...page.ports);
        if (page.ports.length < 2000) break;
        marker = page.ports.at(-1)?.id;
      }
      return ports.map((p) => ({ id: p.id, fixedIps: (p.fixed_ips ?? []).map((f) => ({ ipAddress: f.ip_address })) }));
    },

    close: () => agent.close(),
  };
}
