import type { OpenPortStatisticResolvers } from '../generated/resolvers-types.js';
import { toProtocol, toRisk } from '../rules/risk.js';

export const OpenPortStatistic: OpenPortStatisticResolvers = {
  port: (s) => s.port,
  // Query.openPortStatistics drops rows whose type is not TCP, UDP, TCP6 or UDP6.
  protocol: (s) => toProtocol(s.type)?.protocol ?? 'TCP',
  ipv6: (s) => toProtocol(s.type)?.ipv6 ?? false,
  serverCount: (s) => s.num,
  risk: (s) => toRisk(s.status),
};
