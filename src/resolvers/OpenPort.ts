import type { OpenPortResolvers } from '../generated/resolvers-types.js';
import { toProtocol, toRisk } from '../rules/risk.js';

// `port` and `pid` need no resolver: the HSS record's fields have those names.
export const OpenPort: OpenPortResolvers = {
  // filterOpenPorts drops records whose type is not TCP or UDP, so this is always set.
  protocol: (p) => toProtocol(p.type)?.protocol ?? 'TCP',
  listenAddress: (p) => p.laddr ?? null,
  risk: (p) => toRisk(p.status),
  processPath: (p) => p.path ?? null,
  server: (p) => ({ id: p.serverId }),
};
