import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { jsonPost, ONE_CALL_QUERY, send } from './support.js';

describe('requests a browser sends cross-site without a preflight', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sim.clearLog());

  const refusedWithoutUpstreamCall = async (init: RequestInit, search = '') => {
    const answer = await send(`${stack.url}${search}`, init);
    expect(answer.status).toBe(403);
    expect(answer.json().data).toBeUndefined();
    expect(answer.json().errors?.[0]?.message).toBe('Required CSRF header(s) not present');
    expect(stack.calls()).toEqual([]);
  };

  it('runs the same query posted as JSON, which a browser preflights (the control)', async () => {
    const answer = await send(stack.url, jsonPost(ONE_CALL_QUERY));
    expect(answer.status).toBe(200);
    expect(answer.json().data.servers.nodes).toHaveLength(1);
    expect(stack.calls('nova')).toHaveLength(1);
  });

  it('does not run a form post', async () => {
    await refusedWithoutUpstreamCall({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: ONE_CALL_QUERY }).toString(),
    });
  });

  it('does not run a multipart post', async () => {
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: ONE_CALL_QUERY }));
    form.set('map', '{}');
    await refusedWithoutUpstreamCall({ method: 'POST', body: form });
  });

  it('reads no multipart request at all, even one that proves a preflight', async () => {
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: ONE_CALL_QUERY }));
    form.set('map', '{}');
    const answer = await send(stack.url, { method: 'POST', body: form, headers: { 'x-graphql-yoga-csrf': '1' } });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(stack.calls()).toEqual([]);
  });

  it('does not run a text/plain post', async () => {
    await refusedWithoutUpstreamCall({
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify({ query: ONE_CALL_QUERY }),
    });
  });

  it('does not run a GET without a preflight-forcing header', async () => {
    await refusedWithoutUpstreamCall({ headers: { accept: 'application/json' } }, `?query=${encodeURIComponent(ONE_CALL_QUERY)}`);
  });

  it('runs a GET that carries a preflight-forcing header', async () => {
    const url = `${stack.url}?query=${encodeURIComponent(ONE_CALL_QUERY)}`;
    for (const header of ['x-graphql-yoga-csrf', 'apollo-require-preflight', 'x-auth-token']) {
      const value = header === 'x-auth-token' ? 'demo-os-token' : '1';
      const answer = await send(url, { headers: { accept: 'application/json', [header]: value } });
      expect(answer.status, header).toBe(200);
      expect(answer.json().data.servers.nodes, header).toHaveLength(1);
    }
    expect(stack.calls('nova')).toHaveLength(3);
  });
});

describe('CORS with no CORS_ORIGINS', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it.each(['https://evil.example', 'null'])('grants Origin %s nothing', async (origin) => {
    const answer = await send(stack.url, jsonPost('{ __typename }', { origin }));
    expect(answer.status).toBe(200);
    for (const name of ['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-allow-headers']) {
      expect(answer.headers.get(name), name).toBeNull();
    }
    const preflight = await send(stack.url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
  });
});

describe('CORS with CORS_ORIGINS listing two origins', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ portgraph: { corsOrigins: ['https://dash.example', 'https://ops.example:8443'] } });
  });
  afterAll(() => stack.close());

  it('lets a listed origin read the answer, naming only that origin', async () => {
    for (const origin of ['https://dash.example', 'https://ops.example:8443']) {
      const answer = await send(stack.url, jsonPost('{ __typename }', { origin }));
      expect(answer.json().data).toEqual({ __typename: 'Query' });
      expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
      expect(answer.headers.get('vary')).toMatch(/\bOrigin\b/);
      // Keys travel in headers; cookies are never asked for.
      expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('answers a listed origin’s preflight with the headers clients send', async () => {
    const preflight = await send(stack.url, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://dash.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization, x-auth-token, x-graphql-yoga-csrf',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://dash.example');
    expect(preflight.headers.get('access-control-allow-methods')?.split(/, */)).toEqual(expect.arrayContaining(['GET', 'POST']));
    const allowed = preflight.headers.get('access-control-allow-headers')?.split(/, */) ?? [];
    expect(allowed).toEqual(expect.arrayContaining(['content-type', 'authorization', 'x-auth-token', 'x-graphql-yoga-csrf']));
  });

  it.each(['https://evil.example', 'null', 'https://dash.example.evil.example', 'http://dash.example'])(
    'grants an unlisted Origin %s nothing',
    async (origin) => {
      const answer = await send(stack.url, jsonPost('{ __typename }', { origin }));
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
      expect(answer.headers.get('vary')).toMatch(/\bOrigin\b/);
      const preflight = await send(stack.url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    },
  );
});
