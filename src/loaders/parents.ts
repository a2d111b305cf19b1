import type { FixedIpParent, InterfaceParent, OpenPortParent } from '../model.js';
import { toProtocol, toRisk } from '../rules/risk.js';
import type { HssOpenPort, NovaInterfaceAttachment, UpstreamFixedIp } from '../sources/records.js';

// Interfaces, fixed IPs and open ports are shaped once, with the graph's field names, when their
// records arrive: their scalar fields then need no resolver, and a fleet walk reads thousands.

/** A server's Nova interface attachments as the graph shows them. */
export function shapeInterfaces(attachments: readonly NovaInterfaceAttachment[], serverId: string): InterfaceParent[] {
  return attachments.map((a) => ({
    portId: a.port_id,
    macAddress: a.mac_addr ?? null,
    networkId: a.net_id ?? null,
    state: a.port_state ?? null,
    fixedIps: shapeFixedIps(a.fixed_ips, { serverId }),
    serverId,
  }));
}

/** Fixed IPs of an interface (on a known server) or of a port (on a device, if any). */
export function shapeFixedIps(
  ips: readonly UpstreamFixedIp[] | null | undefined,
  owner: Pick<FixedIpParent, 'serverId' | 'deviceId'>,
): FixedIpParent[] {
  return (ips ?? []).map((ip) => ({ ipAddress: ip.ip_address, subnet: { id: ip.subnet_id }, ...owner }));
}

/** The graph's open ports of one server; a record whose type is not TCP or UDP (or their IPv6 forms) is left out. */
export function shapeOpenPorts(records: readonly HssOpenPort[], serverId: string): OpenPortParent[] {
  const ports: OpenPortParent[] = [];
  for (const record of records) {
    const protocol = toProtocol(record.type)?.protocol;
    if (protocol === undefined) continue;
    ports.push({
      port: record.port,
      protocol,
      listenAddress: record.laddr ?? null,
      risk: toRisk(record.status),
      pid: record.pid ?? null,
      processPath: record.path ?? null,
      serverId,
    });
  }
  return ports;
}
