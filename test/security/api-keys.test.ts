import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_OS_TOKEN } from '../../src/simulator/index.js';
import { startStack, type Stack } from '../support/stack.js';
import { jsonPost, ONE_CALL_QUERY, send } from './support.js';

const KEY = 'pg-key-0123456789abcdef';
const OTHER_KEY = 'pg-key-fedcba9876543210';

describe('API_KEYS', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      simulator: { osTokens: [DEMO_OS_TOKEN, 'caller-own-token'] },
      portgraph: { apiKeys: [KEY, OTHER_KEY] },
    });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sim.clearLog());

  it.each([
    ['no Authorization header', {}],
    ['a wrong key', { authorization: 'Bearer pg-key-0123456789abcdeX' }],
    ['a key of another length', { authorization: `Bearer ${KEY}0` }],
    ['the right key under another scheme', { authorization: `Basic ${KEY}` }],
    ['only its own upstream token', { 'x-auth-token': 'caller-own-token' }],
  ])('refuses %s with 401 before any upstream call', async (_, headers: Record<string, string>) => {
    const answer = await send(stack.url, jsonPost(ONE_CALL_QUERY, headers));
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    const body = answer.json();
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
    expect(stack.calls()).toEqual([]);
  });

  it('answers a request carrying any of the keys', async () => {
    for (const key of [KEY, OTHER_KEY]) {
      const answer = await send(stack.url, jsonPost(ONE_CALL_QUERY, { authorization: `Bearer ${key}` }));
      expect(answer.status).toBe(200);
      expect(answer.json().data.servers.nodes).toHaveLength(1);
    }
    expect(stack.calls('nova').map((c) => c.credential)).toEqual([DEMO_OS_TOKEN, DEMO_OS_TOKEN]);
  });

  it('serves a keyed request that brings its own upstream token with that token', async () => {
    const answer = await send(stack.url, jsonPost(ONE_CALL_QUERY, { authorization: `Bearer ${KEY}`, 'x-auth-token': 'caller-own-token' }));
    expect(answer.json().data.servers.nodes).toHaveLength(1);
    expect(stack.calls('nova').map((c) => c.credential)).toEqual(['caller-own-token']);
  });

  it('serves GraphiQL’s page without a key, with the header to fill in', async () => {
    const page = await send(stack.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('Bearer <API key>');
    // What is typed into the headers stays out of the browser's storage.
    expect(page.text).toMatch(/"shouldPersistHeaders":\s*false/);
    expect(page.text).not.toContain(KEY);
  });

  it('never writes a key into a response or a log line', async () => {
    const right = await send(stack.url, jsonPost(ONE_CALL_QUERY, { authorization: `Bearer ${KEY}` }));
    const wrong = await send(stack.url, jsonPost(ONE_CALL_QUERY, { authorization: `Bearer ${OTHER_KEY}x` }));
    for (const answer of [right, wrong]) {
      expect(answer.text).not.toMatch(/pg-key-/);
      expect([...answer.headers.values()].join('\n')).not.toMatch(/pg-key-/);
    }
    expect(stack.logs.join('\n')).not.toMatch(/pg-key-/);
  });
});
