import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'undici';
import {
  DEMO_USER,
  DEMO_ZSTACK_SESSION,
  generateFleet,
  startSimulator,
  type RouteName,
  type Simulator,
} from '../../src/simulator/index.js';
import { SESSION, TOKEN, get, keystoneLogin, send } from './helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
afterEach(() => {
  sim.clearFaults();
  sim.setLatency(0);
  sim.clearLog();
});

const nova = () => `/v2.1/${sim.projectId}`;
const hss = () => `/v5/${sim.projectId}`;
const vip = () => `/zstack/v1/vips/${sim.fleet.special.vipId}/usedports?protocol=TCP`;

describe('routing', () => {
  it('keeps an encoded slash or dot-dot inside one id, so it never reaches another route', async () => {
    const id = sim.fleet.special.multiInterfaceServerId;
    const cases = [
      ['..%2F..%2Fservers%2Fdetail', 'nova.server'],
      [`${id}%2Fos-interface`, 'nova.server'],
      ['%2E%2E', 'nova.server'],
      [`..%2F${id}/os-interface`, 'nova.interfaces'],
      [`${id}%3Fx=1`, 'nova.server'],
      [`${id}%23frag`, 'nova.server'],
    ] as const;
    for (const [segment, route] of cases) {
      const reply = await get(sim, `${nova()}/servers/${segment}`);
      expect(reply.status, segment).toBe(404);
      expect(reply.json().itemNotFound.code).toBe(404);
      expect(sim.log.at(-1)).toMatchObject({ route, path: `${nova()}/servers/${segment}` });
    }
  });

  it('answers anything unmatched with a plain-text 404 logged as unknown', async () => {
    for (const path of [`${nova()}/servers%2Fdetail`, '/v2.1', `${nova()}/flavors`, '/nope', `${nova()}/servers/%zz`]) {
      const reply = await get(sim, path);
      expect(reply.status, path).toBe(404);
      expect(reply.headers['content-type']).toMatch(/^text\/plain/);
      expect(sim.log.at(-1)?.route).toBe('unknown');
    }
    expect(sim.log.map((e) => e.source)).toEqual(['nova', 'nova', 'nova', 'unknown', 'nova']);
    expect((await send(sim, `${nova()}/servers/detail`, TOKEN, 'POST', '{}')).status).toBe(404);
  });
});

describe('call log', () => {
  it('records route, method, raw path, query, status and credential in arrival order', async () => {
    await get(sim, `${nova()}/servers/detail?limit=2&marker=${sim.fleet.servers[0]?.id}`);
    await get(sim, `${hss()}/asset/ports?host_id=h1&limit=20`, { 'x-auth-token': 'wrong' });
    await get(sim, vip(), SESSION);
    await get(sim, vip(), {});
    expect(sim.log).toEqual([
      {
        at: expect.any(Number),
        source: 'nova',
        route: 'nova.servers.detail',
        method: 'GET',
        path: `${nova()}/servers/detail`,
        query: { limit: '2', marker: sim.fleet.servers[0]?.id },
        status: 200,
        auth: 'x-auth-token',
        credential: 'demo-os-token',
        principal: 'demo-os-token',
      },
      expect.objectContaining({
        route: 'hss.ports',
        query: { host_id: 'h1', limit: '20' },
        status: 401,
        credential: 'wrong',
      }),
      expect.objectContaining({
        source: 'zstack',
        status: 200,
        auth: 'oauth',
        credential: DEMO_ZSTACK_SESSION,
        principal: DEMO_ZSTACK_SESSION,
      }),
      expect.objectContaining({ source: 'zstack', status: 400, auth: 'none' }),
    ]);
    expect(sim.log[1]).not.toHaveProperty('principal');
    expect(sim.log[3]).not.toHaveProperty('credential');
    sim.clearLog();
    expect(sim.log).toEqual([]);
  });
});

describe('faults', () => {
  const detail = () => `${nova()}/servers/detail?limit=1`;

  it('answers a status in each upstream’s own error shape', async () => {
    const text = expect.any(String);
    const ports = `/v2/${sim.projectId}/ports`;
    const openPorts = `${hss()}/asset/ports?host_id=x`;
    const cases: Array<[RouteName, string, number, unknown]> = [
      ['nova.servers.detail', detail(), 500, { computeFault: { code: 500, message: text } }],
      ['nova.servers.detail', detail(), 503, { serviceUnavailable: { code: 503, message: text } }],
      ['nova.servers.detail', detail(), 429, { overLimit: { code: 429, message: text, retryAfter: '1' } }],
      ['nova.servers.detail', detail(), 502, { computeFault: { code: 502, message: text } }],
      ['vpc.ports', ports, 429, { error_code: 'APIGW.0308', error_msg: text, request_id: text }],
      ['vpc.ports', ports, 503, { error_code: expect.stringMatching(/^WKS\./), error_msg: text }],
      ['hss.ports', openPorts, 502, { error_code: 'APIGW.0201', error_msg: 'Backend unavailable', request_id: text }],
      ['hss.ports', openPorts, 500, { error_code: 'HSS.0041', error_msg: text }],
      ['hss.statistics', `${hss()}/asset/port/statistics`, 504, expect.objectContaining({ error_code: 'APIGW.0201' })],
      [
        'zstack.usedports',
        vip(),
        503,
        { error: expect.objectContaining({ code: 'SYS.1000', description: 'An internal error happened in system' }) },
      ],
    ];
    for (const [route, path, status, body] of cases) {
      sim.inject(route, { status, times: 1 });
      const reply = await get(sim, path, route === 'zstack.usedports' ? SESSION : TOKEN);
      expect(reply.status, `${route} ${status}`).toBe(status);
      expect(reply.headers['content-type']).toBe('application/json');
      expect(reply.json(), `${route} ${status}`).toEqual(body);
    }
    sim.inject('nova.servers.detail', { status: 429, times: 1 });
    expect((await get(sim, detail())).headers['retry-after']).toBe('1');
    sim.inject('zstack.usedports', { status: 500, times: 1 });
    const plain = await get(sim, vip(), SESSION);
    expect([plain.status, plain.headers['content-type']]).toEqual([500, 'text/plain; charset=utf-8']);
  });

  it('sends a raw body with its content type, status 200 unless given', async () => {
    const page = '<html><body>502 Bad Gateway</body></html>';
    sim.inject('hss.ports', { body: page, status: 502, contentType: 'text/html', times: 1 });
    sim.inject('hss.ports', { body: '', times: 1 });
    const html = await get(sim, `${hss()}/asset/ports?host_id=x`);
    expect([html.status, html.headers['content-type'], html.text]).toEqual([502, 'text/html', page]);
    const empty = await get(sim, `${hss()}/asset/ports?host_id=x`);
    expect([empty.status, empty.headers['content-type'], empty.text]).toEqual([200, 'application/json', '']);
  });

  it('answers malformed JSON with 200', async () => {
    sim.inject('nova.servers.detail', { malformed: true, times: 1 });
    const reply = await get(sim, detail());
    expect(reply.status).toBe(200);
    expect(() => JSON.parse(reply.text)).toThrow();
  });

  it('resets the connection and logs status 0', async () => {
    sim.inject('nova.interfaces', { reset: true, times: 1 });
    await expect(get(sim, `${nova()}/servers/${sim.fleet.servers[0]?.id}/os-interface`)).rejects.toThrow();
    expect(sim.log.at(-1)).toMatchObject({ route: 'nova.interfaces', status: 0 });
    expect((await get(sim, `${nova()}/servers/${sim.fleet.servers[0]?.id}/os-interface`)).status).toBe(200);
  });

  it('adds extra headers to the normal answer', async () => {
    sim.inject('*', { headers: { 'Retry-After': '7', 'x-extra': 'yes' }, times: 1 });
    const reply = await get(sim, detail());
    expect(reply.status).toBe(200);
    expect([reply.headers['retry-after'], reply.headers['x-extra']]).toEqual(['7', 'yes']);
  });

  it('applies times, match, and the first matching fault in queue order; clearFaults removes them', async () => {
    const victim = sim.fleet.servers[1]?.id ?? '';
    sim.inject('nova.server', { status: 500, match: (req) => req.path.endsWith(victim) });
    sim.inject('*', { status: 503, times: 2 });
    sim.inject('*', { status: 502 });
    const statuses: number[] = [];
    for (const id of [sim.fleet.servers[0]?.id, victim, sim.fleet.servers[2]?.id, victim, sim.fleet.servers[3]?.id]) {
      statuses.push((await get(sim, `${nova()}/servers/${id}`)).status);
    }
    expect(statuses).toEqual([503, 500, 503, 500, 502]);
    sim.clearFaults();
    expect((await get(sim, `${nova()}/servers/${victim}`)).status).toBe(200);
  });

  it('can match on the query', async () => {
    sim.inject('hss.ports', { status: 500, match: (req) => req.query.offset === '200' });
    expect((await get(sim, `${hss()}/asset/ports?host_id=x&offset=0`)).status).toBe(200);
    expect((await get(sim, `${hss()}/asset/ports?host_id=x&offset=200`)).status).toBe(500);
  });

  it('delays one answer with delayMs and then answers normally', async () => {
    sim.inject('nova.server', { delayMs: 300, times: 1 });
    const id = sim.fleet.servers[0]?.id;
    const started = performance.now();
    const [slow, fast] = await Promise.all([
      get(sim, `${nova()}/servers/${id}`).then((r) => ({ r, ms: performance.now() - started })),
      get(sim, detail()).then((r) => ({ r, ms: performance.now() - started })),
    ]);
    expect(slow.r.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(290);
    expect(fast.ms).toBeLessThan(250);
  });

  it('checks faults before auth: a fault hits even a caller with a bad token', async () => {
    sim.inject('vpc.ports', { status: 429, times: 1 });
    expect((await get(sim, `/v2/${sim.projectId}/ports`, { 'x-auth-token': 'bad' })).status).toBe(429);
  });
});

describe('latency', () => {
  it('delays every answer but keeps requests concurrent', async () => {
    sim.setLatency(200);
    const started = performance.now();
    const replies = await Promise.all(Array.from({ length: 8 }, () => get(sim, `${nova()}/servers/detail?limit=1`)));
    const elapsed = performance.now() - started;
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(195);
    expect(elapsed).toBeLessThan(600);
  });

  it('takes latencyMs from the options', async () => {
    const slow = await startSimulator({ latencyMs: 150 });
    try {
      const started = performance.now();
      await get(slow, vip(), SESSION);
      expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    } finally {
      await slow.close();
    }
  });
});

describe('control endpoints', () => {
  it('read and clear the log, set latency and faults, without being logged themselves', async () => {
    await get(sim, `${nova()}/servers/detail?limit=1`);
    const log = await send(sim, '/__sim/log', {});
    expect(log.status).toBe(200);
    expect(log.json()).toEqual([expect.objectContaining({ route: 'nova.servers.detail', status: 200 })]);

    expect((await send(sim, '/__sim/latency', {}, 'PUT', '{"ms":120}')).status).toBe(204);
    const started = performance.now();
    await get(sim, `${nova()}/servers/detail?limit=1`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    expect((await send(sim, '/__sim/latency', {}, 'PUT', '{"ms":0}')).status).toBe(204);

    const fault = JSON.stringify({ route: 'hss.ports', fault: { status: 429, times: 1 } });
    expect((await send(sim, '/__sim/faults', {}, 'PUT', fault)).status).toBe(204);
    expect((await get(sim, `${hss()}/asset/ports?host_id=x`)).json().error_code).toBe('APIGW.0308');
    expect((await send(sim, '/__sim/faults', {}, 'PUT', fault)).status).toBe(204);
    expect((await send(sim, '/__sim/faults', {}, 'DELETE')).status).toBe(204);
    expect((await get(sim, `${hss()}/asset/ports?host_id=x`)).status).toBe(200);

    expect((await send(sim, '/__sim/log', {}, 'DELETE')).status).toBe(204);
    expect((await send(sim, '/__sim/log', {})).json()).toEqual([]);
  });

  it('expire issued tokens and count logins', async () => {
    const login = keystoneLogin(DEMO_USER, sim.projectId);
    const token = String((await send(sim, '/v3/auth/tokens', {}, 'POST', login)).headers['x-subject-token']);
    const ports = `/v2/${sim.projectId}/ports?limit=1`;
    expect((await get(sim, ports, { 'x-auth-token': token })).status).toBe(200);
    const logins = await send(sim, '/__sim/logins', {});
    expect([logins.status, logins.json()]).toEqual([200, { keystone: sim.logins().keystone, zstack: 0 }]);
    expect(sim.logins().keystone).toBeGreaterThanOrEqual(1);
    expect((await send(sim, '/__sim/expire-tokens', {}, 'POST')).status).toBe(204);
    expect((await get(sim, ports, { 'x-auth-token': token })).json().error_code).toBe('APIGW.0307');
  });

  it('take oversizeBytes faults', async () => {
    const fault = JSON.stringify({ route: 'vpc.ports', fault: { oversizeBytes: 5000, times: 1 } });
    expect((await send(sim, '/__sim/faults', {}, 'PUT', fault)).status).toBe(204);
    expect((await get(sim, `/v2/${sim.projectId}/ports`)).text).toHaveLength(5000);
    const bad = JSON.stringify({ route: 'vpc.ports', fault: { oversizeBytes: 1 } });
    expect((await send(sim, '/__sim/faults', {}, 'PUT', bad)).status).toBe(400);
  });

  it('rejects bad control bodies with 400', async () => {
    for (const body of ['{"ms":-1}', 'nope', '{}']) {
      expect((await send(sim, '/__sim/latency', {}, 'PUT', body)).status).toBe(400);
    }
    for (const body of [
      '{"route":"nova.everything","fault":{}}',
      '{"route":"*","fault":{"status":"500"}}',
      '{"route":"*","fault":{"match":"x"}}',
    ]) {
      expect((await send(sim, '/__sim/faults', {}, 'PUT', body)).status).toBe(400);
    }
    expect(sim.log).toEqual([]);
  });
});

describe('options', () => {
  it('serves the fleet it is given', async () => {
    const fleet = generateFleet(7);
    const other = await startSimulator({ fleet });
    try {
      expect(other.fleet).toBe(fleet);
      const page = (await get(other, `${nova()}/servers/detail?limit=1`)).json();
      expect(page.servers[0].id).toBe(fleet.servers[0]?.id);
    } finally {
      await other.close();
    }
  });

  it('keeps at most logLimit entries, dropping the oldest', async () => {
    const other = await startSimulator({ logLimit: 10 });
    try {
      for (let i = 0; i < 12; i++) await get(other, `${nova()}/servers/detail?limit=${i}`);
      expect(other.log.length).toBeLessThanOrEqual(10);
      expect(other.log.at(-1)?.query).toEqual({ limit: '11' });
      const limits = other.log.map((e) => Number(e.query.limit));
      expect(limits).toEqual([...limits].sort((a, b) => a - b));
    } finally {
      await other.close();
    }
  });
});

describe('close', () => {
  it('closes even with a keep-alive connection open', async () => {
    const other = await startSimulator();
    const client = new Client(other.url);
    const res = await client.request({ method: 'GET', path: `${nova()}/servers/detail?limit=1`, headers: TOKEN });
    await res.body.text();
    await other.close();
    await expect(client.request({ method: 'GET', path: '/', headers: TOKEN })).rejects.toThrow();
    await client.destroy();
  });
});
