import { describe, expect, it } from 'vitest';
import { HssClient } from '../../src/sources/hss.js';
import type { Http, HttpResponse } from '../../src/sources/http.js';
import { NovaClient } from '../../src/sources/nova.js';
import { VpcClient } from '../../src/sources/vpc.js';
import { ZstackClient } from '../../src/sources/zstack.js';
import { ORIGIN, PROJECT, mocked, sessionAuth, tokenAuth, under } from './support.js';

// A cached answer is one parsed body handed to every caller of its credential: decoding must read
// it, never write it. Each body here is deep-frozen, so any write would throw (modules are strict).

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const BODIES: Record<string, unknown> = {
  [`/v2.1/${PROJECT}/servers/s1`]: { server: { id: 's1', name: null, status: 'ACTIVE', tenant_id: null } },
  [`/v2.1/${PROJECT}/servers/detail`]: {
    servers: [{ id: 's1', name: null }, { id: 's2', name: 'web' }],
    servers_links: [{ rel: 'next', href: `${ORIGIN}/v2.1/${PROJECT}/servers/detail?marker=s2` }],
  },
  [`/v2.1/${PROJECT}/servers/s1/os-interface`]: {
    interfaceAttachments: [{ port_id: 'p1', mac_addr: null, net_id: 'n1', fixed_ips: null, tag: null }],
  },
  [`/v2/${PROJECT}/ports`]: {
    ports: [
      { id: 'p1', status: null, device_id: 'd1', fixed_ips: null },
      { id: 'p2', status: 'ACTIVE', fixed_ips: [{ ip_address: '10.0.0.2', subnet_id: 'sn1' }] },
    ],
  },
  [`/v5/${PROJECT}/asset/ports`]: {
    total_num: 1,
    data_list: [{ port: 22, type: 'TCP', pid: null, laddr: null, path: '/usr/sbin/sshd' }],
  },
  [`/v5/${PROJECT}/asset/port/statistics`]: { total_num: 1, data_list: [{ port: 22, type: 'TCP', num: 3, status: null }] },
  '/zstack/v1/vips/v1/usedports': { inventories: [{ uuid: null, protocol: null, protcol: 'TCP', usedPorts: ['22', 80] }] },
};

/** An Http that answers every call with the same frozen body for its path, as the cache would. */
function frozenHttp(): Http {
  const answers = new Map(Object.entries(BODIES).map(([path, json]) => [path, deepFreeze({ status: 200, headers: {}, json })]));
  return {
    getJson: (_, { url }) => {
      const answer: HttpResponse | undefined = answers.get(url.pathname);
      return answer ? Promise.resolve(answer) : Promise.reject(new Error(`no body for ${url.pathname}`));
    },
    breakerState: () => 'closed',
    retryBudget: () => ({ firstAttempts: 0, retries: 0, allowed: 10 }),
    cacheStats: () => ({ entries: 0, bytes: 0, hits: 0, misses: 0, coalesced: 0 }),
    reset: () => undefined,
    close: () => Promise.resolve(),
  };
}

describe('decoding never changes the parsed body it is given', () => {
  const http = frozenHttp();
  const options = { baseUrl: ORIGIN, projectId: PROJECT, http };
  const nova = new NovaClient(options);
  const vpc = new VpcClient(options);
  const hss = new HssClient(options);
  const zstack = new ZstackClient({ baseUrl: ORIGIN, http });
  const scope = { auth: tokenAuth };

  it('Nova: drops null optional strings in copies, twice alike', async () => {
    for (let i = 0; i < 2; i++) {
      expect(await nova.getServer(scope, 's1')).toEqual({ id: 's1', status: 'ACTIVE' });
      expect(await nova.listServersDetail(scope, {})).toEqual({ servers: [{ id: 's1' }, { id: 's2', name: 'web' }], nextMarker: 's2' });
      expect(await nova.listInterfaces(scope, 's1')).toEqual([{ port_id: 'p1', net_id: 'n1', fixed_ips: null, tag: null }]);
    }
  });

  it('the ports API: copies only a record that holds a null, and hands out the rest as parsed', async () => {
    const body = BODIES[`/v2/${PROJECT}/ports`] as { ports: unknown[] };
    for (let i = 0; i < 2; i++) {
      const ports = await vpc.listPorts(scope, {});
      expect(ports).toEqual([
        { id: 'p1', device_id: 'd1' },
        { id: 'p2', status: 'ACTIVE', fixed_ips: [{ ip_address: '10.0.0.2', subnet_id: 'sn1' }] },
      ]);
      expect(ports[0]).not.toBe(body.ports[0]);
      expect(ports[1]).toBe(body.ports[1]);
    }
  });

  it('HSS and ZStack: drop nulls without touching the body', async () => {
    for (let i = 0; i < 2; i++) {
      expect((await hss.listOpenPorts(scope, { host_id: 'h1' })).data_list).toEqual([{ port: 22, type: 'TCP', path: '/usr/sbin/sshd' }]);
      expect((await hss.listPortStatistics(scope, {})).data_list).toEqual([{ port: 22, type: 'TCP', num: 3 }]);
      expect(await zstack.getVipUsedPorts({ auth: sessionAuth }, 'v1', 'TCP')).toEqual({ protcol: 'TCP', protocol: 'TCP', usedPorts: ['22', '80'] });
    }
  });
});

describe('a cached answer decoded by its client', () => {
  it('is read by every caller alike, and stays as the upstream sent it', async () => {
    const { pool, http, calls } = mocked({ cache: { ttlMs: 60_000 } });
    const body = { ports: [{ id: 'p1', status: null, fixed_ips: [{ ip_address: '10.0.0.1', subnet_id: 's' }] }] };
    pool.intercept(under('/v2')).reply(200, body);
    const vpc = new VpcClient({ baseUrl: ORIGIN, projectId: PROJECT, http });
    const first = await vpc.listPorts({ auth: tokenAuth }, { limit: 2000 });
    const second = await vpc.listPorts({ auth: tokenAuth }, { limit: 2000 });
    expect(calls()).toHaveLength(1);
    expect(second).toEqual(first);
    expect(first).toEqual([{ id: 'p1', fixed_ips: [{ ip_address: '10.0.0.1', subnet_id: 's' }] }]);
    const cached = await http.getJson('vpc', { url: new URL(`${ORIGIN}/v2/${PROJECT}/ports?limit=2000`), scope: { auth: tokenAuth } });
    expect(cached.json).toEqual(body);
  });
});
