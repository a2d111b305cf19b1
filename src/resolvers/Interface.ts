import type { InterfaceResolvers } from '../generated/resolvers-types.js';

// The scalar fields and fixedIps need no resolver: the interfaces loader shapes each attachment
// once, with the graph's field names (see shapeInterfaces).
export const Interface: InterfaceResolvers = {
  port: (a, _, { loaders }) => loaders.port.load({ id: a.portId, ip: a.fixedIps[0]?.ipAddress }),
  server: (a) => ({ id: a.serverId }),
};
