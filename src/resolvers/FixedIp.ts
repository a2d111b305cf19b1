import type { FixedIpResolvers } from '../generated/resolvers-types.js';
import { reachableOn } from '../rules/listen-address.js';
import { filterOpenPorts } from './open-port-filter.js';

// ipAddress and subnet need no resolver: fixed IPs are shaped once (see shapeFixedIps).
export const FixedIp: FixedIpResolvers = {
  openPorts: (ip, args, { loaders }) => {
    if (ip.serverId === undefined) return [];
    return loaders.openPorts.load(ip.serverId).then((ports) => {
      const reachable = reachableOn(ip.ipAddress);
      return filterOpenPorts(ports.filter((p) => reachable(p.listenAddress)), args);
    });
  },
};
