import type { ServerResolvers } from '../generated/resolvers-types.js';
import type { ServerParent } from '../model.js';
import type { Context } from '../context.js';
import { checkId } from '../rules/arguments.js';
import { filterOpenPorts } from './open-port-filter.js';
import { prefetchServerFields } from './server-prefetch.js';

/** The Nova record, fetched only when the parent did not already have it. */
async function record(server: ServerParent, { loaders }: Context) {
  return server.record ?? (await loaders.server.load(server.id));
}

export const Server: ServerResolvers = {
  __resolveReference: async ({ id }, context, info) => {
    checkId(id);
    prefetchServerFields(context.loaders, [id], info);
    const found = await context.loaders.server.load(id);
    return found === null ? null : { id, record: found };
  },
  id: (server) => server.id,
  name: async (server, _, context) => (await record(server, context))?.name ?? null,
  status: async (server, _, context) => (await record(server, context))?.status ?? null,
  interfaces: async (server, _, { loaders }) =>
    (await loaders.interfaces.load(server.id)).map((attachment) => ({ ...attachment, serverId: server.id })),
  openPorts: async (server, args, { loaders }) => filterOpenPorts(await loaders.openPorts.load(server.id), args),
};
