import { describe, expect, it } from 'vitest';
import type { Authenticator, OutgoingRequest } from '../../src/sources/auth.js';
import { UpstreamError } from '../../src/sources/errors.js';
import type { SourceName } from '../../src/sources/errors.js';
import { createHttp } from '../../src/sources/http.js';
import type { CallEvent, CallScope, HttpOptions } from '../../src/sources/http.js';
import {
  ORIGIN,
  closedPort,
  fakeClock,
  json,
  mocked,
  rejectsWith,
  serve,
  sessionAuth,
  tokenAuth,
  under,
} from './support.js';

const PATH = '/v2/p-1/ports';
const url = (path = PATH) => new URL(`${ORIGIN}${path}?limit=2000&marker=m-1`);
const throttled = { error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached' };
const zstackError = (code: string) => ({ error: { code, description: 'd', details: 'x' } });

/** A mock upstream behind createHttp with a fake clock, a fixed jitter and every event kept. */
function setup(options: Partial<HttpOptions> = {}, random = 0.5) {
  const clock = fakeClock();
  const events: CallEvent[] = [];
  const mock = mocked({ clock, onEvent: (e) => events.push(e), ...options, retry: { random: () => random, ...options.retry } });
  const get = (source: SourceName, scope: CallScope = { auth: tokenAuth }, path = PATH) =>
    mock.http.getJson(source, { url: url(path), scope });
  return { ...mock, clock, events, get, outcomes: () => events.map((e) => e.outcome) };
}

describe('retries', () => {
  it.each([
    ['vpc', 502, { error_code: 'APIGW.0201', error_msg: 'Backend unavailable' }],
    ['hss', 503, { error_code: 'HSS.0503', error_msg: 'Busy' }],
    ['nova', 503, { serviceUnavailable: { code: 503, message: 'Service Unavailable' } }],
    ['nova', 504, 'Gateway Timeout'],
    ['zstack', 502, '<html>Bad Gateway</html>'],
    ['hss', 429, throttled],
    ['nova', 429, { overLimit: { code: 429, message: 'This request was rate-limited.', retryAfter: '0' } }],
  ] as const)('answers %s after two %i, each attempt counted', async (source, status, body) => {
    const { pool, calls, get, clock, outcomes } = setup();
    pool.intercept(under('/v2')).reply(status, body).times(2);
    pool.intercept(under('/v2')).reply(200, { ports: [] }, { headers: json });

    await expect(get(source)).resolves.toMatchObject({ status: 200, json: { ports: [] } });
    expect(calls()).toHaveLength(3);
    expect(outcomes()).toEqual(['retry', 'retry', 'ok']);
    expect(clock.sleeps).toEqual([50, 100]);
  });

  it('gives up after 3 attempts with the last answer', async () => {
    const { pool, calls, get } = setup();
    pool.intercept(under('/v2')).reply(502, 'a').times(2);
    pool.intercept(under('/v2')).reply(504, 'b');
    await rejectsWith(get('vpc'), { code: 'UPSTREAM_UNAVAILABLE', status: 504, retryable: true });
    expect(calls()).toHaveLength(3);
  });

  it.each([
    ['ID.1001', 'UNAUTHENTICATED'],
    ['SYS.1003', 'NOT_FOUND'],
    ['SYS.1001', 'UPSTREAM_TIMEOUT'],
    ['SYS.1000', 'UPSTREAM_UNAVAILABLE'],
  ] as const)('never retries a ZStack business 503 %s', async (upstreamCode, code) => {
    const { pool, calls, get, outcomes } = setup();
    pool.intercept(under('/v2')).reply(503, zstackError(upstreamCode), { headers: json }).times(3);
    await rejectsWith(get('zstack', { auth: sessionAuth }), { code, status: 503, upstreamCode });
    expect(calls()).toHaveLength(1);
    expect(outcomes()).toEqual(['error']);
  });

  it('never retries a plain ZStack 503 either', async () => {
    const { pool, calls, get } = setup();
    pool.intercept(under('/v2')).reply(503, 'Service Unavailable').times(3);
    await rejectsWith(get('zstack', { auth: sessionAuth }), { status: 503 });
    expect(calls()).toHaveLength(1);
  });

  it.each([
    [500, { error_code: 'HSS.0041', error_msg: 'Query host info error' }, 'UPSTREAM_UNAVAILABLE'],
    [400, { error_code: 'HSS.0001', error_msg: 'Invalid parameter' }, 'BAD_REQUEST'],
    [401, { error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information' }, 'UNAUTHENTICATED'],
    [403, { error_code: 'HSS.0010', error_msg: 'Access denied' }, 'FORBIDDEN'],
    [404, { error_code: 'HSS.0011', error_msg: 'Not found' }, 'NOT_FOUND'],
    [413, { error_code: 'APIGW.0201', error_msg: 'Request entity too large' }, 'RATE_LIMITED'],
  ] as const)('does not retry a %i', async (status, body, code) => {
    const { pool, calls, get } = setup();
    pool.intercept(under('/v2')).reply(status, body, { headers: json }).times(3);
    await rejectsWith(get('hss'), { code, status });
    expect(calls()).toHaveLength(1);
  });

  it('retries a reset connection, then answers', async () => {
    let requests = 0;
    const server = await serve((req, res) => {
      if (++requests === 1) req.socket.destroy();
      else res.writeHead(200, json).end('{"ok":true}');
    });
    const http = createHttp({ timeoutMs: 2000, retry: { random: () => 0 } });
    try {
      const answer = await http.getJson('nova', { url: new URL(`${server.url}/x`), scope: { auth: tokenAuth } });
      expect(answer.json).toEqual({ ok: true });
      expect(requests).toBe(2);
    } finally {
      await http.close();
      await server.close();
    }
  });

  it('retries a refused connection up to 3 attempts', async () => {
    const events: CallEvent[] = [];
    const http = createHttp({ timeoutMs: 2000, retry: { random: () => 0 }, onEvent: (e) => events.push(e) });
    try {
      await rejectsWith(http.getJson('zstack', { url: new URL(`${await closedPort()}/x`), scope: { auth: sessionAuth } }), {
        code: 'UPSTREAM_UNAVAILABLE',
        message: 'zstack could not be reached: the connection was refused',
      });
      expect(events.map((e) => [e.attempt, e.outcome, e.status])).toEqual([
        [1, 'retry', undefined],
        [2, 'retry', undefined],
        [3, 'error', undefined],
      ]);
    } finally {
      await http.close();
    }
  });

  it('does not retry a timeout', async () => {
    let requests = 0;
    const server = await serve(() => void requests++);
    const http = createHttp({ timeoutMs: 100 });
    try {
      await rejectsWith(http.getJson('hss', { url: new URL(`${server.url}/x`), scope: { auth: tokenAuth } }), {
        code: 'UPSTREAM_TIMEOUT',
        message: 'hss did not answer within 100 ms',
      });
      expect(requests).toBe(1);
    } finally {
      await http.close();
      await server.close();
    }
  });
});

describe('Retry-After and the deadline', () => {
  it('waits Retry-After: 1 before the next attempt', async () => {
    const { pool, calls, get, clock } = setup({}, 0);
    pool.intercept(under('/v2')).reply(429, throttled, { headers: { ...json, 'retry-after': '1' } });
    pool.intercept(under('/v2')).reply(200, { ports: [] });
    await expect(get('vpc')).resolves.toMatchObject({ status: 200 });
    expect(clock.sleeps).toEqual([1000]);
    expect(calls()).toHaveLength(2);
  });

  it('waits the jitter when it is longer than Retry-After', async () => {
    const { pool, get, clock } = setup({}, 0.999);
    pool.intercept(under('/v2')).reply(429, throttled, { headers: { ...json, 'retry-after': '0' } }).times(2);
    pool.intercept(under('/v2')).reply(200, { ports: [] });
    await get('vpc');
    expect(clock.sleeps).toEqual([99, 199]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const { pool, get, clock } = setup({}, 0);
    const at = new Date(Date.now() + 3000).toUTCString();
    pool.intercept(under('/v2')).reply(503, 'busy', { headers: { 'retry-after': at } });
    pool.intercept(under('/v2')).reply(200, { ports: [] });
    await get('nova');
    expect(clock.sleeps[0]).toBeGreaterThan(1000);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(3000);
  });

  it('fails at once with the 429 when Retry-After runs past the deadline', async () => {
    const { pool, calls, get, clock, outcomes } = setup({}, 0);
    pool.intercept(under('/v2')).reply(429, throttled, { headers: { ...json, 'retry-after': '1' } });
    pool.intercept(under('/v2')).reply(200, { ports: [] });
    await rejectsWith(get('hss', { auth: tokenAuth, deadline: clock.now() + 900 }), {
      code: 'RATE_LIMITED',
      status: 429,
      upstreamCode: 'APIGW.0308',
    });
    expect(calls()).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
    expect(outcomes()).toEqual(['error']);
  });

  it('does not wait for a Retry-After of minutes even without a deadline', async () => {
    const { pool, calls, get, clock } = setup();
    pool.intercept(under('/v2')).reply(429, throttled, { headers: { ...json, 'retry-after': '120' } }).times(2);
    await rejectsWith(get('hss'), { code: 'RATE_LIMITED' });
    expect(calls()).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('does not back off past the deadline', async () => {
    const { pool, calls, get, clock } = setup({}, 0.999);
    pool.intercept(under('/v2')).reply(502, 'x');
    pool.intercept(under('/v2')).reply(200, { ports: [] });
    await rejectsWith(get('vpc', { auth: tokenAuth, deadline: clock.now() + 50 }), { status: 502 });
    expect(calls()).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('sends nothing once the deadline has passed', async () => {
    const { calls, get, clock, events } = setup();
    await rejectsWith(get('nova', { auth: tokenAuth, deadline: clock.now() }), {
      code: 'UPSTREAM_TIMEOUT',
      status: undefined,
      message: 'nova was not called: the request ran out of time',
    });
    expect(calls()).toEqual([]);
    expect(events).toMatchObject([{ attempt: 1, outcome: 'error', code: 'UPSTREAM_TIMEOUT' }]);
  });

  it('cuts an attempt short at the deadline', async () => {
    const server = await serve(() => undefined);
    const http = createHttp({ timeoutMs: 5000 });
    try {
      const started = Date.now();
      await rejectsWith(http.getJson('hss', { url: new URL(`${server.url}/x`), scope: { auth: tokenAuth, deadline: started + 150 } }), {
        code: 'UPSTREAM_TIMEOUT',
      });
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await http.close();
      await server.close();
    }
  });

  it('stops waiting for a permit at the deadline', async () => {
    const { pool, calls, http } = setup({ maxConcurrentPerSource: 1, clock: undefined });
    pool.intercept(under('/slow')).reply(200, {}).delay(300);
    const slow = http.getJson('nova', { url: url('/slow'), scope: { auth: tokenAuth } });
    const started = Date.now();
    await rejectsWith(http.getJson('nova', { url: url(), scope: { auth: tokenAuth, deadline: started + 50 } }), {
      code: 'UPSTREAM_TIMEOUT',
    });
    expect(Date.now() - started).toBeLessThan(250);
    await slow;
    expect(calls().map((c) => c.path)).toEqual(['/slow']);
  });

  it('stops waiting out a backoff when the caller gives up', async () => {
    const { pool, http } = setup({ clock: undefined, retry: { baseMs: 5000 } }, 0.9);
    pool.intercept(under('/v2')).reply(502, 'x');
    const controller = new AbortController();
    const call = http.getJson('vpc', { url: url(), scope: { auth: tokenAuth }, signal: controller.signal });
    const reason = new Error('client went away');
    setTimeout(() => controller.abort(reason), 20);
    const started = Date.now();
    await expect(call).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('the retry budget', () => {
  it('stops retrying once spent, and recovers after the window', async () => {
    const { pool, calls, get, clock, http } = setup({ budget: { minRetries: 2, ratio: 0 }, breaker: { failureThreshold: 100 } });
    pool.intercept(under('/v2')).reply(502, 'x').persist();

    await rejectsWith(get('vpc'), { status: 502 });
    expect(calls()).toHaveLength(3);
    await rejectsWith(get('vpc'), { status: 502 });
    expect(calls()).toHaveLength(4);
    expect(http.retryBudget('vpc')).toEqual({ firstAttempts: 2, retries: 2, allowed: 2 });
    expect(http.retryBudget('hss')).toEqual({ firstAttempts: 0, retries: 0, allowed: 2 });

    clock.advance(10_000);
    await rejectsWith(get('vpc'), { status: 502 });
    expect(calls()).toHaveLength(7);
    expect(http.retryBudget('vpc')).toEqual({ firstAttempts: 1, retries: 2, allowed: 2 });
  });

  it('grows with the first attempts', async () => {
    const { pool, get, http } = setup({ budget: { minRetries: 0, ratio: 0.2 } });
    pool.intercept(under('/v2')).reply(200, { ports: [] }).times(10);
    for (let i = 0; i < 10; i++) await get('hss');
    expect(http.retryBudget('hss')).toEqual({ firstAttempts: 10, retries: 0, allowed: 2 });
  });
});

describe('the circuit breaker', () => {
  const ONE = { retry: { maxAttempts: 1 } };

  it('opens after N consecutive failures and then fails fast without sending anything', async () => {
    const { pool, calls, get, http, events } = setup({ ...ONE, breaker: { failureThreshold: 3 } });
    pool.intercept(under('/v2')).reply(502, 'x').persist();
    for (let i = 0; i < 3; i++) await rejectsWith(get('nova'), { status: 502 });
    expect(http.breakerState('nova')).toBe('open');

    await rejectsWith(get('nova'), {
      source: 'nova',
      code: 'UPSTREAM_UNAVAILABLE',
      status: undefined,
      retryable: false,
      message: 'nova is failing, so calls to it are paused for a few seconds',
    });
    expect(calls()).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({ outcome: 'breaker-open', attempt: 1, code: 'UPSTREAM_UNAVAILABLE' });
    expect(http.breakerState('hss')).toBe('closed');
  });

  it('counts attempts, and stops retrying once it opens', async () => {
    const { pool, calls, get, http } = setup({ breaker: { failureThreshold: 5 } });
    pool.intercept(under('/v2')).reply(503, 'x').persist();
    await rejectsWith(get('hss'), { status: 503 });
    await rejectsWith(get('hss'), { status: 503 });
    expect(calls()).toHaveLength(5);
    expect(http.breakerState('hss')).toBe('open');
  });

  it('half-opens after the cooldown: one probe goes, the rest fail fast without waiting for a permit', async () => {
    const { pool, calls, get, http, clock } = setup({ ...ONE, maxConcurrentPerSource: 1, breaker: { failureThreshold: 1 } });
    pool.intercept(under('/v2')).reply(502, 'x');
    await rejectsWith(get('vpc'), { status: 502 });
    clock.advance(4999);
    await rejectsWith(get('vpc'), { message: expect.stringMatching(/paused/) });
    clock.advance(1);
    expect(http.breakerState('vpc')).toBe('half-open');

    pool.intercept(under('/v2')).reply(200, { ports: [] }).delay(100);
    const probe = get('vpc');
    await rejectsWith(get('vpc'), { message: expect.stringMatching(/paused/) });
    await expect(probe).resolves.toMatchObject({ status: 200 });
    expect(calls()).toHaveLength(2);
    expect(http.breakerState('vpc')).toBe('closed');

    pool.intercept(under('/v2')).reply(200, { ports: [] });
    await expect(get('vpc')).resolves.toMatchObject({ status: 200 });
  });

  it('fails fast, unsent, a call that queued for a permit while the breaker opened', async () => {
    const { pool, calls, get } = setup({ ...ONE, maxConcurrentPerSource: 1, breaker: { failureThreshold: 1 } });
    pool.intercept(under('/v2')).reply(502, 'x').delay(50);
    const first = get('nova');
    const queued = get('nova');
    await rejectsWith(first, { status: 502 });
    await rejectsWith(queued, { message: expect.stringMatching(/paused/) });
    expect(calls()).toHaveLength(1);
  });

  it('re-opens when the probe fails', async () => {
    const { pool, calls, get, http, clock } = setup({ ...ONE, breaker: { failureThreshold: 1, cooldownMs: 1000 } });
    pool.intercept(under('/v2')).reply(504, 'x').times(2);
    await rejectsWith(get('hss'), { status: 504 });
    clock.advance(1000);
    await rejectsWith(get('hss'), { status: 504 });
    expect(http.breakerState('hss')).toBe('open');
    await rejectsWith(get('hss'), { message: expect.stringMatching(/paused/) });
    expect(calls()).toHaveLength(2);
  });

  it.each([
    ['a 404', 'nova', 404, { itemNotFound: { code: 404, message: 'gone' } }],
    ['a 401', 'vpc', 401, { error_code: 'APIGW.0301', error_msg: 'bad token' }],
    ['a ZStack business 503', 'zstack', 503, zstackError('SYS.1003')],
  ] as const)('counts %s as the upstream being alive', async (_, source, status, body) => {
    const { pool, get, http } = setup({ ...ONE, breaker: { failureThreshold: 3 } });
    pool.intercept(under('/v2')).reply(502, 'x').times(2);
    pool.intercept(under('/v2')).reply(status, body, { headers: json });
    pool.intercept(under('/v2')).reply(502, 'x').times(2);
    for (let i = 0; i < 5; i++) await get(source).catch(() => undefined);
    expect(http.breakerState(source)).toBe('closed');
  });

  it('counts timeouts and resets as failures', async () => {
    const server = await serve((req) => {
      if (req.url === '/reset') req.socket.destroy();
    });
    const http = createHttp({ timeoutMs: 50, retry: { maxAttempts: 1 }, breaker: { failureThreshold: 2 } });
    try {
      const call = (path: string) => http.getJson('hss', { url: new URL(`${server.url}${path}`), scope: { auth: tokenAuth } });
      await rejectsWith(call('/hang'), { code: 'UPSTREAM_TIMEOUT' });
      await rejectsWith(call('/reset'), { code: 'UPSTREAM_UNAVAILABLE' });
      expect(http.breakerState('hss')).toBe('open');
      http.reset();
      expect(http.breakerState('hss')).toBe('closed');
    } finally {
      await http.close();
      await server.close();
    }
  });
});

/** An authenticator that logs in: `token-1` until refreshed, then `token-2`. */
function renewing(answer: boolean | Error = true, header = 'X-Auth-Token', prefix = '') {
  let current = 'token-1';
  const refreshedWith: string[] = [];
  let authorizations = 0;
  const auth: Authenticator = {
    id: 'login:test',
    authorize: (req) => {
      authorizations++;
      req.headers[header] = `${prefix}${current}`;
      return Promise.resolve();
    },
    refresh: (failed: OutgoingRequest) => {
      refreshedWith.push(failed.headers[header] ?? '');
      if (answer instanceof Error) return Promise.reject(answer);
      current = 'token-2';
      return Promise.resolve(answer);
    },
  };
  return { auth, refreshedWith, authorizations: () => authorizations };
}

describe('re-authentication', () => {
  const expired = { error_code: 'APIGW.0307', error_msg: 'The token must be updated.' };

  it('refreshes once after a 401 and tries once more with the new credential', async () => {
    const { pool, calls, get, outcomes } = setup();
    const login = renewing();
    pool.intercept(under('/v2')).reply(401, expired, { headers: json });
    pool.intercept(under('/v2')).reply(200, { ports: [] });
    await expect(get('vpc', { auth: login.auth })).resolves.toMatchObject({ status: 200 });
    expect(calls().map((c) => c.headers['x-auth-token'])).toEqual(['token-1', 'token-2']);
    expect(login.refreshedWith).toEqual(['token-1']);
    expect(outcomes()).toEqual(['reauth', 'ok']);
  });

  it('renews an expired ZStack session (503 ID.1001)', async () => {
    const { pool, calls, get } = setup();
    const login = renewing(true, 'Authorization', 'OAuth ');
    pool.intercept(under('/v2')).reply(503, zstackError('ID.1001'), { headers: json });
    pool.intercept(under('/v2')).reply(200, { inventories: [] });
    await expect(get('zstack', { auth: login.auth })).resolves.toMatchObject({ status: 200 });
    expect(calls().map((c) => c.headers.authorization)).toEqual(['OAuth token-1', 'OAuth token-2']);
  });

  it("renews after keystonemiddleware's 401 from Nova", async () => {
    const { pool, calls, get } = setup();
    const login = renewing();
    pool
      .intercept(under('/v2'))
      .reply(401, { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
    pool.intercept(under('/v2')).reply(200, { servers: [] });
    await expect(get('nova', { auth: login.auth })).resolves.toMatchObject({ status: 200 });
    expect(calls()).toHaveLength(2);
  });

  it('answers the 401 when refresh() says no fresh credential is to be had', async () => {
    const { pool, calls, get, outcomes } = setup();
    const login = renewing(false);
    pool.intercept(under('/v2')).reply(401, expired, { headers: json }).times(2);
    await rejectsWith(get('vpc', { auth: login.auth }), { code: 'UNAUTHENTICATED', upstreamCode: 'APIGW.0307' });
    expect(calls()).toHaveLength(1);
    expect(login.refreshedWith).toHaveLength(1);
    expect(outcomes()).toEqual(['error']);
  });

  it('answers the 401 of a credential that cannot refresh', async () => {
    const { pool, calls, get } = setup();
    pool.intercept(under('/v2')).reply(401, expired, { headers: json }).times(2);
    await rejectsWith(get('hss', { auth: tokenAuth }), { code: 'UNAUTHENTICATED', status: 401 });
    expect(calls()).toHaveLength(1);
  });

  it('never refreshes twice in one call', async () => {
    const { pool, calls, get } = setup();
    const login = renewing();
    pool.intercept(under('/v2')).reply(401, expired, { headers: json }).times(3);
    await rejectsWith(get('vpc', { auth: login.auth }), { code: 'UNAUTHENTICATED' });
    expect(calls()).toHaveLength(2);
    expect(login.refreshedWith).toEqual(['token-1']);
  });

  it("answers the identity service's own failure when refreshing fails with one", async () => {
    const { pool, get } = setup();
    const down = new UpstreamError({ source: 'vpc', code: 'UPSTREAM_UNAVAILABLE', message: 'iam is unavailable', retryable: true });
    pool.intercept(under('/v2')).reply(401, expired, { headers: json });
    await expect(get('vpc', { auth: renewing(down).auth })).rejects.toBe(down);
  });

  it('authorizes every attempt afresh, so a signature is never reused', async () => {
    const { pool, get } = setup();
    const login = renewing();
    pool.intercept(under('/v2')).reply(502, 'x');
    pool.intercept(under('/v2')).reply(401, expired, { headers: json });
    pool.intercept(under('/v2')).reply(200, { ports: [] });
    await get('vpc', { auth: login.auth });
    expect(login.authorizations()).toBe(3);
  });

  it('neither retries nor refreshes when no credential could be had', async () => {
    const { calls, get } = setup();
    const refusal = new UpstreamError({ source: 'nova', code: 'UPSTREAM_UNAVAILABLE', message: 'keystone down', retryable: true });
    let refreshes = 0;
    const failing: Authenticator = {
      id: 'x',
      authorize: () => Promise.reject(refusal),
      refresh: () => Promise.resolve(++refreshes > 0),
    };
    await expect(get('nova', { auth: failing })).rejects.toBe(refusal);
    expect(calls()).toEqual([]);
    expect(refreshes).toBe(0);
  });
});

describe('observers', () => {
  it('tell scope.observe and onEvent about every attempt, with the path and nothing else of the URL', async () => {
    const { pool, get, events } = setup();
    const observed: CallEvent[] = [];
    pool.intercept(under('/v2')).reply(502, 'x');
    pool.intercept(under('/v2')).reply(429, throttled);
    pool.intercept(under('/v2')).reply(200, { ports: [] });
    await get('vpc', { auth: tokenAuth, observe: (e) => observed.push(e) });

    const base = { source: 'vpc', method: 'GET', path: PATH, ms: expect.any(Number) };
    expect(observed).toEqual([
      { ...base, attempt: 1, status: 502, outcome: 'retry', code: 'UPSTREAM_UNAVAILABLE' },
      { ...base, attempt: 2, status: 429, outcome: 'retry', code: 'RATE_LIMITED' },
      { ...base, attempt: 3, status: 200, outcome: 'ok' },
    ]);
    expect(events).toEqual(observed);
    expect(JSON.stringify(observed)).not.toMatch(/upstream\.test|marker|token/i);
  });

  it('cannot break a call by throwing', async () => {
    const { pool, get } = setup({ onEvent: () => { throw new Error('log sink down'); } });
    pool.intercept(under('/v2')).reply(200, { ports: [] });
    await expect(get('vpc', { auth: tokenAuth, observe: () => { throw new Error('trace full'); } })).resolves.toMatchObject({ status: 200 });
  });
});

describe('bounds', () => {
  it('lets 64 calls per source run at once by default', async () => {
    let inFlight = 0;
    let peak = 0;
    const server = await serve((_, res) => {
      peak = Math.max(peak, ++inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, json).end('{}');
      }, 50);
    });
    const http = createHttp({ timeoutMs: 2000 });
    try {
      const call = (n: number) => http.getJson('nova', { url: new URL(`${server.url}/s/${n}`), scope: { auth: tokenAuth } });
      await Promise.all(Array.from({ length: 70 }, (_, n) => call(n)));
      expect(peak).toBe(64);
    } finally {
      await http.close();
      await server.close();
    }
  });
});
