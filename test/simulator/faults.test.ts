import { createHash } from 'node:crypto';
import { Client } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_USER,
  DEMO_ZSTACK_ACCOUNT,
  ROUTE_NAMES,
  startSimulator,
  type RouteName,
  type Simulator,
} from '../../src/simulator/index.js';
import { oversizeParts } from '../../src/simulator/oversize.js';
import { SESSION, TOKEN, keystoneLogin, send, zstackLogin, type Reply } from './helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
afterEach(() => {
  sim.clearFaults();
  sim.clearLog();
});

interface Call {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** The status it answers without faults. */
  ok: number;
}

/** One valid call per route. */
function callOf(route: RouteName): Call {
  const p = sim.projectId;
  const id = sim.fleet.special.multiInterfaceServerId;
  switch (route) {
    case 'nova.servers.detail':
      return { method: 'GET', path: `/v2.1/${p}/servers/detail?limit=1`, headers: TOKEN, ok: 200 };
    case 'nova.server':
      return { method: 'GET', path: `/v2.1/${p}/servers/${id}`, headers: TOKEN, ok: 200 };
    case 'nova.interfaces':
      return { method: 'GET', path: `/v2.1/${p}/servers/${id}/os-interface`, headers: TOKEN, ok: 200 };
    case 'vpc.ports':
      return { method: 'GET', path: `/v2/${p}/ports?limit=1`, headers: TOKEN, ok: 200 };
    case 'hss.ports':
      return { method: 'GET', path: `/v5/${p}/asset/ports?host_id=${id}`, headers: TOKEN, ok: 200 };
    case 'hss.statistics':
      return { method: 'GET', path: `/v5/${p}/asset/port/statistics`, headers: TOKEN, ok: 200 };
    case 'zstack.usedports':
      return {
        method: 'GET',
        path: `/zstack/v1/vips/${sim.fleet.special.vipId}/usedports?protocol=TCP`,
        headers: SESSION,
        ok: 200,
      };
    case 'zstack.login': {
      const hash = createHash('sha512').update(DEMO_ZSTACK_ACCOUNT.password).digest('hex');
      const body = zstackLogin(DEMO_ZSTACK_ACCOUNT.name, hash);
      return { method: 'PUT', path: '/zstack/v1/accounts/login', headers: {}, body, ok: 200 };
    }
    case 'keystone.tokens':
      return { method: 'POST', path: '/v3/auth/tokens', headers: {}, body: keystoneLogin(DEMO_USER, p), ok: 201 };
  }
}

const call = (route: RouteName, target: Simulator = sim): Promise<Reply> => {
  const c = callOf(route);
  return send(target, c.path, c.headers, c.method, c.body);
};

describe.each(ROUTE_NAMES.map((r) => [r]))('faults on %s', (route) => {
  it('answers normally without one', async () => {
    const reply = await call(route);
    expect(reply.status).toBe(callOf(route).ok);
    expect(sim.log.at(-1)).toMatchObject({ route, status: callOf(route).ok });
  });

  it.each([500, 502, 503, 504, 429])('answers %i, with Retry-After when asked (or Nova’s own)', async (status) => {
    sim.inject(route, { status, times: 1 });
    const plain = await call(route);
    expect(plain.status).toBe(status);
    if (String(plain.headers['content-type']).startsWith('application/json')) expect(() => plain.json()).not.toThrow();
    const novaOverLimit = route.startsWith('nova.') && status === 429;
    expect(plain.headers['retry-after']).toBe(novaOverLimit ? '1' : undefined);

    sim.inject(route, { status, headers: { 'retry-after': '1' }, times: 1 });
    const told = await call(route);
    expect([told.status, told.headers['retry-after']]).toEqual([status, '1']);
    expect(sim.log.map((e) => e.status)).toEqual([status, status]);
  });

  it('resets the connection', async () => {
    sim.inject(route, { reset: true, times: 1 });
    await expect(call(route)).rejects.toThrow();
    expect(sim.log.at(-1)).toMatchObject({ route, status: 0 });
  });

  it('sends an HTML error page, truncated JSON, an empty 200 and malformed JSON', async () => {
    const page = '<html><body><h1>502 Bad Gateway</h1></body></html>';
    sim.inject(route, { status: 502, body: page, contentType: 'text/html', times: 1 });
    sim.inject(route, { body: '{"servers": [', times: 1 });
    sim.inject(route, { body: '', times: 1 });
    sim.inject(route, { malformed: true, times: 1 });
    const html = await call(route);
    expect([html.status, html.headers['content-type'], html.text]).toEqual([502, 'text/html', page]);
    const truncated = await call(route);
    expect([truncated.status, truncated.headers['content-type'], truncated.text]).toEqual([
      200,
      'application/json',
      '{"servers": [',
    ]);
    const empty = await call(route);
    expect([empty.status, empty.text]).toEqual([200, '']);
    const malformed = await call(route);
    expect(malformed.status).toBe(200);
    expect(() => malformed.json()).toThrow();
  });

  it('streams an oversized JSON array of exactly oversizeBytes', async () => {
    sim.inject(route, { oversizeBytes: 300_000, times: 1 });
    const reply = await call(route);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.headers['content-length']).toBeUndefined();
    expect(reply.headers['transfer-encoding']).toBe('chunked');
    expect(Buffer.byteLength(reply.text)).toBe(300_000);
    expect(Array.isArray(reply.json())).toBe(true);
    expect(sim.log.at(-1)).toMatchObject({ route, status: 200 });
  });

  it('delays past a client timeout, then answers normally again', async () => {
    sim.inject(route, { delayMs: 2000, times: 1 });
    const c = callOf(route);
    const client = new Client(sim.url);
    try {
      const started = performance.now();
      const signal = AbortSignal.timeout(150);
      const body = c.body !== undefined ? { body: c.body } : {};
      const request = client.request({ method: c.method, path: c.path, headers: c.headers, signal, ...body });
      await expect(request).rejects.toThrow();
      expect(performance.now() - started).toBeLessThan(1000);
      expect(sim.log.at(-1)).toMatchObject({ route, status: 0 });
    } finally {
      await client.destroy();
    }
    expect((await call(route)).status).toBe(c.ok);
  });
});

describe('oversizeParts', () => {
  it.each([2, 3, 10, 117, 118, 119, 120, 4096, 100_003])('makes valid JSON of exactly %i bytes', (bytes) => {
    const body = [...oversizeParts(bytes)].join('');
    expect(Buffer.byteLength(body)).toBe(bytes);
    expect(Array.isArray(JSON.parse(body))).toBe(true);
  });

  it('streams 64 MB without holding it: a client that stops reading ends the answer', async () => {
    sim.inject('vpc.ports', { oversizeBytes: 64 * 1024 * 1024, times: 1 });
    const client = new Client(sim.url);
    try {
      const res = await client.request({ method: 'GET', path: callOf('vpc.ports').path, headers: TOKEN });
      let read = 0;
      for await (const chunk of res.body) {
        read += (chunk as Buffer).length;
        if (read > 1024 * 1024) break;
      }
      expect(read).toBeGreaterThan(1024 * 1024);
    } finally {
      await client.destroy();
    }
    expect((await call('vpc.ports')).status).toBe(200);
  });
});

describe('refused connections', () => {
  it('stopListening refuses every connection, keeping state; startListening reopens the same URL', async () => {
    const other = await startSimulator();
    try {
      const { url } = other;
      const keepAlive = new Client(url);
      const first = await keepAlive.request({ method: 'GET', path: callOf('vpc.ports').path, headers: TOKEN });
      await first.body.text();
      other.inject('vpc.ports', { status: 503, times: 1 });

      await other.stopListening();
      await other.stopListening();
      await expect(call('vpc.ports', other)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await expect(
        keepAlive.request({ method: 'GET', path: callOf('vpc.ports').path, headers: TOKEN }),
      ).rejects.toThrow();
      await keepAlive.destroy();

      await other.startListening();
      expect(other.url).toBe(url);
      expect((await call('vpc.ports', other)).status).toBe(503);
      expect((await call('vpc.ports', other)).status).toBe(200);
      expect(other.log.map((e) => e.status)).toEqual([200, 503, 200]);
    } finally {
      await other.close();
    }
  });

  it('close works while stopped', async () => {
    const other = await startSimulator();
    await other.stopListening();
    await other.close();
    await expect(call('vpc.ports', other)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
