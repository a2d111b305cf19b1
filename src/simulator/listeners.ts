import type { HssOpenPort, HssPortStatistic } from '../sources/records.js';
import type { Rng } from './random.js';

/** What a server does; decides which processes listen on it. */
export type Role = 'web' | 'lb' | 'app' | 'db' | 'cache' | 'k8s' | 'bastion' | 'vdi' | 'batch' | 'media' | 'bare';

/** Where a socket is bound: all interfaces, loopback, or one fixed IP of the server. */
type Bind = 'any4' | 'any6' | 'lo4' | 'lo6' | 'ip4' | 'ip6' | 'resolved';
type Status = 'danger' | 'normal' | 'unknow';

interface Listener {
  path: string;
  port: number;
  proto: 'TCP' | 'UDP';
  bind: Bind;
  status: Status;
}

const l = (path: string, port: number, proto: 'TCP' | 'UDP', bind: Bind, status: Status): Listener => ({
  path,
  port,
  proto,
  bind,
  status,
});

const SSHD = '/usr/sbin/sshd';
const NGINX = '/usr/sbin/nginx';
const HAPROXY = '/usr/sbin/haproxy';
const JAVA = '/usr/lib/jvm/java-17-openjdk/bin/java';
const KUBELET = '/usr/bin/kubelet';
const KUBE_PROXY = '/usr/local/bin/kube-proxy';
const RTPENGINE = '/usr/bin/rtpengine';

const BASELINE: Listener[] = [
  l(SSHD, 22, 'TCP', 'any4', 'normal'),
  l(SSHD, 22, 'TCP', 'any6', 'normal'),
  l('/usr/sbin/chronyd', 323, 'UDP', 'lo4', 'unknow'),
  l('/usr/sbin/chronyd', 323, 'UDP', 'lo6', 'unknow'),
  l('/usr/sbin/dhclient', 68, 'UDP', 'any4', 'unknow'),
];

/** Optional daemons, each present on a server with the given probability. */
const EXTRAS: Array<[number, Listener[]]> = [
  [
    0.5,
    [
      l('/usr/lib/systemd/systemd-resolved', 53, 'UDP', 'resolved', 'unknow'),
      l('/usr/lib/systemd/systemd-resolved', 53, 'TCP', 'resolved', 'unknow'),
    ],
  ],
  [
    0.2,
    [
      l('/usr/sbin/rpcbind', 111, 'TCP', 'any4', 'danger'),
      l('/usr/sbin/rpcbind', 111, 'UDP', 'any4', 'danger'),
      l('/usr/sbin/rpcbind', 111, 'TCP', 'any6', 'danger'),
      l('/usr/sbin/rpcbind', 111, 'UDP', 'any6', 'danger'),
    ],
  ],
  [0.6, [l('/usr/local/bin/node_exporter', 9100, 'TCP', 'any6', 'unknow')]],
  [0.4, [l('/usr/sbin/zabbix_agentd', 10050, 'TCP', 'ip4', 'normal')]],
  [0.1, [l('/usr/sbin/snmpd', 161, 'UDP', 'any4', 'danger')]],
  [
    0.3,
    [
      l('/usr/libexec/postfix/master', 25, 'TCP', 'lo4', 'normal'),
      l('/usr/libexec/postfix/master', 25, 'TCP', 'lo6', 'normal'),
    ],
  ],
];

const ROLE_LISTENERS: Record<Role, Listener[]> = {
  web: [
    l(NGINX, 80, 'TCP', 'any4', 'normal'),
    l(NGINX, 80, 'TCP', 'any6', 'normal'),
    l(NGINX, 443, 'TCP', 'ip4', 'normal'),
    l(NGINX, 443, 'TCP', 'ip6', 'normal'),
  ],
  lb: [
    l(HAPROXY, 80, 'TCP', 'ip4', 'normal'),
    l(HAPROXY, 443, 'TCP', 'ip4', 'normal'),
    l(HAPROXY, 443, 'TCP', 'ip6', 'normal'),
    l(HAPROXY, 8404, 'TCP', 'lo4', 'unknow'),
  ],
  app: [
    l(JAVA, 8080, 'TCP', 'ip4', 'normal'),
    l(JAVA, 8443, 'TCP', 'ip4', 'normal'),
    l(JAVA, 9010, 'TCP', 'lo4', 'unknow'),
  ],
  db: [l('/usr/sbin/mysqld', 3306, 'TCP', 'ip4', 'danger'), l('/usr/sbin/mysqld', 33060, 'TCP', 'any6', 'danger')],
  cache: [
    l('/usr/bin/redis-server', 6379, 'TCP', 'lo4', 'normal'),
    l('/usr/bin/redis-server', 6379, 'TCP', 'ip4', 'danger'),
    l('/usr/bin/memcached', 11211, 'TCP', 'any4', 'danger'),
    l('/usr/bin/memcached', 11211, 'UDP', 'any4', 'danger'),
  ],
  k8s: [
    l(KUBELET, 10250, 'TCP', 'any6', 'danger'),
    l(KUBELET, 10248, 'TCP', 'lo4', 'unknow'),
    l(KUBE_PROXY, 10256, 'TCP', 'any6', 'unknow'),
    l(KUBE_PROXY, 10249, 'TCP', 'lo4', 'unknow'),
    l(KUBE_PROXY, 30080, 'TCP', 'any4', 'unknow'),
    l(KUBE_PROXY, 30443, 'TCP', 'any4', 'unknow'),
    l(KUBE_PROXY, 31900, 'TCP', 'any4', 'unknow'),
  ],
  bastion: [l(SSHD, 2222, 'TCP', 'ip4', 'normal'), l('/usr/sbin/xinetd', 23, 'TCP', 'any4', 'danger')],
  vdi: [
    l('/opt/workspace/bin/hdp-gateway', 443, 'TCP', 'ip4', 'normal'),
    l('/opt/workspace/bin/hdp-gateway', 4172, 'TCP', 'any4', 'unknow'),
    l('/opt/workspace/bin/hdp-gateway', 4172, 'UDP', 'any4', 'unknow'),
  ],
  batch: [l('/usr/bin/python3', 8000, 'TCP', 'lo4', 'unknow'), l('/usr/bin/python3', 5555, 'TCP', 'ip4', 'unknow')],
  media: [l(RTPENGINE, 2223, 'UDP', 'lo4', 'unknow'), l(RTPENGINE, 9900, 'TCP', 'ip4', 'normal')],
  bare: [],
};

/** rtpengine's media port range on the big server: one UDP socket per relayed stream. */
const MEDIA_PORTS = { first: 30000, count: 440 };

export interface ListenerTarget {
  id: string;
  role: Role;
  ipv4: string | undefined;
  ipv6: string | undefined;
}

/** The open ports HSS reports for one server, sorted by port, type, then listen address. */
export function openPortsFor(server: ListenerTarget, rng: Rng): HssOpenPort[] {
  const listeners = [...BASELINE];
  for (const [p, group] of EXTRAS) if (rng.chance(p)) listeners.push(...group);
  listeners.push(...ROLE_LISTENERS[server.role]);
  if (server.role === 'media') {
    for (let i = 0; i < MEDIA_PORTS.count; i++) {
      listeners.push(l(RTPENGINE, MEDIA_PORTS.first + i, 'UDP', 'ip4', 'unknow'));
    }
  }

  const agentId = rng.hex(32);
  const pids = new Map<string, number>();
  const pidOf = (path: string): number => {
    let pid = pids.get(path);
    if (pid === undefined) {
      pid = rng.int(300, 65535);
      pids.set(path, pid);
    }
    return pid;
  };

  const out: HssOpenPort[] = [];
  for (const listener of listeners) {
    const laddr = listenAddress(listener.bind, server);
    if (laddr === undefined) continue;
    const v6 = laddr.includes(':');
    out.push({
      agent_id: agentId,
      container_id: '',
      host_id: server.id,
      laddr,
      path: listener.path,
      pid: pidOf(listener.path),
      port: listener.port,
      status: listener.status,
      type: v6 ? `${listener.proto}6` : listener.proto,
    });
  }
  return out.sort(compareOpenPorts);
}

function listenAddress(bind: Bind, server: ListenerTarget): string | undefined {
  switch (bind) {
    case 'any4':
      return '0.0.0.0';
    case 'any6':
      return '::';
    case 'lo4':
      return '127.0.0.1';
    case 'lo6':
      return '::1';
    case 'resolved':
      return '127.0.0.53';
    case 'ip4':
      return server.ipv4;
    case 'ip6':
      return server.ipv6;
  }
}

function compareOpenPorts(a: HssOpenPort, b: HssOpenPort): number {
  return a.port - b.port || compare(a.type, b.type) || compare(a.laddr ?? '', b.laddr ?? '');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const STATUS_RANK: Record<string, number> = { danger: 2, normal: 1 };

/** Per (port, type): how many servers have it open, with the most severe status seen. */
export function portStatistics(openPorts: Iterable<HssOpenPort[]>): HssPortStatistic[] {
  const byKey = new Map<string, { stat: HssPortStatistic; hosts: Set<string> }>();
  for (const list of openPorts) {
    for (const p of list) {
      const key = `${p.port}/${p.type}`;
      let entry = byKey.get(key);
      if (entry === undefined) {
        entry = { stat: { port: p.port, type: p.type, num: 0, status: p.status ?? 'unknow' }, hosts: new Set() };
        byKey.set(key, entry);
      }
      entry.hosts.add(p.host_id ?? '');
      const status = p.status ?? 'unknow';
      if ((STATUS_RANK[status] ?? 0) > (STATUS_RANK[entry.stat.status ?? ''] ?? 0)) entry.stat.status = status;
    }
  }
  return [...byKey.values()]
    .map(({ stat, hosts }) => ({ ...stat, num: hosts.size }))
    .sort((a, b) => a.port - b.port || compare(a.type, b.type));
}
