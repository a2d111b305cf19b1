import { afterEach, describe, expect, it } from 'vitest';
import type { Authenticator } from '../../src/sources/auth.js';
import { UpstreamError } from '../../src/sources/errors.js';
import { buildUrl, createHttp } from '../../src/sources/http.js';
import type { Http } from '../../src/sources/http.js';
import { ONE_ATTEMPT, ORIGIN, SESSION, TOKEN, closedPort, json, mocked, rejectsWith, serve, sessionAuth, tokenAuth, under } from './support.js';

describe('buildUrl', () => {
  it('appends the template to a base with a path prefix and a trailing slash', () => {
    const url = buildUrl('http://h:1/compute/', '/v2.1/{project}/servers/{id}/os-interface', { project: 'p1', id: 's1' });
    expect(url.href).toBe('http://h:1/compute/v2.1/p1/servers/s1/os-interface');
  });

  it('works with a bare origin, with or without a trailing slash', () => {
    expect(buildUrl('http://h:1', '/v2/{project}/ports', { project: 'p' }).href).toBe('http://h:1/v2/p/ports');
    expect(buildUrl('http://h:1/', '/v2/{project}/ports', { project: 'p' }).href).toBe('http://h:1/v2/p/ports');
    expect(buildUrl('http://h:1/a//', '/b', {}).href).toBe('http://h:1/a/b');
  });

  it.each(['a/b', 'a?b', 'a#b', '..', '.', '../../x', 'a b%2F', 'é'])('keeps id %j in its own path segment', (id) => {
    const url = buildUrl('http://h:1/compute/', '/v2.1/{project}/servers/{id}/os-interface', { project: 'p', id });
    const reparsed = new URL(url.href);
    const segments = reparsed.pathname.split('/');
    expect(segments).toHaveLength(7);
    expect(segments.slice(0, 5)).toEqual(['', 'compute', 'v2.1', 'p', 'servers']);
    expect(segments[6]).toBe('os-interface');
    expect(reparsed.search).toBe('');
    expect(reparsed.hash).toBe('');
    const sent = segments[5] ?? '';
    expect(sent === '.' || sent === '..').toBe(false);
    // One decoding by the upstream gives the id back; `.` and `..` cannot survive WHATWG URL, so
    // they arrive as the literal `%2E` / `%2E%2E`, which names no resource and traverses nothing.
    const decoded = decodeURIComponent(sent);
    if (id === '.' || id === '..') expect(decoded).toBe(id.replace(/\./g, '%2E'));
    else expect(decoded).toBe(id);
  });

  it('drops undefined query values and encodes the rest', () => {
    const url = buildUrl('http://h', '/x', {}, { a: 'b c&d', n: 2000, used: false, skip: undefined });
    expect(url.search).toBe('?a=b+c%26d&n=2000&used=false');
    expect(url.searchParams.has('skip')).toBe(false);
  });

  it('refuses a missing or empty path parameter', () => {
    expect(() => buildUrl('http://h', '/servers/{id}', {})).toThrow(TypeError);
    expect(() => buildUrl('http://h', '/servers/{id}', { id: '' })).toThrow(TypeError);
  });
});

describe('createHttp over a mock upstream', () => {
  it('sends Accept, User-Agent and the credential the authenticator adds', async () => {
    const { pool, http, calls } = mocked();
    pool.intercept(under('/ok')).reply(200, { ok: true }, { headers: json }).times(2);

    const answer = await http.getJson('nova', { url: new URL(`${ORIGIN}/ok?x=1`), scope: { auth: tokenAuth } });
    await http.getJson('zstack', { url: new URL(`${ORIGIN}/ok`), scope: { auth: sessionAuth } });

    expect(answer).toMatchObject({ status: 200, json: { ok: true } });
    expect(answer.headers['content-type']).toBe('application/json');
    const [first, second] = calls();
    expect(first).toMatchObject({
      fullUrl: `${ORIGIN}/ok?x=1`,
      headers: { accept: 'application/json', 'user-agent': 'portgraph', 'x-auth-token': TOKEN },
    });
    expect(second?.headers.authorization).toBe(`OAuth ${SESSION}`);
  });

  it('sends no credential when it is given no authenticator', async () => {
    const { pool, http, calls } = mocked();
    pool.intercept(under('/ok')).reply(200, {}, { headers: json });
    await http.getJson('hss', { url: new URL(`${ORIGIN}/ok`), scope: { auth: undefined } });
    expect(Object.keys(calls()[0]?.headers ?? {}).sort()).toEqual(['accept', 'user-agent']);
  });

  it.each([
    ['an HTML page', '<!DOCTYPE html><html><body>Login</body></html>', /HTML page instead of JSON/],
    ['an empty body', '', /empty body/],
    ['truncated JSON', '{"servers": [{"id": "a"', /not JSON/],
    ['plain text', 'OK', /not JSON/],
  ])('answers UPSTREAM_BAD_RESPONSE for a 200 with %s', async (_, body, message) => {
    const { pool, http } = mocked();
    pool.intercept(under('/x')).reply(200, body);
    await rejectsWith(http.getJson('nova', { url: new URL(`${ORIGIN}/x`), scope: { auth: tokenAuth } }), {
      source: 'nova',
      code: 'UPSTREAM_BAD_RESPONSE',
      status: 200,
      retryable: false,
      message: expect.stringMatching(message),
    });
  });

  it('answers UPSTREAM_BAD_RESPONSE for a body larger than maxResponseBytes', async () => {
    const { pool, http } = mocked({ maxResponseBytes: 1024 });
    pool.intercept(under('/big')).reply(200, JSON.stringify({ pad: 'x'.repeat(4096) }));
    await rejectsWith(http.getJson('vpc', { url: new URL(`${ORIGIN}/big`), scope: { auth: undefined } }), {
      code: 'UPSTREAM_BAD_RESPONSE',
      message: 'vpc answered 200 with a body larger than 1024 bytes',
    });
  });

  it('maps an error status through the source parser into one UpstreamError', async () => {
    const { pool, http } = mocked();
    pool
      .intercept(under('/v5'))
      .reply(400, { error_code: 'HSS.0001', error_msg: 'Invalid parameter limit' }, { headers: json });
    await rejectsWith(http.getJson('hss', { url: new URL(`${ORIGIN}/v5/p/asset/ports`), scope: { auth: tokenAuth } }), {
      source: 'hss',
      code: 'BAD_REQUEST',
      status: 400,
      upstreamCode: 'HSS.0001',
      retryable: false,
      message: 'hss answered 400 HSS.0001: Invalid parameter limit',
    });
  });

  it('keeps tokens, URLs and our own request path out of the message', async () => {
    const { pool, http } = mocked();
    pool.intercept(under('/v2')).reply(
      401,
      {
        error_code: 'APIGW.0301',
        error_msg: `Incorrect token ${TOKEN} for /v2/p-1/ports, see https://iam.example.com/v3/auth?x=${TOKEN}`,
      },
      { headers: json },
    );
    const error = await rejectsWith(http.getJson('vpc', { url: new URL(`${ORIGIN}/v2/p-1/ports`), scope: { auth: tokenAuth } }), {
      code: 'UNAUTHENTICATED',
      upstreamCode: 'APIGW.0301',
    });
    expect(error.message).toBe('vpc answered 401 APIGW.0301: Incorrect token <redacted> for <url>, see <url>');
  });

  it('redacts a ZStack session echoed back, and the bare session id too', async () => {
    const { pool, http } = mocked();
    pool
      .intercept(under('/zstack'))
      .reply(503, { error: { code: 'ID.1001', description: 'Session expired', details: `session[uuid:${SESSION}] expired` } });
    const error = await rejectsWith(http.getJson('zstack', { url: new URL(`${ORIGIN}/zstack/v1/vips/v/usedports`), scope: { auth: sessionAuth } }), {
      code: 'UNAUTHENTICATED',
      upstreamCode: 'ID.1001',
    });
    expect(error.message).toBe('zstack answered 503 ID.1001: Session expired: session[uuid:<redacted>] expired');
  });

  it('bounds the upstream message to about 200 characters', async () => {
    const { pool, http } = mocked();
    pool.intercept(under('/x')).reply(404, { itemNotFound: { code: 404, message: 'y'.repeat(5000) } });
    const error = await rejectsWith(http.getJson('nova', { url: new URL(`${ORIGIN}/x`), scope: { auth: tokenAuth } }), {
      code: 'NOT_FOUND',
    });
    expect(error.message.length).toBeLessThan(260);
    expect(error.message.endsWith('…')).toBe(true);
  });

  it('reads Retry-After into retryAfterMs', async () => {
    const { pool, http } = mocked(ONE_ATTEMPT);
    pool
      .intercept(under('/x'))
      .reply(429, { error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached' }, {
        headers: { ...json, 'retry-after': '3' },
      });
    const error = await rejectsWith(http.getJson('hss', { url: new URL(`${ORIGIN}/x`), scope: { auth: tokenAuth } }), {
      code: 'RATE_LIMITED',
      retryable: true,
    });
    expect(error.retryAfterMs).toBe(3000);
  });

  it('answers UNAUTHENTICATED when the authenticator fails, without its message', async () => {
    const { http } = mocked();
    const failing: Authenticator = {
      id: 'x',
      authorize: () => Promise.reject(new Error(`login failed with password hunter2 and ${TOKEN}`)),
    };
    const error = await rejectsWith(http.getJson('nova', { url: new URL(`${ORIGIN}/x`), scope: { auth: failing } }), {
      code: 'UNAUTHENTICATED',
      retryable: false,
    });
    expect(error.message).not.toContain('hunter2');
  });

  it('passes an UpstreamError from the authenticator through unchanged', async () => {
    const { http } = mocked();
    const refusal = new UpstreamError({ source: 'nova', code: 'UPSTREAM_UNAVAILABLE', message: 'keystone down', retryable: true });
    const failing: Authenticator = { id: 'x', authorize: () => Promise.reject(refusal) };
    await expect(http.getJson('nova', { url: new URL(`${ORIGIN}/x`), scope: { auth: failing } })).rejects.toBe(refusal);
  });

  it('answers UPSTREAM_UNAVAILABLE (not retryable) when nothing matches a request', async () => {
    const { http } = mocked();
    await rejectsWith(http.getJson('nova', { url: new URL(`${ORIGIN}/unknown`), scope: { auth: tokenAuth } }), {
      code: 'UPSTREAM_UNAVAILABLE',
      retryable: false,
    });
  });

  it('rejects with the caller’s own reason when the caller aborts', async () => {
    const { pool, http } = mocked();
    pool.intercept(under('/slow')).reply(200, {}).delay(1000);
    const controller = new AbortController();
    const call = http.getJson('nova', { url: new URL(`${ORIGIN}/slow`), scope: { auth: tokenAuth }, signal: controller.signal });
    const reason = new Error('client went away');
    setTimeout(() => controller.abort(reason), 20);
    await expect(call).rejects.toBe(reason);
  });
});

describe('createHttp over real sockets', () => {
  const cleanups: (() => Promise<void>)[] = [];
  const track = <T extends { close: () => Promise<void> }>(thing: T): T => {
    cleanups.push(() => thing.close());
    return thing;
  };
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const fresh = (timeoutMs = 2000, maxConcurrentPerSource?: number): Http =>
    track(createHttp({ timeoutMs, maxConcurrentPerSource }));

  it('answers a JSON body through its own keep-alive agent, and closes', async () => {
    const server = track(await serve((_, res) => res.writeHead(200, json).end('{"servers":[]}')));
    const http = createHttp({ timeoutMs: 2000 });
    const first = await http.getJson('nova', { url: new URL(`${server.url}/a`), scope: { auth: tokenAuth } });
    const second = await http.getJson('nova', { url: new URL(`${server.url}/b`), scope: { auth: tokenAuth } });
    expect([first.json, second.json]).toEqual([{ servers: [] }, { servers: [] }]);
    await http.close();
  });

  it('answers UPSTREAM_TIMEOUT when the headers do not come in time', async () => {
    const server = track(await serve(() => undefined));
    const http = fresh(150);
    const started = Date.now();
    await rejectsWith(http.getJson('hss', { url: new URL(`${server.url}/x`), scope: { auth: tokenAuth } }), {
      source: 'hss',
      code: 'UPSTREAM_TIMEOUT',
      status: undefined,
      retryable: true,
      message: 'hss did not answer within 150 ms',
    });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('answers UPSTREAM_TIMEOUT when the body trickles past the deadline', async () => {
    const server = track(
      await serve((_, res) => {
        res.writeHead(200, json);
        res.write('{"ports": [');
        const timer = setInterval(() => res.write(' '), 40);
        res.on('close', () => clearInterval(timer));
      }),
    );
    await rejectsWith(fresh(200).getJson('vpc', { url: new URL(`${server.url}/x`), scope: { auth: tokenAuth } }), {
      code: 'UPSTREAM_TIMEOUT',
      retryable: true,
    });
  });

  it('answers UPSTREAM_UNAVAILABLE, retryable, when the connection is reset', async () => {
    const server = track(await serve((req) => req.socket.destroy()));
    await rejectsWith(fresh().getJson('nova', { url: new URL(`${server.url}/x`), scope: { auth: tokenAuth } }), {
      code: 'UPSTREAM_UNAVAILABLE',
      retryable: true,
    });
  });

  it('answers UPSTREAM_UNAVAILABLE, retryable, when the connection is refused', async () => {
    const url = await closedPort();
    const error = await rejectsWith(fresh().getJson('zstack', { url: new URL(`${url}/x`), scope: { auth: sessionAuth } }), {
      code: 'UPSTREAM_UNAVAILABLE',
      retryable: true,
      message: 'zstack could not be reached: the connection was refused',
    });
    expect(error.message).not.toContain('127.0.0.1');
  });

  it('fails cleanly when the connection drops in the middle of the body', async () => {
    const server = track(
      await serve((req, res) => {
        res.writeHead(200, { ...json, 'content-length': '1000' });
        res.write('{"servers": [');
        setTimeout(() => req.socket.destroy(), 20);
      }),
    );
    await rejectsWith(fresh().getJson('nova', { url: new URL(`${server.url}/x`), scope: { auth: tokenAuth } }), {
      code: 'UPSTREAM_UNAVAILABLE',
      retryable: true,
    });
  });

  it('does not show an HTML error page from a proxy', async () => {
    const server = track(
      await serve((_, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>')),
    );
    await rejectsWith(fresh().getJson('nova', { url: new URL(`${server.url}/x`), scope: { auth: tokenAuth } }), {
      code: 'UPSTREAM_UNAVAILABLE',
      status: 502,
      retryable: true,
      message: 'nova answered 502: an HTML page instead of an error body',
    });
  });

  it('bounds the calls in flight towards one upstream, FIFO, without holding up the others', async () => {
    // The server holds every request until the test answers it, so the order in which requests
    // arrive is the order in which permits were granted, whatever sockets they travel on.
    const held = new Map<string, () => void>();
    const order: string[] = [];
    let arrived: (() => void) | undefined;
    const server = track(
      await serve((req, res) => {
        const url = req.url ?? '';
        order.push(url);
        held.set(url, () => res.writeHead(200, json).end('{}'));
        arrived?.();
      }),
    );
    const arrivals = async (count: number) => {
      while (order.length < count) await new Promise<void>((resolve) => (arrived = resolve));
    };
    const answer = (url: string) => {
      const respond = held.get(url);
      if (respond === undefined) throw new Error(`${url} is not waiting`);
      held.delete(url);
      respond();
    };
    const http = fresh(2000, 2);
    const novaCalls = [1, 2, 3, 4, 5, 6].map((n) =>
      http.getJson('nova', { url: new URL(`${server.url}/nova/${n}`), scope: { auth: tokenAuth } }),
    );
    const hss = http.getJson('hss', { url: new URL(`${server.url}/hss`), scope: { auth: tokenAuth } });
    // Two nova calls and the hss call go at once: hss has permits of its own.
    await arrivals(3);
    expect([...order].sort()).toEqual(['/hss', '/nova/1', '/nova/2']);
    answer('/hss');
    await hss;
    // Each nova answer frees one permit, which goes to the longest-waiting call, and only to it.
    for (const [done, next] of [['/nova/1', '/nova/3'], ['/nova/2', '/nova/4'], ['/nova/3', '/nova/5'], ['/nova/4', '/nova/6']] as const) {
      answer(done);
      await arrivals(order.length + 1);
      expect(order.at(-1)).toBe(next);
      expect(held.size).toBe(2);
    }
    answer('/nova/5');
    answer('/nova/6');
    await Promise.all(novaCalls);
    expect(order.filter((u) => u.startsWith('/nova'))).toEqual(['/nova/1', '/nova/2', '/nova/3', '/nova/4', '/nova/5', '/nova/6']);
  });

  it('lets a caller that gives up leave the queue', async () => {
    const server = track(await serve((_, res) => setTimeout(() => res.writeHead(200, json).end('{}'), 50)));
    const http = fresh(2000, 1);
    const first = http.getJson('nova', { url: new URL(`${server.url}/1`), scope: { auth: tokenAuth } });
    const controller = new AbortController();
    const queued = http.getJson('nova', { url: new URL(`${server.url}/2`), scope: { auth: tokenAuth }, signal: controller.signal });
    controller.abort(new Error('gone'));
    await expect(queued).rejects.toThrow('gone');
    await expect(first).resolves.toMatchObject({ status: 200 });
    await expect(http.getJson('nova', { url: new URL(`${server.url}/3`), scope: { auth: tokenAuth } })).resolves.toMatchObject({ status: 200 });
  });
});
