import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OS_TOKEN, DEMO_ZSTACK_SESSION } from '../../src/simulator/index.js';
import { startStack, type Stack } from '../support/stack.js';
import { exchange, postQuery, send, WALK } from './support.js';

const MiB = 1024 * 1024;

let stack: Stack;
let serverId: string;
beforeAll(async () => {
  stack = await startStack();
  serverId = stack.sim.fleet.special.multiInterfaceServerId;
});
afterAll(() => stack.close());

describe('the operations endpoints', () => {
  it('answers /healthz with 200 alive, without calling an upstream', async () => {
    stack.sim.clearLog();
    const { status, headers, text } = await send(`${stack.origin}/healthz`);
    expect(status).toBe(200);
    expect(headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(text)).toEqual({ status: 'alive' });
    expect(stack.calls()).toEqual([]);
  });

  it('answers /readyz with every source, configured, with its breaker, and no URL or credential', async () => {
    const { status, text } = await send(`${stack.origin}/readyz`);
    expect(status).toBe(200);
    const body = JSON.parse(text);
    expect(body.status).toBe('ready');
    expect(Object.keys(body.sources).sort()).toEqual(['hss', 'nova', 'vpc', 'zstack']);
    for (const source of Object.values<any>(body.sources)) {
      expect(source).toMatchObject({ configured: true, breaker: 'closed' });
    }
    for (const secret of [stack.sim.url, new URL(stack.sim.url).port, DEMO_OS_TOKEN, DEMO_ZSTACK_SESSION, stack.sim.projectId]) {
      expect(text).not.toContain(secret);
    }
  });

  it('answers /metrics in Prometheus text', async () => {
    const { status, headers, text } = await send(`${stack.origin}/metrics`);
    expect(status).toBe(200);
    expect(headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain('# TYPE portgraph_graphql_requests_total counter');
    expect(text).toContain('# TYPE portgraph_upstream_call_duration_seconds histogram');
  });

  it('takes only GET and HEAD there', async () => {
    const { status, headers } = await send(`${stack.origin}/healthz`, { method: 'POST', body: '{}' });
    expect(status).toBe(405);
    expect(headers.allow).toBe('GET, HEAD');
  });
});

describe('request bodies', () => {
  it('hands a JSON POST to GraphQL', async () => {
    const { status, text } = await postQuery(stack.url, WALK, { id: serverId });
    expect(status).toBe(200);
    expect(JSON.parse(text).data.server.name).toBe('lb-01');
  });

  it('answers a GET query, which has no body to read', async () => {
    const query = new URLSearchParams({ query: WALK, variables: JSON.stringify({ id: serverId }) });
    const { status, text } = await send(`${stack.url}?${query.toString()}`, {
      headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' },
    });
    expect(status).toBe(200);
    expect(JSON.parse(text).data.server.name).toBe('lb-01');
  });

  it('answers a body just under 1 MiB', async () => {
    const padding = 'x'.repeat(MiB - 2000);
    const { status, text } = await postQuery(stack.url, WALK, { id: serverId, padding });
    expect(status).toBe(200);
    expect(JSON.parse(text).data.server.name).toBe('lb-01');
  });

  it('answers a chunked body under the limit', async () => {
    const body = JSON.stringify({ query: WALK, variables: { id: serverId } });
    const answer = await exchange(stack.origin, [
      'POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
      ...[body.slice(0, 20), body.slice(20)].map((piece) => `${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`),
      '0\r\n\r\n',
    ]);
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain('"name":"lb-01"');
  });

  it('refuses a declared Content-Length over 1 MiB with 413 before a byte of the body is sent', async () => {
    stack.sim.clearLog();
    const answer = await exchange(stack.origin, [
      `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${MiB + 1}\r\n\r\n`,
    ]);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(stack.calls()).toEqual([]);
  });

  it('refuses a chunked body with 413 as soon as it passes 1 MiB, before the body ends', async () => {
    stack.sim.clearLog();
    const chunk = `${(64 * 1024).toString(16)}\r\n${'x'.repeat(64 * 1024)}\r\n`;
    // 17 chunks of 64 KiB and no final chunk: only passing the limit can end this exchange.
    const answer = await exchange(stack.origin, [
      'POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      ...Array.from({ length: 17 }, () => chunk),
    ]);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(stack.calls()).toEqual([]);
  });
});

describe('the Host header, bound to loopback (DNS rebinding)', () => {
  const port = () => new URL(stack.origin).port;

  it.each(['/graphql', '/healthz', '/readyz', '/metrics'])('refuses %s addressed to another name with 403', async (path) => {
    stack.sim.clearLog();
    const { status, text } = await send(`${stack.origin}${path}`, {
      method: path === '/graphql' ? 'POST' : 'GET',
      headers: { host: `rebound.example:${port()}`, 'content-type': 'application/json' },
      ...(path === '/graphql' && { body: JSON.stringify({ query: WALK, variables: { id: serverId } }) }),
    });
    expect(status).toBe(403);
    expect(JSON.parse(text).errors[0].extensions).toEqual({ code: 'FORBIDDEN' });
    expect(text).not.toContain('portgraph_');
    expect(stack.calls()).toEqual([]);
  });

  it.each(['localhost.example.com', '127.0.0.1.nip.io', '[::2]', '127.0.0.1@rebound.example', 'rebound.example:80'])(
    'refuses Host %s',
    async (host) => {
      expect((await send(`${stack.origin}/healthz`, { headers: { host } })).status).toBe(403);
    },
  );

  it('answers every loopback name, with or without a port', async () => {
    for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`, 'LOCALHOST', `app.localhost:${port()}`, '127.0.0.2', `[::1]:${port()}`]) {
      expect((await send(`${stack.origin}/healthz`, { headers: { host } })).status, host).toBe(200);
    }
  });

  it('leaves the Host header alone when bound beyond loopback', async () => {
    const open = await startStack({ portgraph: { host: '0.0.0.0' } });
    try {
      const { status, text } = await send(`${open.origin}/graphql`, {
        method: 'POST',
        headers: { host: 'portgraph.example.com', 'content-type': 'application/json' },
        body: JSON.stringify({ query: WALK, variables: { id: serverId } }),
      });
      expect(status).toBe(200);
      expect(JSON.parse(text).data.server.name).toBe('lb-01');
    } finally {
      await open.close();
    }
  });
});
