// Expected answers derived straight from the simulated fleet, by rules written out plainly here
// rather than through portgraph's own modules.
import type { Fleet } from '../../src/simulator/index.js';
import type { HssOpenPort } from '../../src/sources/records.js';

const RISK: Record<string, string> = { danger: 'DANGER', normal: 'NORMAL' };

export function openPortAnswer(p: HssOpenPort) {
  return {
    port: p.port,
    protocol: p.type.replace('6', ''),
    listenAddress: p.laddr,
    risk: RISK[p.status ?? ''] ?? 'UNKNOWN',
    pid: p.pid ?? null,
    processPath: p.path ?? null,
  };
}

function onIp(laddr: string | undefined, ip: string): boolean {
  if (laddr === '::') return true;
  if (laddr === '0.0.0.0') return !ip.includes(':');
  return laddr === ip;
}

export function expectedServer(fleet: Fleet, id: string) {
  const server = fleet.servers.find((s) => s.id === id);
  if (server === undefined) throw new Error(`no server ${id} in the fleet`);
  const open = fleet.openPorts[id] ?? [];
  return {
    id,
    name: server.name,
    status: server.status,
    interfaces: server.interfaces.map((a) => ({
      portId: a.port_id,
      macAddress: a.mac_addr,
      networkId: a.net_id,
      state: a.port_state,
      fixedIps: (a.fixed_ips ?? []).map((f) => ({
        ipAddress: f.ip_address,
        subnet: { id: f.subnet_id },
        openPorts: open.filter((p) => onIp(p.laddr, f.ip_address)).map(openPortAnswer),
      })),
    })),
    openPorts: open.map(openPortAnswer),
  };
}

export const OPEN_PORT_FIELDS = 'port protocol listenAddress risk pid processPath';

export const SERVER_WALK = `
  id name status
  interfaces {
    portId macAddress networkId state
    fixedIps { ipAddress subnet { id } openPorts { ${OPEN_PORT_FIELDS} } }
  }
  openPorts { ${OPEN_PORT_FIELDS} }
`;
