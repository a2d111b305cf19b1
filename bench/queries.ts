// The bench queries, with the critical-path floor (DESIGN.md, "How fast it must be") and the exact
// upstream calls each needs at the minimum. Tests pin the call log of each to these lists.
import type { Fleet } from '../src/simulator/index.js';
import type { DirectClient } from './direct-client.js';
import { SERVER_WALK } from '../test/integration/expected.js';

/** One expected upstream call: route and the query it carries, plus the path for per-id routes. */
export interface ExpectedCall {
  route: string;
  path?: string;
  query: Record<string, string>;
}

export interface BenchQuery {
  name: string;
  /** GraphQL requests the walk makes, one after another (a paged walk makes several). */
  requests: (after: string | null) => { query: string; variables?: Record<string, unknown> };
  /** Follows the walk's cursor; null when it is done. */
  next: (data: any) => string | null;
  /** Dependent upstream round trips of the whole walk. */
  layers: (fleet: Fleet) => number;
  /** The minimal upstream calls, exactly. */
  minimumCalls: (fleet: Fleet, projectId: string) => ExpectedCall[];
  /** The same walk by the hand-written REST client, where it makes the same calls in the same layers. */
  direct?: (client: DirectClient, fleet: Fleet) => Promise<unknown>;
}

const hssPages = (fleet: Fleet, id: string) => Math.max(1, Math.ceil((fleet.openPorts[id]?.length ?? 0) / 200));

function hssCalls(fleet: Fleet, id: string): ExpectedCall[] {
  return Array.from({ length: hssPages(fleet, id) }, (_, i) => ({
    route: 'hss.ports',
    query: { host_id: id, offset: String(i * 200), limit: '200' },
  }));
}

export const SUBNET_PAGE = 1000;

export function subnetPortCount(fleet: Fleet): number {
  const id = fleet.special.bigSubnetId;
  return fleet.ports.filter((p) => p.fixed_ips?.some((f) => f.subnet_id === id)).length;
}

export const BENCH_QUERIES: BenchQuery[] = [
  {
    name: 'one server walk',
    requests: () => ({ query: `query ($id: ID!) { server(id: $id) { ${SERVER_WALK} } }`, variables: { id: '' } }),
    next: () => null,
    layers: (fleet) => (hssPages(fleet, fleet.special.multiInterfaceServerId) > 1 ? 2 : 1),
    direct: (client, fleet) => client.serverWalk(fleet.special.multiInterfaceServerId),
    minimumCalls: (fleet, project) => {
      const id = fleet.special.multiInterfaceServerId;
      return [
        { route: 'nova.server', path: `/v2.1/${project}/servers/${id}`, query: {} },
        { route: 'nova.interfaces', path: `/v2.1/${project}/servers/${id}/os-interface`, query: {} },
        ...hssCalls(fleet, id),
      ];
    },
  },
  {
    name: 'fleet walk',
    requests: () => ({ query: `{ servers(first: 1000) { nodes { ${SERVER_WALK} } } }` }),
    next: () => null,
    layers: () => 3,
    direct: (client) => client.fleetWalk(),
    minimumCalls: (fleet, project) => [
      { route: 'nova.servers.detail', path: `/v2.1/${project}/servers/detail`, query: { limit: '1000' } },
      ...fleet.servers.map((s) => ({ route: 'nova.interfaces', path: `/v2.1/${project}/servers/${s.id}/os-interface`, query: {} })),
      ...fleet.servers.flatMap((s) => hssCalls(fleet, s.id)),
    ],
  },
  {
    name: 'subnet ports walk',
    requests: (after) => ({
      query: `query ($id: ID!, $after: String) { subnet(id: $id) { ports(first: ${SUBNET_PAGE}, after: $after) { nodes { id status deviceId fixedIps { ipAddress } } pageInfo { hasNextPage endCursor } } } }`,
      variables: { id: '', after },
    }),
    next: (data) => (data.subnet.ports.pageInfo.hasNextPage ? data.subnet.ports.pageInfo.endCursor : null),
    layers: (fleet) => Math.max(1, Math.ceil(subnetPortCount(fleet) / SUBNET_PAGE)),
    minimumCalls: (fleet) => {
      const id = fleet.special.bigSubnetId;
      const ids = fleet.ports.filter((p) => p.fixed_ips?.some((f) => f.subnet_id === id)).map((p) => p.id);
      const pages = Math.max(1, Math.ceil(ids.length / SUBNET_PAGE));
      return Array.from({ length: pages }, (_, i) => ({
        route: 'vpc.ports',
        query: {
          subnet_id: id,
          limit: String(SUBNET_PAGE + 1),
          ...(i === 0 ? {} : { marker: ids[i * SUBNET_PAGE - 1] ?? '' }),
        },
      }));
    },
  },
];

/** The variables of a query for the fleet: the walked server or subnet. */
export function variablesFor(bench: BenchQuery, fleet: Fleet, after: string | null): Record<string, unknown> | undefined {
  const { variables } = bench.requests(after);
  if (variables === undefined) return undefined;
  const id = bench.name === 'subnet ports walk' ? fleet.special.bigSubnetId : fleet.special.multiInterfaceServerId;
  return { ...variables, id };
}
