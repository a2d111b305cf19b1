import { describe, expect, it } from 'vitest';
import { shapeOpenPorts } from '../../src/loaders/parents.js';
import { filterOpenPorts } from '../../src/resolvers/open-port-filter.js';

describe('shapeOpenPorts', () => {
  const records = [
    { port: 22, type: 'TCP', laddr: '0.0.0.0', status: 'danger', pid: 812, path: '/usr/sbin/sshd', host_id: 'h', agent_id: 'a' },
    { port: 53, type: 'udp6', laddr: '::', status: 'unknow' },
    { port: 7, type: 'RAW', laddr: '0.0.0.0', status: 'normal' },
    { port: 443, type: ' tcp6 ', status: ' Normal ' },
  ];

  it("gives each TCP and UDP record the graph's fields once, with the server it was fetched for, and leaves out other types", () => {
    expect(shapeOpenPorts(records, 'srv-1')).toEqual([
      { port: 22, protocol: 'TCP', listenAddress: '0.0.0.0', risk: 'DANGER', pid: 812, processPath: '/usr/sbin/sshd', serverId: 'srv-1' },
      { port: 53, protocol: 'UDP', listenAddress: '::', risk: 'UNKNOWN', pid: null, processPath: null, serverId: 'srv-1' },
      { port: 443, protocol: 'TCP', listenAddress: null, risk: 'NORMAL', pid: null, processPath: null, serverId: 'srv-1' },
    ]);
  });

  it('filters by protocol and port, and hands the list back as it is without them', () => {
    const ports = shapeOpenPorts(records, 'srv-1');
    expect(filterOpenPorts(ports, {})).toBe(ports);
    expect(filterOpenPorts(ports, { protocol: 'UDP' }).map((p) => p.port)).toEqual([53]);
    expect(filterOpenPorts(ports, { protocol: 'TCP', port: 443 }).map((p) => p.port)).toEqual([443]);
    expect(filterOpenPorts(ports, { port: 8080 })).toEqual([]);
  });
});
