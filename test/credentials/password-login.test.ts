import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { PasswordLogin } from '../../src/credentials/index.js';
import type { PasswordLoginOptions } from '../../src/credentials/index.js';
import { credentialId } from '../../src/sources/auth.js';
import type { Handler, TestServer } from './support.js';
import { clock, closedPort, delay, outgoing, rejectsWith, refreshOf, sendJson, startServer } from './support.js';

const PASSWORD = 'pa55:w0rd "quoted" é';
const HOUR = 60 * 60 * 1000;
const MINUTE = 60 * 1000;
const token = (n: number) => `gAAAAABtoken-${n}-${'x'.repeat(64)}`;
/** Keystone writes microseconds. */
const keystoneTime = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: Handler): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

/** Keystone issuing `token(n)` for the n-th login, valid `lifetimeMs` from the test clock's now. */
function issuing(clk: ReturnType<typeof clock>, lifetimeMs = HOUR, answerAfterMs = 20): Handler {
  let issued = 0;
  return async (_req, res) => {
    const n = ++issued;
    await delay(answerAfterMs);
    const at = clk.now();
    sendJson(
      res,
      201,
      { token: { methods: ['password'], issued_at: keystoneTime(at), expires_at: keystoneTime(at + lifetimeMs) } },
      { 'X-Subject-Token': token(n) },
    );
  };
}

function login(server: TestServer, clk: ReturnType<typeof clock>, options: Partial<PasswordLoginOptions> = {}) {
  return new PasswordLogin({
    authUrl: `${server.origin}/v3`,
    username: 'portgraph',
    password: PASSWORD,
    userDomainName: 'Default',
    projectId: 'p-7f3a',
    source: 'nova',
    timeoutMs: 2000,
    now: clk.now,
    ...options,
  });
}

async function tokenOf(auth: { authorize(req: ReturnType<typeof outgoing>): Promise<void> }): Promise<string | undefined> {
  const req = outgoing();
  await auth.authorize(req);
  return req.headers['X-Auth-Token'];
}

describe('PasswordLogin', () => {
  it('logs in with a project-scoped password request and sends the token it got', async () => {
    const clk = clock();
    const server = await serve(issuing(clk));
    const auth = login(server, clk).authenticator();

    expect(await tokenOf(auth)).toBe(token(1));

    expect(server.received).toHaveLength(1);
    const [sent] = server.received;
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe('/v3/auth/tokens');
    expect(sent?.headers['content-type']).toBe('application/json;charset=utf8');
    expect(sent?.headers['x-auth-token']).toBeUndefined();
    expect(JSON.parse(sent?.body ?? '')).toEqual({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'portgraph', password: PASSWORD, domain: { name: 'Default' } } },
        },
        scope: { project: { id: 'p-7f3a' } },
      },
    });
  });

  it('has a stable id that names the user and project, not the password', async () => {
    const clk = clock();
    const server = await serve(issuing(clk));
    const a = login(server, clk);
    const b = login(server, clk, { password: 'another' });
    const c = login(server, clk, { projectId: 'other' });

    expect(a.authenticator()).toBe(a.authenticator());
    expect(a.authenticator().id).toBe(credentialId('keystone', `${server.origin}/v3\nportgraph\np-7f3a`));
    expect(b.authenticator().id).toBe(a.authenticator().id);
    expect(c.authenticator().id).not.toBe(a.authenticator().id);
    expect(a.authenticator().id).not.toContain(PASSWORD);
    expect(server.received).toHaveLength(0);
  });

  it('accepts an auth URL with a trailing slash and a 200 answer', async () => {
    const clk = clock();
    const server = await serve((_req, res) =>
      sendJson(res, 200, { token: { expires_at: keystoneTime(clk.now() + HOUR) } }, { 'X-Subject-Token': token(1) }),
    );
    const auth = login(server, clk, { authUrl: `${server.origin}/v3/` }).authenticator();
    expect(await tokenOf(auth)).toBe(token(1));
    expect(server.received[0]?.url).toBe('/v3/auth/tokens');
  });

  it.each([3, 50])('logs in once for %i concurrent callers at start', async (callers) => {
    const clk = clock();
    const server = await serve(issuing(clk));
    const auth = login(server, clk).authenticator();

    const tokens = await Promise.all(Array.from({ length: callers }, () => tokenOf(auth)));

    expect(server.received).toHaveLength(1);
    expect(new Set(tokens)).toEqual(new Set([token(1)]));
  });

  it('reuses the token while it is valid', async () => {
    const clk = clock();
    const server = await serve(issuing(clk));
    const auth = login(server, clk).authenticator();

    await tokenOf(auth);
    clk.advance(30 * MINUTE);
    expect(await tokenOf(auth)).toBe(token(1));
    expect(server.received).toHaveLength(1);
  });

  it('renews a 1 h token with 5 min left, once for many concurrent callers, none of which fails', async () => {
    const clk = clock();
    const server = await serve(issuing(clk, HOUR));
    const auth = login(server, clk).authenticator();
    const start = clk.now();
    await tokenOf(auth);

    clk.set(start + 55 * MINUTE - 1000);
    expect(await tokenOf(auth)).toBe(token(1));
    expect(server.received).toHaveLength(1);

    clk.set(start + 55 * MINUTE + 1000);
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => tokenOf(auth)));

    expect(server.received).toHaveLength(2);
    expect(results.every((r) => r.status === 'fulfilled' && r.value === token(2))).toBe(true);
    expect(await tokenOf(auth)).toBe(token(2));
    expect(server.received).toHaveLength(2);
  });

  it('renews a 60 s token with 6 s left', async () => {
    const clk = clock();
    const server = await serve(issuing(clk, MINUTE));
    const auth = login(server, clk).authenticator();
    const start = clk.now();
    await tokenOf(auth);

    clk.set(start + 53_900);
    expect(await tokenOf(auth)).toBe(token(1));
    clk.set(start + 54_100);
    expect(await tokenOf(auth)).toBe(token(2));
    expect(server.received).toHaveLength(2);
  });

  it('times renewal by the lifetime the server gave, even when its clock is far from ours', async () => {
    const clk = clock();
    const serverClockAhead = 3 * HOUR;
    const server = await serve((_req, res) => {
      const at = clk.now() + serverClockAhead;
      sendJson(
        res,
        201,
        { token: { issued_at: keystoneTime(at), expires_at: keystoneTime(at + HOUR) } },
        { 'X-Subject-Token': token(server.received.length) },
      );
    });
    const auth = login(server, clk).authenticator();
    const start = clk.now();
    await tokenOf(auth);

    clk.set(start + 54 * MINUTE);
    expect(await tokenOf(auth)).toBe(token(1));
    clk.set(start + 56 * MINUTE);
    expect(await tokenOf(auth)).toBe(token(2));
  });

  it('falls back to its own clock when the server does not say when it issued the token', async () => {
    const clk = clock();
    const server = await serve((_req, res) =>
      sendJson(
        res,
        201,
        { token: { expires_at: keystoneTime(clk.now() + HOUR) } },
        { 'X-Subject-Token': token(server.received.length) },
      ),
    );
    const auth = login(server, clk).authenticator();
    const start = clk.now();
    await tokenOf(auth);

    clk.set(start + 54 * MINUTE);
    expect(await tokenOf(auth)).toBe(token(1));
    clk.set(start + 56 * MINUTE);
    expect(await tokenOf(auth)).toBe(token(2));
  });

  describe('refresh', () => {
    it('logs in once for 10 concurrent refreshes of the current token', async () => {
      const clk = clock();
      const server = await serve(issuing(clk));
      const auth = login(server, clk).authenticator();
      const refused = outgoing();
      await auth.authorize(refused);

      const answers = await Promise.all(Array.from({ length: 10 }, () => refreshOf(auth, refused)));

      expect(answers).toEqual(Array.from({ length: 10 }, () => true));
      expect(server.received).toHaveLength(2);
      expect(await tokenOf(auth)).toBe(token(2));
    });

    it('does not log in when a newer token already replaced the refused one', async () => {
      const clk = clock();
      const server = await serve(issuing(clk));
      const auth = login(server, clk).authenticator();
      const old = outgoing();
      await auth.authorize(old);
      await refreshOf(auth, old);
      expect(server.received).toHaveLength(2);

      expect(await refreshOf(auth, old)).toBe(true);
      expect(server.received).toHaveLength(2);
      expect(await tokenOf(auth)).toBe(token(2));
    });

    it('shares one login between concurrent refreshes and authorizations', async () => {
      const clk = clock();
      const server = await serve(issuing(clk));
      const auth = login(server, clk).authenticator();
      const refused = outgoing();
      await auth.authorize(refused);

      const [refreshed, tokens] = await Promise.all([
        Promise.all(Array.from({ length: 5 }, () => refreshOf(auth, refused))),
        // Started after the refreshes dropped the token: they wait for the same login.
        Promise.all(Array.from({ length: 5 }, () => tokenOf(auth))),
      ]);

      expect(refreshed.every((r) => r === true)).toBe(true);
      expect(new Set(tokens)).toEqual(new Set([token(2)]));
      expect(server.received).toHaveLength(2);
    });

    it('joins a renewal already in flight instead of starting another login', async () => {
      const clk = clock();
      const server = await serve(issuing(clk, HOUR, 50));
      const auth = login(server, clk).authenticator();
      const refused = outgoing();
      await auth.authorize(refused);

      clk.advance(58 * MINUTE);
      const renewing = tokenOf(auth);
      expect(await refreshOf(auth, refused)).toBe(true);
      expect(await renewing).toBe(token(2));
      expect(server.received).toHaveLength(2);
    });

    it('rejects with the login error when logging in again fails', async () => {
      const clk = clock();
      const server = await serve(issuing(clk));
      const auth = login(server, clk).authenticator();
      const refused = outgoing();
      await auth.authorize(refused);
      server.handle((_req, res) => sendJson(res, 401, { error: { code: 401, message: 'The username or password is wrong.' } }));

      await rejectsWith(refreshOf(auth, refused), { code: 'UNAUTHENTICATED', source: 'nova' });
      await rejectsWith(tokenOf(auth), { code: 'UNAUTHENTICATED' });
      expect(server.received).toHaveLength(3);
    });
  });

  describe('when the login fails', () => {
    it('answers UNAUTHENTICATED with the identity service message for wrong credentials', async () => {
      const clk = clock();
      const server = await serve((_req, res) =>
        sendJson(res, 401, { error: { code: 401, title: 'Unauthorized', message: 'The username or password is wrong.' } }),
      );
      const auth = login(server, clk, { source: 'hss' }).authenticator();

      const error = await rejectsWith(auth.authorize(outgoing()), {
        source: 'hss',
        code: 'UNAUTHENTICATED',
        status: 401,
        retryable: false,
      });
      expect(error.message).toBe('login at the identity service failed: 401 The username or password is wrong.');
    });

    it('does not keep the failure: the next call logs in again', async () => {
      const clk = clock();
      const server = await serve((_req, res) => sendJson(res, 503, { error: { code: 503, message: 'Service Unavailable' } }));
      const auth = login(server, clk).authenticator();

      const failures = await Promise.allSettled(Array.from({ length: 5 }, () => tokenOf(auth)));
      expect(failures.every((f) => f.status === 'rejected')).toBe(true);
      expect(server.received).toHaveLength(1);

      server.handle(issuing(clk));
      expect(await tokenOf(auth)).toBe(token(1));
      expect(server.received).toHaveLength(2);
    });

    it('answers UPSTREAM_UNAVAILABLE for a 5xx, retryable', async () => {
      const clk = clock();
      const server = await serve((_req, res) => {
        res.writeHead(502, { 'Content-Type': 'text/html' });
        res.end('<html><body>Bad Gateway</body></html>');
      });
      await rejectsWith(login(server, clk).authenticator().authorize(outgoing()), {
        code: 'UPSTREAM_UNAVAILABLE',
        status: 502,
        retryable: true,
        message: 'login at the identity service failed: 502',
      });
    });

    it('answers UPSTREAM_TIMEOUT when the identity service does not answer in time', async () => {
      const clk = clock();
      const server = await serve(() => undefined);
      const started = Date.now();
      await rejectsWith(login(server, clk, { timeoutMs: 150 }).authenticator().authorize(outgoing()), {
        source: 'nova',
        code: 'UPSTREAM_TIMEOUT',
        retryable: true,
        message: 'login at the identity service failed: no answer within 150 ms',
      });
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('answers UPSTREAM_UNAVAILABLE when nothing listens', async () => {
      const port = await closedPort();
      const auth = new PasswordLogin({
        authUrl: `http://127.0.0.1:${port}/v3`,
        username: 'u',
        password: PASSWORD,
        userDomainName: 'Default',
        projectId: 'p',
        source: 'vpc',
        timeoutMs: 2000,
      }).authenticator();
      await rejectsWith(auth.authorize(outgoing()), {
        source: 'vpc',
        code: 'UPSTREAM_UNAVAILABLE',
        retryable: true,
        message: 'login at the identity service failed: it could not be reached (ECONNREFUSED)',
      });
    });

    it.each([
      ['no X-Subject-Token header', {}, { token: { expires_at: '2099-01-01T00:00:00.000000Z' } }, /no X-Subject-Token/],
      ['no expires_at', { 'X-Subject-Token': 't' }, { token: {} }, /no readable token.expires_at/],
      ['an unreadable expires_at', { 'X-Subject-Token': 't' }, { token: { expires_at: 'tomorrow' } }, /expires_at/],
      ['a body that is not JSON', { 'X-Subject-Token': 't' }, 'OK', /expires_at/],
    ])('answers UPSTREAM_BAD_RESPONSE for a 201 with %s', async (_, headers, body, message) => {
      const clk = clock();
      const server = await serve((_req, res) => sendJson(res, 201, body, headers));
      const error = await rejectsWith(login(server, clk).authenticator().authorize(outgoing()), {
        code: 'UPSTREAM_BAD_RESPONSE',
        status: 201,
      });
      expect(error.message).toMatch(message);
    });

    it('never puts the password or a token in a message, even when the service echoes them', async () => {
      const clk = clock();
      const server = await serve((req, res) =>
        sendJson(
          res,
          401,
          { error: { code: 401, message: `wrong password ${PASSWORD} for ${req.body}` } },
          { 'X-Subject-Token': token(9) },
        ),
      );
      const error = await rejectsWith(login(server, clk).authenticator().authorize(outgoing()), {
        code: 'UNAUTHENTICATED',
      });
      expect(error.message).not.toContain(PASSWORD);
      expect(error.message).not.toContain(JSON.stringify(PASSWORD).slice(1, -1));
      expect(error.message).not.toContain('quoted');
      expect(error.message).not.toContain(token(9));
      expect(error.message.length).toBeLessThan(300);
    });
  });

  it('sends the login through the dispatcher it is given', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('http://iam.test')
      .intercept({ path: '/v3/auth/tokens', method: 'POST' })
      .reply(201, { token: { expires_at: '2099-01-01T00:00:00.000000Z' } }, { headers: { 'x-subject-token': 'mocked' } });
    const auth = new PasswordLogin({
      authUrl: 'http://iam.test/v3',
      username: 'u',
      password: PASSWORD,
      userDomainName: 'Default',
      projectId: 'p',
      source: 'nova',
      timeoutMs: 2000,
      dispatcher: agent,
    }).authenticator();

    expect(await tokenOf(auth)).toBe('mocked');
    await agent.close();
  });
});
