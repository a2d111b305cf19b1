import type { FixedIpParent, InterfaceParent } from '../model.js';
import type { NovaInterfaceAttachment, UpstreamFixedIp } from '../sources/records.js';

// Interfaces and fixed IPs are shaped once, with the graph's field names, when their records
// arrive: their scalar fields then need no resolver, and a fleet walk reads hundreds of them.

/** A server's Nova interface attachments as the graph shows them. */
export function shapeInterfaces(attachments: readonly NovaInterfaceAttachment[], serverId: string): InterfaceParent[] {
  return attachments.map((a) => ({
    portId: a.port_id,
    macAddress: a.mac_addr ?? null,
    networkId: a.net_id ?? null,
    state: a.port_state ?? null,
    fixedIps: shapeFixedIps(a.fixed_ips, serverId),
    serverId,
  }));
}

/** Fixed IPs of a port or an interface; `serverId` is undefined when the port is on no server. */
export function shapeFixedIps(ips: readonly UpstreamFixedIp[] | null | undefined, serverId: string | undefined): FixedIpParent[] {
  return (ips ?? []).map((ip) => ({ ipAddress: ip.ip_address, subnet: { id: ip.subnet_id }, serverId }));
}
