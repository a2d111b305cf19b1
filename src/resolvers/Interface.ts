import type { InterfaceResolvers } from '../generated/resolvers-types.js';

export const Interface: InterfaceResolvers = {
  portId: (a) => a.port_id,
  macAddress: (a) => a.mac_addr ?? null,
  networkId: (a) => a.net_id ?? null,
  state: (a) => a.port_state ?? null,
  fixedIps: (a) => (a.fixed_ips ?? []).map((ip) => ({ ...ip, serverId: a.serverId })),
  port: (a, _, { loaders }) => loaders.port.load({ id: a.port_id, ip: a.fixed_ips?.[0]?.ip_address }),
  server: (a) => ({ id: a.serverId }),
};
