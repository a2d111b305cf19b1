import type { OpenPortResolvers } from '../generated/resolvers-types.js';
import { toProtocol, toRisk } from '../rules/risk.js';

export const OpenPort: OpenPortResolvers = {
  port: (p) => p.port,
  // filterOpenPorts drops records whose type is not TCP or UDP, so this is always set.
  protocol: (p) => toProtocol(p.type)?.protocol ?? 'TCP',
  listenAddress: (p) => p.laddr ?? null,
  risk: (p) => toRisk(p.status),
  pid: (p) => p.pid ?? null,
  processPath: (p) => p.path ?? null,
  server: (p) => ({ id: p.serverId }),
};
