import type { FixedIpResolvers } from '../generated/resolvers-types.js';
import { listensOn } from '../rules/listen-address.js';
import { filterOpenPorts } from './open-port-filter.js';

export const FixedIp: FixedIpResolvers = {
  ipAddress: (ip) => ip.ip_address,
  subnet: (ip) => ({ id: ip.subnet_id }),
  openPorts: async (ip, args, { loaders }) => {
    if (ip.serverId === undefined) return [];
    const reachable = (await loaders.openPorts.load(ip.serverId)).filter((p) => listensOn(p.listenAddress, ip.ip_address));
    return filterOpenPorts(reachable, args);
  },
};
