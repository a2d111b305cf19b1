// What a typical hand-built GraphQL wrapper over the same REST APIs looks like: each field calls its
// endpoint when it resolves, with no DataLoader, no prefetch and no indexed walks. Only the bench uses it.
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
import { listensOn } from '../src/rules/listen-address.js';
import { toProtocol, toRisk } from '../src/rules/risk.js';
import { readTypeDefs } from '../src/schema.js';
import type { CallScope } from '../src/sources/http.js';
import type { HssClient } from '../src/sources/hss.js';
import type { NovaClient } from '../src/sources/nova.js';
import type { HssOpenPort, NovaInterfaceAttachment, NovaServer, UpstreamFixedIp, VpcPort } from '../src/sources/records.js';
import type { VpcClient } from '../src/sources/vpc.js';

export interface NaiveContext {
  nova: NovaClient;
  vpc: VpcClient;
  hss: HssClient;
  scope: CallScope;
}

type Iface = NovaInterfaceAttachment & { serverId: string };
type Ip = UpstreamFixedIp & { serverId: string | undefined };
type Open = HssOpenPort & { serverId: string };

const openPort = {
  port: (p: Open) => p.port,
  protocol: (p: Open) => toProtocol(p.type)?.protocol ?? 'TCP',
  listenAddress: (p: Open) => p.laddr ?? null,
  risk: (p: Open) => toRisk(p.status),
  pid: (p: Open) => p.pid ?? null,
  processPath: (p: Open) => p.path ?? null,
  server: (p: Open) => ({ id: p.serverId }),
};

async function openPortsOf(ctx: NaiveContext, serverId: string): Promise<Open[]> {
  return (await ctx.hss.listAllOpenPorts(ctx.scope, serverId)).map((p) => ({ ...p, serverId }));
}

const resolvers = {
  Query: {
    server: (_: unknown, { id }: { id: string }, ctx: NaiveContext) => ctx.nova.getServer(ctx.scope, id),
    servers: async (_: unknown, { first }: { first?: number }, ctx: NaiveContext) => {
      const { servers } = await ctx.nova.listServersDetail(ctx.scope, { limit: Math.min(first ?? 50, 1000) });
      return { nodes: servers, edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: null };
    },
    subnet: (_: unknown, { id }: { id: string }) => ({ id }),
  },
  Server: {
    interfaces: async (s: NovaServer, _: unknown, ctx: NaiveContext) =>
      (await ctx.nova.listInterfaces(ctx.scope, s.id)).map((a) => ({ ...a, serverId: s.id })),
    openPorts: (s: NovaServer, _: unknown, ctx: NaiveContext) => openPortsOf(ctx, s.id),
  },
  Interface: {
    portId: (a: Iface) => a.port_id,
    macAddress: (a: Iface) => a.mac_addr ?? null,
    networkId: (a: Iface) => a.net_id ?? null,
    state: (a: Iface) => a.port_state ?? null,
    fixedIps: (a: Iface) => (a.fixed_ips ?? []).map((f) => ({ ...f, serverId: a.serverId })),
  },
  FixedIp: {
    ipAddress: (f: Ip) => f.ip_address,
    subnet: (f: Ip) => ({ id: f.subnet_id }),
    openPorts: async (f: Ip, _: unknown, ctx: NaiveContext) =>
      f.serverId === undefined ? [] : (await openPortsOf(ctx, f.serverId)).filter((p) => listensOn(p.laddr, f.ip_address)),
  },
  OpenPort: openPort,
  Subnet: {
    ports: async (s: { id: string }, { first, after }: { first?: number; after?: string }, ctx: NaiveContext) => {
      const count = first ?? 50;
      const marker = after ?? undefined;
      const page = await ctx.vpc.listPorts(ctx.scope, { subnet_id: s.id, limit: count + 1, marker });
      const nodes = page.slice(0, count);
      return { nodes, edges: [], pageInfo: { hasNextPage: page.length > count, endCursor: nodes.at(-1)?.id ?? null }, totalCount: null };
    },
  },
  Port: {
    deviceId: (p: VpcPort) => p.device_id || null,
    fixedIps: (p: VpcPort) => (p.fixed_ips ?? []).map((f) => ({ ...f, serverId: p.device_id || undefined })),
  },
};

export function buildNaiveSchema(): GraphQLSchema {
  return buildSubgraphSchema([{ typeDefs: parse(readTypeDefs()), resolvers: resolvers as never }]);
}
