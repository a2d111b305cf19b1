import type { OpenPortResolvers } from '../generated/resolvers-types.js';

// The scalar fields need no resolver: the open-port loader shapes each HSS record once, with the
// graph's field names (see shapeOpenPorts in src/loaders/parents.ts).
export const OpenPort: OpenPortResolvers = {
  server: (p) => ({ id: p.serverId }),
};
