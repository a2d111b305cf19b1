import type { QueryResolvers } from '../generated/resolvers-types.js';
import { checkFirst, checkId, checkIpAddress, checkPort, checkPortString } from '../rules/arguments.js';
import { decodeMarker, decodeOffset, encodeCursor } from '../rules/cursor.js';
import { toProtocol } from '../rules/risk.js';
import { NOVA_MAX_LIMIT } from '../sources/nova.js';
import type { Loaders } from '../loaders/index.js';
import type { NovaServer } from '../sources/records.js';
import { connection } from './connections.js';
import { portsConnection } from './ports-connection.js';
import { prefetchServerFields } from './server-prefetch.js';

/**
 * `count` servers after `marker`, paging on while Nova has more: its `[api] max_limit` may cap a
 * page below what was asked for. One server more than asked tells whether more follow; once a
 * page is as large as Nova serves, its next link tells.
 */
async function serversAfter(loaders: Loaders, marker: string | undefined, count: number): Promise<{ servers: NovaServer[]; hasNextPage: boolean }> {
  const servers: NovaServer[] = [];
  let next = marker;
  for (;;) {
    const wanted = count - servers.length;
    const page = await loaders.serversPage.load({ marker: next, limit: Math.min(wanted + 1, NOVA_MAX_LIMIT) });
    servers.push(...page.servers.slice(0, wanted));
    if (page.servers.length > wanted) return { servers, hasNextPage: true };
    if (page.nextMarker === undefined || page.servers.length === 0) return { servers, hasNextPage: false };
    if (servers.length === count) return { servers, hasNextPage: true };
    next = page.nextMarker;
  }
}

export const Query: QueryResolvers = {
  server: async (_, { id }, { loaders }, info) => {
    checkId(id);
    prefetchServerFields(loaders, [id], info);
    const found = await loaders.server.load(id);
    return found === null ? null : { id, record: found };
  },

  servers: async (_, { first, after }, { loaders }, info) => {
    const count = checkFirst(first);
    const { servers, hasNextPage } = await serversAfter(loaders, decodeMarker('servers', after), count);
    for (const server of servers) loaders.server.prime(server.id, server);
    prefetchServerFields(loaders, servers.map((s) => s.id), info);
    return connection(
      servers.map((record) => ({ id: record.id, record })),
      (s) => encodeCursor('servers', { marker: s.id }),
      hasNextPage,
    );
  },

  port: (_, { id }, { loaders }) => loaders.port.load({ id: checkId(id) }),

  ports: (_, { filter, first, after }, { loaders }) =>
    portsConnection(
      loaders,
      {
        ip_address: filter?.ipAddress == null ? undefined : checkIpAddress(filter.ipAddress, 'filter.ipAddress'),
        subnet_id: filter?.subnetId == null ? undefined : checkId(filter.subnetId, 'filter.subnetId'),
        is_used: filter?.isUsed ?? undefined,
      },
      first,
      after,
    ),

  subnet: (_, { id }) => ({ id: checkId(id) }),

  vip: (_, { id }) => ({ id: checkId(id) }),

  openPortStatistics: async (_, { filter, first, after }, { loaders }) => {
    const count = checkFirst(first);
    const offset = decodeOffset('openPortStatistics', after);
    const page = await loaders.statistics.load({
      filter: {
        port: checkPort(filter?.port, 'filter.port'),
        port_string: checkPortString(filter?.portString),
        type: filter?.protocol ?? undefined,
        category: filter?.category?.toLowerCase(),
      },
      offset,
      first: count,
    });
    // A row of a type portgraph cannot name is left out; cursors keep the upstream offsets.
    const offsetAfter = new Map(page.data_list.map((row, index) => [row, offset + index + 1]));
    return connection(
      page.data_list.filter((row) => toProtocol(row.type) !== null),
      (row) => encodeCursor('openPortStatistics', { offset: offsetAfter.get(row) ?? offset }),
      offset + page.data_list.length < page.total_num,
      page.total_num,
    );
  },
};
