import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { headerAuth } from '../../src/sources/auth.js';
import type { Authenticator } from '../../src/sources/auth.js';
import type { SourceName } from '../../src/sources/errors.js';
import { createHttp } from '../../src/sources/http.js';
import type { CallEvent, CallScope, Http, HttpOptions } from '../../src/sources/http.js';
import { ORIGIN, TOKEN, fakeClock, mocked, rejectsWith, serve, tokenAuth, under } from './support.js';

const TTL = 60_000;
const PATH = '/v2/p-1/ports';
const url = (path = PATH) => new URL(`${ORIGIN}${path}`);
const bytes = (body: unknown) => Buffer.byteLength(JSON.stringify(body));

const alice = headerAuth('token:alice', 'X-Auth-Token', 'alice-token');
const bob = headerAuth('token:bob', 'X-Auth-Token', 'bob-token');

/** A mock upstream behind createHttp with the cache on, a fake clock and every event kept. */
function setup(options: Partial<HttpOptions> = { cache: { ttlMs: TTL } }) {
  const clock = fakeClock();
  const events: CallEvent[] = [];
  const mock = mocked({ clock, onEvent: (e) => events.push(e), retry: { maxAttempts: 1 }, ...options });
  const get = (path = PATH, scope: CallScope = { auth: tokenAuth }, source: SourceName = 'vpc') =>
    mock.http.getJson(source, { url: url(path), scope });
  return { ...mock, clock, events, get, outcomes: () => events.map((e) => e.outcome) };
}

describe('the cache is off by default', () => {
  it.each([
    ['no cache option', {}],
    ['a TTL of 0', { cache: { ttlMs: 0 } }],
  ])('with %s every call goes upstream and nothing is coalesced', async (_, options: Partial<HttpOptions>) => {
    const { pool, calls, get, http } = setup(options);
    pool.intercept(under(PATH)).reply(200, { ports: [] }).times(7);
    await get();
    await get();
    await Promise.all(Array.from({ length: 5 }, () => get()));
    expect(calls()).toHaveLength(7);
    expect(http.cacheStats()).toEqual({ entries: 0, bytes: 0, hits: 0, misses: 0, coalesced: 0 });
  });

  it('refuses bounds that make no sense', () => {
    for (const cache of [{ ttlMs: -1 }, { ttlMs: Number.NaN }, { ttlMs: TTL, maxEntries: 0 }, { ttlMs: TTL, maxBytes: -5 }]) {
      expect(() => createHttp({ timeoutMs: 1000, cache })).toThrow(RangeError);
    }
  });
});

describe('answers kept for the TTL', () => {
  it('answers a repeated call within the TTL without calling upstream', async () => {
    const { pool, calls, get, http, clock } = setup();
    const body = { ports: [{ id: 'p1' }] };
    pool.intercept(under(PATH)).reply(200, body);
    const first = await get();
    clock.advance(TTL - 1);
    const again = await get();
    expect(calls()).toHaveLength(1);
    expect(again).toBe(first);
    expect(again.json).toEqual(body);
    expect(http.cacheStats()).toEqual({ entries: 1, bytes: bytes(body), hits: 1, misses: 1, coalesced: 0 });
  });

  it('calls upstream again once the TTL has passed', async () => {
    const { pool, calls, get, clock } = setup();
    pool.intercept(under(PATH)).reply(200, { ports: [{ id: 'old' }] });
    pool.intercept(under(PATH)).reply(200, { ports: [{ id: 'new' }] });
    await get();
    clock.advance(TTL);
    expect((await get()).json).toEqual({ ports: [{ id: 'new' }] });
    expect(calls()).toHaveLength(2);
  });

  it('keys on the full URL and the source: another query string or source is another answer', async () => {
    const { pool, calls, get } = setup();
    pool.intercept(under(PATH)).reply(200, { n: 1 }).times(3);
    await get(`${PATH}?limit=2000&marker=a`);
    await get(`${PATH}?limit=2000&marker=b`);
    await get(`${PATH}?limit=2000&marker=a`, { auth: tokenAuth }, 'hss');
    await get(`${PATH}?limit=2000&marker=a`);
    expect(calls().map((c) => c.fullUrl)).toEqual([
      `${ORIGIN}${PATH}?limit=2000&marker=a`,
      `${ORIGIN}${PATH}?limit=2000&marker=b`,
      `${ORIGIN}${PATH}?limit=2000&marker=a`,
    ]);
  });

  it('never keeps a failure: the next call goes upstream', async () => {
    const { pool, calls, get, http } = setup();
    pool.intercept(under(PATH)).reply(404, { NeutronError: { message: 'gone' } });
    pool.intercept(under(PATH)).reply(503, 'busy');
    pool.intercept(under(PATH)).reply(200, '<html>login</html>');
    pool.intercept(under(PATH)).reply(200, { ports: [] });
    await rejectsWith(get(), { code: 'NOT_FOUND' });
    await rejectsWith(get(), { code: 'UPSTREAM_UNAVAILABLE', status: 503 });
    await rejectsWith(get(), { code: 'UPSTREAM_BAD_RESPONSE' });
    expect(http.cacheStats().entries).toBe(0);
    await expect(get()).resolves.toMatchObject({ json: { ports: [] } });
    await get();
    expect(calls()).toHaveLength(4);
  });

  it('reset() empties the cache and its counters', async () => {
    const { pool, calls, get, http } = setup();
    pool.intercept(under(PATH)).reply(200, { ports: [] }).times(2);
    await get();
    await get();
    http.reset();
    expect(http.cacheStats()).toEqual({ entries: 0, bytes: 0, hits: 0, misses: 0, coalesced: 0 });
    await get();
    expect(calls()).toHaveLength(2);
  });
});

describe('one credential never gets another credential’s answer', () => {
  function perCredential() {
    const mock = setup();
    for (const [token, who] of [
      ['alice-token', 'alice'],
      ['bob-token', 'bob'],
    ] as const) {
      mock.pool
        .intercept({ ...under(PATH), headers: { 'x-auth-token': token } })
        .reply(200, { who })
        .delay(20);
    }
    mock.pool
      .intercept({ ...under(PATH), headers: (h: Record<string, string>) => !('x-auth-token' in h) })
      .reply(200, { who: 'anonymous' });
    return mock;
  }

  it('calls upstream once per credential, one after the other, and serves each its own', async () => {
    const { calls, get } = perCredential();
    const answers = [];
    for (const auth of [alice, bob, undefined, alice, bob, undefined]) answers.push((await get(PATH, { auth })).json);
    expect(answers).toEqual(['alice', 'bob', 'anonymous', 'alice', 'bob', 'anonymous'].map((who) => ({ who })));
    expect(calls().map((c) => c.headers['x-auth-token'])).toEqual(['alice-token', 'bob-token', undefined]);
  });

  it('never lets one credential join another’s call in flight', async () => {
    const { calls, get, http } = perCredential();
    const answers = await Promise.all([alice, bob, alice, bob].map((auth) => get(PATH, { auth })));
    expect(answers.map((a) => a.json)).toEqual(['alice', 'bob', 'alice', 'bob'].map((who) => ({ who })));
    expect(calls().map((c) => c.headers['x-auth-token']).sort()).toEqual(['alice-token', 'bob-token']);
    expect(http.cacheStats()).toMatchObject({ misses: 2, coalesced: 2, entries: 2 });
  });

  it('never caches a call whose credential has no id', async () => {
    const { pool, calls, get } = setup();
    const nameless = { ...tokenAuth, id: '' } satisfies Authenticator;
    pool.intercept(under(PATH)).reply(200, { ports: [] }).times(2);
    await get(PATH, { auth: nameless });
    await get(PATH, { auth: nameless });
    expect(calls()).toHaveLength(2);
    expect(calls()[0]?.headers['x-auth-token']).toBe(TOKEN);
  });
});

describe('identical calls in flight are shared', () => {
  it('makes one upstream call for 50 concurrent identical calls, and all 50 get its answer', async () => {
    const { pool, calls, get, http } = setup();
    pool.intercept(under(PATH)).reply(200, { ports: [{ id: 'p1' }] }).delay(20);
    const answers = await Promise.all(Array.from({ length: 50 }, () => get()));
    expect(calls()).toHaveLength(1);
    for (const answer of answers) expect(answer).toBe(answers[0]);
    expect(answers[0]?.json).toEqual({ ports: [{ id: 'p1' }] });
    expect(http.cacheStats()).toMatchObject({ entries: 1, misses: 1, coalesced: 49, hits: 0 });
  });

  it('fails every waiter with the shared call’s failure, and keeps nothing', async () => {
    const { pool, calls, get, http } = setup();
    pool.intercept(under(PATH)).reply(404, { NeutronError: { message: 'gone' } }).delay(20);
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => get()));
    expect(calls()).toHaveLength(1);
    const reasons = results.map((r) => (r.status === 'rejected' ? (r.reason as unknown) : r.value));
    for (const reason of reasons) expect(reason).toMatchObject({ code: 'NOT_FOUND', source: 'vpc', status: 404 });
    expect(http.cacheStats()).toMatchObject({ entries: 0, misses: 1, coalesced: 9 });

    pool.intercept(under(PATH)).reply(200, { ports: [] });
    await expect(get()).resolves.toMatchObject({ json: { ports: [] } });
    expect(calls()).toHaveLength(2);
  });

  it('shares a call until it settles: the next one after a success is a cache hit', async () => {
    const { pool, calls, get, outcomes } = setup();
    pool.intercept(under(PATH)).reply(200, { ports: [] }).delay(10);
    const first = get();
    const second = get();
    await Promise.all([first, second]);
    await get();
    expect(calls()).toHaveLength(1);
    expect(outcomes()).toEqual(['ok', 'coalesced', 'cache-hit']);
  });
});

describe('a waiter’s own deadline and signal', () => {
  let held: ServerResponse[] = [];
  let requests = 0;
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  let http: Http | undefined;
  afterEach(async () => {
    for (const res of held) res.destroy();
    held = [];
    requests = 0;
    await http?.close();
    await server?.close();
    http = server = undefined;
  });

  /** Resolves once `count` requests have reached the upstream. */
  async function arrived(count: number): Promise<void> {
    while (requests < count) await new Promise((resolve) => setTimeout(resolve, 2));
  }

  /** An upstream that holds every answer until the test releases it. */
  async function slowUpstream(): Promise<{ get: (scope: Partial<CallScope> & { signal?: AbortSignal }) => ReturnType<Http['getJson']>; release: () => void }> {
    server = await serve((_: IncomingMessage, res: ServerResponse) => {
      requests++;
      held.push(res);
    });
    const h = createHttp({ timeoutMs: 10_000, cache: { ttlMs: TTL }, retry: { maxAttempts: 1 } });
    http = h;
    const base = server.url;
    return {
      get: ({ signal, ...scope }) => h.getJson('hss', { url: new URL(`${base}/v5/p/asset/ports?host_id=h1`), scope: { auth: tokenAuth, ...scope }, signal }),
      release: () => {
        for (const res of held.splice(0)) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"total_num":0,"data_list":[]}');
        }
      },
    };
  }

  it('answers UPSTREAM_TIMEOUT at the waiter’s deadline while the shared call goes on', async () => {
    const { get, release } = await slowUpstream();
    const events: CallEvent[] = [];
    const leader = get({});
    await arrived(1);
    const started = Date.now();
    const waiter = get({ deadline: started + 100, observe: (e) => events.push(e) });
    await rejectsWith(waiter, {
      source: 'hss',
      code: 'UPSTREAM_TIMEOUT',
      retryable: true,
      message: 'hss did not answer before the request ran out of time',
    });
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(90);
    expect(waited).toBeLessThan(1000);
    expect(events).toEqual([expect.objectContaining({ outcome: 'coalesced', attempt: 0, code: 'UPSTREAM_TIMEOUT' })]);

    release();
    await expect(leader).resolves.toMatchObject({ status: 200, json: { total_num: 0 } });
    await expect(get({})).resolves.toMatchObject({ status: 200 });
    expect(requests).toBe(1);
  });

  it('answers UPSTREAM_TIMEOUT at once to a waiter whose deadline has passed', async () => {
    const { get, release } = await slowUpstream();
    const leader = get({});
    await rejectsWith(get({ deadline: Date.now() - 1 }), { code: 'UPSTREAM_TIMEOUT' });
    await arrived(1);
    release();
    await leader;
  });

  it('lets the first caller give up without failing the others', async () => {
    const { get, release } = await slowUpstream();
    const controller = new AbortController();
    const leader = get({ signal: controller.signal });
    const waiter = get({});
    await arrived(1);
    controller.abort(new Error('client went away'));
    await expect(leader).rejects.toThrow('client went away');
    release();
    await expect(waiter).resolves.toMatchObject({ status: 200 });
    expect(requests).toBe(1);
  });

  it('cancels the shared call once every caller has given up, and the next call starts afresh', async () => {
    const { get, release } = await slowUpstream();
    const controllers = [new AbortController(), new AbortController()];
    const calls = controllers.map(({ signal }) => get({ signal }));
    await arrived(1);
    const cancelled = held[0];
    const closed = new Promise((resolve) => cancelled?.on('close', resolve));
    for (const c of controllers) c.abort(new Error('gone'));
    for (const call of calls) await expect(call).rejects.toThrow('gone');
    await closed;

    const next = get({});
    await arrived(2);
    release();
    await expect(next).resolves.toMatchObject({ status: 200 });
    expect(requests).toBe(2);
  });
});

describe('bounds', () => {
  it('evicts the least recently used answer past maxEntries', async () => {
    const { pool, calls, get, http } = setup({ cache: { ttlMs: TTL, maxEntries: 2 } });
    pool.intercept(under(PATH)).reply(200, { ports: [] }).persist();
    await get(`${PATH}?marker=a`);
    await get(`${PATH}?marker=b`);
    await get(`${PATH}?marker=a`); // a is now the most recently used
    await get(`${PATH}?marker=c`); // evicts b
    expect(http.cacheStats().entries).toBe(2);
    await get(`${PATH}?marker=a`);
    await get(`${PATH}?marker=c`);
    expect(calls()).toHaveLength(3);
    await get(`${PATH}?marker=b`);
    expect(calls().map((c) => c.searchParams.marker)).toEqual(['a', 'b', 'c', 'b']);
  });

  it('evicts the least recently used answers past maxBytes, and never keeps an answer larger than that', async () => {
    const body = { ports: [{ id: 'x'.repeat(30) }] };
    const size = bytes(body);
    const { pool, calls, get, http } = setup({ cache: { ttlMs: TTL, maxBytes: size * 2 + 1 } });
    pool.intercept(under(PATH)).reply(200, body).persist();
    pool.intercept(under('/big')).reply(200, { ports: [{ id: 'x'.repeat(100) }] }).persist();
    await get(`${PATH}?marker=a`);
    await get(`${PATH}?marker=b`);
    expect(http.cacheStats()).toMatchObject({ entries: 2, bytes: size * 2 });
    await get(`${PATH}?marker=a`);
    await get(`${PATH}?marker=c`); // evicts b
    expect(http.cacheStats()).toMatchObject({ entries: 2, bytes: size * 2 });
    await get(`${PATH}?marker=a`);
    await get(`${PATH}?marker=b`);
    expect(calls().map((c) => c.searchParams.marker)).toEqual(['a', 'b', 'c', 'b']);

    await get('/big');
    await get('/big');
    expect(calls().filter((c) => c.path === '/big')).toHaveLength(2);
    expect(http.cacheStats().bytes).toBeLessThanOrEqual(size * 2 + 1);
  });

  it('drops expired answers when it stores a new one', async () => {
    const { pool, get, http, clock } = setup({ cache: { ttlMs: 1000 } });
    pool.intercept(under(PATH)).reply(200, { ports: [] }).persist();
    await get(`${PATH}?marker=a`);
    clock.advance(500);
    await get(`${PATH}?marker=b`);
    clock.advance(500);
    await get(`${PATH}?marker=c`);
    expect(http.cacheStats()).toMatchObject({ entries: 2, bytes: bytes({ ports: [] }) * 2 });
  });
});

describe('what a cache hit costs and tells', () => {
  it('reports hits and coalesced waits to onEvent and scope.observe, with attempt 0', async () => {
    const { pool, get, events, clock } = setup();
    pool.intercept(under(PATH)).reply(200, { ports: [] }).delay(10);
    const seen: CallEvent[] = [];
    const scope = { auth: tokenAuth, observe: (e: CallEvent) => seen.push(e) };
    await Promise.all([get(PATH, scope), get(PATH, scope)]);
    clock.advance(5);
    await get(PATH, scope);
    const base = { source: 'vpc', method: 'GET', path: PATH, status: 200 };
    expect(events).toEqual([
      { ...base, attempt: 1, outcome: 'ok', ms: expect.any(Number) },
      { ...base, attempt: 0, outcome: 'coalesced', ms: expect.any(Number) },
      { ...base, attempt: 0, outcome: 'cache-hit', ms: 0 },
    ]);
    expect(seen).toEqual(events);
  });

  it('reports a coalesced wait that failed with the failure’s code', async () => {
    const { pool, get, outcomes, events } = setup();
    pool.intercept(under(PATH)).reply(403, { error_code: 'VPC.0001', error_msg: 'no' }).delay(10);
    await Promise.allSettled([get(), get()]);
    expect(outcomes()).toEqual(['error', 'coalesced']);
    expect(events[1]).toMatchObject({ attempt: 0, status: 403, code: 'FORBIDDEN' });
  });

  it('answers from the cache while the breaker is open, with no permit free and without touching the budget', async () => {
    const { pool, get, http } = setup({ cache: { ttlMs: TTL }, maxConcurrentPerSource: 1, breaker: { failureThreshold: 1 } });
    pool.intercept(under(PATH)).reply(200, { ports: [] });
    await get();
    const budget = http.retryBudget('vpc');

    pool.intercept(under('/slow')).reply(200, {}).delay(50);
    const holdingThePermit = get('/slow');
    await expect(get()).resolves.toMatchObject({ status: 200 });
    await holdingThePermit;

    pool.intercept(under('/bad')).reply(502, 'x');
    await rejectsWith(get('/bad'), { status: 502 });
    expect(http.breakerState('vpc')).toBe('open');
    await expect(get()).resolves.toMatchObject({ status: 200 });
    // Two real calls since (/slow, /bad); the hits are not first attempts.
    expect(http.retryBudget('vpc')).toMatchObject({ firstAttempts: budget.firstAttempts + 2, retries: 0 });
  });
});
