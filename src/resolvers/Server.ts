import type { ServerResolvers } from '../generated/resolvers-types.js';
import type { ServerParent } from '../model.js';
import type { Context } from '../context.js';
import { checkId } from '../rules/arguments.js';
import { filterOpenPorts } from './open-port-filter.js';
import { prefetchServerFields } from './server-prefetch.js';

/**
 * A field of the server's Nova record. A server listed by a page already has its record, and the
 * field is read at once: no promise for each of a fleet's names and statuses. A server known only
 * by id fetches its record.
 */
function recordField(key: 'name' | 'status') {
  return (server: ServerParent, _: unknown, { loaders }: Context) =>
    server.record !== undefined
      ? (server.record[key] ?? null)
      : loaders.server.load(server.id).then((found) => found?.[key] ?? null);
}

export const Server: ServerResolvers = {
  __resolveReference: async ({ id }, context, info) => {
    checkId(id);
    prefetchServerFields(context.loaders, [id], info);
    const found = await context.loaders.server.load(id);
    return found === null ? null : { id, record: found };
  },
  name: recordField('name'),
  status: recordField('status'),
  interfaces: (server, _, { loaders }) => loaders.interfaces.load(server.id),
  openPorts: (server, args, { loaders }) => loaders.openPorts.load(server.id).then((ports) => filterOpenPorts(ports, args)),
};
