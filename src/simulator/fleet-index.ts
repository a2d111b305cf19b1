import type { HssOpenPort, HssPortStatistic, VpcPort } from '../sources/records.js';
import type { Fleet, SimVip } from './fleet.js';

/** Ports in id order, with one pre-serialized JSON string each and position lists per filter. */
export interface PortIndex {
  ports: VpcPort[];
  ids: string[];
  json: string[];
  /** Positions (ascending) of every port. */
  all: number[];
  used: number[];
  unused: number[];
  bySubnet: Map<string, number[]>;
  byIp: Map<string, number[]>;
}

export interface OpenPortList {
  records: HssOpenPort[];
  json: string[];
}

/**
 * Lookups built once when the simulator starts, so every request is a map hit plus a slice. The
 * fleet is treated as immutable from then on.
 */
export interface FleetIndex {
  fleet: Fleet;
  serverPosition: Map<string, number>;
  networkNames: Map<string, string>;
  ports: PortIndex;
  openPorts: Map<string, OpenPortList>;
  statistics: { asc: HssPortStatistic[]; desc: HssPortStatistic[] };
  /** `usedports` bodies by VIP uuid and protocol. */
  usedPorts: Map<string, { TCP: string; UDP: string }>;
}

export function buildFleetIndex(fleet: Fleet): FleetIndex {
  return {
    fleet,
    serverPosition: new Map(fleet.servers.map((s, i) => [s.id, i])),
    networkNames: new Map(fleet.networks.map((n) => [n.id, n.name])),
    ports: indexPorts(fleet.ports),
    openPorts: new Map(
      Object.entries(fleet.openPorts).map(([id, records]) => [
        id,
        { records, json: records.map((r) => JSON.stringify(r)) },
      ]),
    ),
    statistics: { asc: fleet.statistics, desc: [...fleet.statistics].reverse() },
    usedPorts: new Map(fleet.vips.map((v) => [v.uuid, usedPortsBodies(v)])),
  };
}

function indexPorts(unsorted: VpcPort[]): PortIndex {
  const ports = [...unsorted].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const index: PortIndex = {
    ports,
    ids: ports.map((p) => p.id),
    json: ports.map((p) => JSON.stringify(p)),
    all: ports.map((_, i) => i),
    used: [],
    unused: [],
    bySubnet: new Map(),
    byIp: new Map(),
  };
  ports.forEach((port, i) => {
    (port.device_id ? index.used : index.unused).push(i);
    const subnets = new Set<string>();
    for (const ip of port.fixed_ips ?? []) {
      subnets.add(ip.subnet_id);
      push(index.byIp, ip.ip_address, i);
    }
    for (const subnet of subnets) push(index.bySubnet, subnet, i);
  });
  return index;
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else if (list[list.length - 1] !== value) list.push(value);
}

function usedPortsBodies(vip: SimVip): { TCP: string; UDP: string } {
  const body = (protocol: 'TCP' | 'UDP'): string =>
    JSON.stringify({ inventories: [{ uuid: vip.uuid, protocol, usedPorts: vip.usedPorts[protocol] }] });
  return { TCP: body('TCP'), UDP: body('UDP') };
}
