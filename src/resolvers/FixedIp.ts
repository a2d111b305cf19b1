import type { FixedIpResolvers } from '../generated/resolvers-types.js';
import { reachableOn } from '../rules/listen-address.js';
import type { OpenPortParent } from '../model.js';
import { filterOpenPorts } from './open-port-filter.js';

// ipAddress and subnet need no resolver: fixed IPs are shaped once (see shapeFixedIps).
export const FixedIp: FixedIpResolvers = {
  openPorts: (ip, args, { loaders }) => {
    const reachable = (ports: OpenPortParent[]) => {
      const on = reachableOn(ip.ipAddress);
      return filterOpenPorts(ports.filter((p) => on(p.listenAddress)), args);
    };
    if (ip.serverId !== undefined) return loaders.openPorts.load(ip.serverId).then(reachable);
    if (ip.deviceId === undefined) return [];
    // A port's device is asked about at HSS only once Nova says it is a server.
    return loaders.server.load(ip.deviceId).then((server) => (server === null ? [] : loaders.openPorts.load(server.id).then(reachable)));
  },
};
