// What each GraphQL object's resolvers receive (codegen mappers point here): the raw upstream
// records, plus the id of the server a record was fetched for where a child field needs it. The
// records a fleet walk reads by the hundred or thousand (interfaces, fixed IPs, open ports) are
// shaped once instead, with the graph's field names, so that their scalar fields need no resolver.
import type { Risk } from './rules/risk.js';
import type { HssPortStatistic, NovaServer, VpcPort } from './sources/records.js';

/** A server known by id, with its Nova record when the parent already fetched it. */
export interface ServerParent {
  id: string;
  record?: NovaServer;
}

/** A Nova interface attachment as the graph shows it (see shapeInterfaces). */
export interface InterfaceParent {
  portId: string;
  macAddress: string | null;
  networkId: string | null;
  state: string | null;
  fixedIps: FixedIpParent[];
  /** The server the attachment was fetched for. */
  serverId: string;
}

/**
 * A fixed IP as the graph shows it. An interface's fixed IP is on a server Nova listed
 * (`serverId`); a port's is on whatever device the port is attached to (`deviceId`: a server, a
 * router, a DHCP agent, a desktop), which Nova is asked about before HSS is.
 */
export interface FixedIpParent {
  ipAddress: string;
  subnet: SubnetParent;
  serverId?: string | undefined;
  deviceId?: string | undefined;
}

/**
 * An open port as the graph shows it, shaped once from its HSS record when the page arrives, so
 * that its scalar fields need no resolver: a fleet walk reads thousands of them.
 */
export interface OpenPortParent {
  port: number;
  protocol: 'TCP' | 'UDP';
  listenAddress: string | null;
  risk: Risk;
  pid: number | null;
  processPath: string | null;
  /** The server the port was fetched for. */
  serverId: string;
}

export type PortParent = VpcPort;
export type OpenPortStatisticParent = HssPortStatistic;

export interface SubnetParent {
  id: string;
}

export interface VipParent {
  id: string;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number | null;
}

export type ServerConnectionParent = Connection<ServerParent>;
export type PortConnectionParent = Connection<PortParent>;
export type OpenPortStatisticConnectionParent = Connection<OpenPortStatisticParent>;
export type ServerEdgeParent = Edge<ServerParent>;
export type PortEdgeParent = Edge<PortParent>;
export type OpenPortStatisticEdgeParent = Edge<OpenPortStatisticParent>;
