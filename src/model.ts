// What each GraphQL object's resolvers receive (codegen mappers point here): the raw upstream
// records, plus the id of the server a record was fetched for where a child field needs it.
import type {
  HssOpenPort,
  HssPortStatistic,
  NovaInterfaceAttachment,
  NovaServer,
  UpstreamFixedIp,
  VpcPort,
} from './sources/records.js';

/** A server known by id, with its Nova record when the parent already fetched it. */
export interface ServerParent {
  id: string;
  record?: NovaServer;
}

export interface InterfaceParent extends NovaInterfaceAttachment {
  serverId: string;
}

/** `serverId` is undefined for a port that is attached to no server. */
export interface FixedIpParent extends UpstreamFixedIp {
  serverId: string | undefined;
}

export interface OpenPortParent extends HssOpenPort {
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
