import type { PortResolvers } from '../generated/resolvers-types.js';
import { shapeFixedIps } from '../loaders/parents.js';
import { checkId, isId } from '../rules/arguments.js';

export const Port: PortResolvers = {
  __resolveReference: ({ id }, { loaders }) => loaders.port.load({ id: checkId(id) }),
  status: (p) => p.status ?? null,
  networkId: (p) => p.network_id ?? null,
  deviceId: (p) => (p.device_id === undefined || p.device_id === '' ? null : p.device_id),
  fixedIps: (p) => shapeFixedIps(p.fixed_ips, { deviceId: isId(p.device_id) ? p.device_id : undefined }),
  // A device id may name a DHCP agent or router rather than a server: Nova's 404 then gives null.
  server: async (p, _, { loaders }) => {
    if (!isId(p.device_id)) return null;
    const found = await loaders.server.load(p.device_id);
    return found === null ? null : { id: found.id, record: found };
  },
};
