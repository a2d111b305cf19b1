import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ZstackLogin } from '../../src/credentials/index.js';
import type { ZstackLoginOptions } from '../../src/credentials/index.js';
import { credentialId } from '../../src/sources/auth.js';
import type { Handler, TestServer } from './support.js';
import { clock, delay, outgoing, rejectsWith, refreshOf, sendJson, startServer } from './support.js';

const PASSWORD = 'zs-Passw0rd "x"';
const PASSWORD_SHA512 = createHash('sha512').update(PASSWORD).digest('hex');
const DAY = 24 * 60 * 60 * 1000;
const session = (n: number) => `5d77893e242d39ec8b9856a7b876${String(n).padStart(4, '0')}`;

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: Handler): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

/** The n-th login answers `session(n)`, after a little while so callers overlap. */
function issuing(answerAfterMs = 20): Handler {
  let issued = 0;
  return async (_req, res) => {
    const n = ++issued;
    await delay(answerAfterMs);
    sendJson(res, 200, {
      inventory: { uuid: session(n), accountUuid: '36c27e8ff05c4780bf6d2fa65700f22e', expiredDate: 'Nov 14, 2017 10:20:57 PM' },
    });
  };
}

const wrongPassword: Handler = (_req, res) =>
  sendJson(res, 503, {
    error: { code: 'ID.1000', description: 'Incorrect credential', details: 'wrong account name or password' },
  });

function login(server: TestServer, options: Partial<ZstackLoginOptions> = {}) {
  return new ZstackLogin({
    baseUrl: server.origin,
    accountName: 'admin',
    password: PASSWORD,
    timeoutMs: 2000,
    ...options,
  });
}

async function sessionOf(auth: { authorize(req: ReturnType<typeof outgoing>): Promise<void> }) {
  const req = outgoing();
  await auth.authorize(req);
  return req.headers.Authorization;
}

describe('ZstackLogin', () => {
  it('logs in with the SHA-512 of the password, never the password, and sends the session', async () => {
    const server = await serve(issuing());
    const auth = login(server).authenticator();

    expect(await sessionOf(auth)).toBe(`OAuth ${session(1)}`);

    expect(server.received).toHaveLength(1);
    const [sent] = server.received;
    expect(sent?.method).toBe('PUT');
    expect(sent?.url).toBe('/zstack/v1/accounts/login');
    expect(sent?.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(sent?.headers.authorization).toBeUndefined();
    expect(JSON.parse(sent?.body ?? '')).toEqual({ logInByAccount: { accountName: 'admin', password: PASSWORD_SHA512 } });
    expect(PASSWORD_SHA512).toMatch(/^[0-9a-f]{128}$/);
    expect(sent?.body).not.toContain('zs-Passw0rd');
  });

  it('has a stable id that names the account, not the password', async () => {
    const server = await serve(issuing());
    const auth = login(server).authenticator();
    expect(auth.id).toBe(credentialId('zstack-account', `${server.origin}\nadmin`));
    expect(login(server, { password: 'other' }).authenticator().id).toBe(auth.id);
    expect(login(server, { accountName: 'ops' }).authenticator().id).not.toBe(auth.id);
    expect(auth.id).not.toContain(PASSWORD_SHA512.slice(0, 16));
  });

  it('accepts a base URL with a trailing slash', async () => {
    const server = await serve(issuing());
    await sessionOf(login(server, { baseUrl: `${server.origin}/` }).authenticator());
    expect(server.received[0]?.url).toBe('/zstack/v1/accounts/login');
  });

  it.each([3, 50])('logs in once for %i concurrent callers at start', async (callers) => {
    const server = await serve(issuing());
    const auth = login(server).authenticator();

    const sessions = await Promise.all(Array.from({ length: callers }, () => sessionOf(auth)));

    expect(server.received).toHaveLength(1);
    expect(new Set(sessions)).toEqual(new Set([`OAuth ${session(1)}`]));
  });

  it('reuses the session however long it lives: the server slides its expiry', async () => {
    const clk = clock();
    const server = await serve(issuing());
    const auth = login(server, { now: clk.now }).authenticator();

    for (let i = 0; i < 5; i++) {
      expect(await sessionOf(auth)).toBe(`OAuth ${session(1)}`);
      clk.advance(30 * DAY);
    }
    expect(server.received).toHaveLength(1);
  });

  describe('refresh (after ZStack answered ID.1001)', () => {
    it('logs in once for 10 concurrent refreshes of the current session', async () => {
      const server = await serve(issuing());
      const auth = login(server).authenticator();
      const refused = outgoing();
      await auth.authorize(refused);

      const answers = await Promise.all(Array.from({ length: 10 }, () => refreshOf(auth, refused)));

      expect(answers).toEqual(Array.from({ length: 10 }, () => true));
      expect(server.received).toHaveLength(2);
      expect(await sessionOf(auth)).toBe(`OAuth ${session(2)}`);
    });

    it('does not log in when a newer session already replaced the refused one', async () => {
      const server = await serve(issuing());
      const auth = login(server).authenticator();
      const old = outgoing();
      await auth.authorize(old);
      await refreshOf(auth, old);

      expect(await refreshOf(auth, old)).toBe(true);
      expect(server.received).toHaveLength(2);
    });

    it('shares one login between concurrent refreshes and authorizations', async () => {
      const server = await serve(issuing());
      const auth = login(server).authenticator();
      const refused = outgoing();
      await auth.authorize(refused);

      const [refreshed, sessions] = await Promise.all([
        Promise.all(Array.from({ length: 5 }, () => refreshOf(auth, refused))),
        Promise.all(Array.from({ length: 5 }, () => sessionOf(auth))),
      ]);

      expect(refreshed.every((r) => r === true)).toBe(true);
      expect(new Set(sessions)).toEqual(new Set([`OAuth ${session(2)}`]));
      expect(server.received).toHaveLength(2);
    });

    it('rejects with the login error when logging in again fails', async () => {
      const server = await serve(issuing());
      const auth = login(server).authenticator();
      const refused = outgoing();
      await auth.authorize(refused);
      server.handle(wrongPassword);

      await rejectsWith(refreshOf(auth, refused), { source: 'zstack', code: 'UNAUTHENTICATED', upstreamCode: 'ID.1000' });
    });
  });

  describe('when the login fails', () => {
    it('answers UNAUTHENTICATED for ID.1000 (wrong account or password)', async () => {
      const server = await serve(wrongPassword);
      const error = await rejectsWith(login(server).authenticator().authorize(outgoing()), {
        source: 'zstack',
        code: 'UNAUTHENTICATED',
        status: 503,
        upstreamCode: 'ID.1000',
        retryable: false,
      });
      expect(error.message).toBe('login at ZStack failed: 503 ID.1000 Incorrect credential');
    });

    it('does not keep the failure: the next call logs in again', async () => {
      const server = await serve(wrongPassword);
      const auth = login(server).authenticator();

      const failures = await Promise.allSettled(Array.from({ length: 5 }, () => sessionOf(auth)));
      expect(failures.every((f) => f.status === 'rejected')).toBe(true);
      expect(server.received).toHaveLength(1);

      server.handle(issuing());
      expect(await sessionOf(auth)).toBe(`OAuth ${session(1)}`);
      expect(server.received).toHaveLength(2);
    });

    it('answers UPSTREAM_UNAVAILABLE for an internal error, retryable', async () => {
      const server = await serve((_req, res) =>
        sendJson(res, 503, { error: { code: 'SYS.1000', description: 'An internal error happened in system' } }),
      );
      await rejectsWith(login(server).authenticator().authorize(outgoing()), {
        code: 'UPSTREAM_UNAVAILABLE',
        upstreamCode: 'SYS.1000',
        retryable: true,
        message: 'login at ZStack failed: 503 SYS.1000 An internal error happened in system',
      });
    });

    it('answers with the plain-text reason of a framework error', async () => {
      const server = await serve((_req, res) => {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('no api mapping to /zstack/v1/accounts/login');
      });
      await rejectsWith(login(server).authenticator().authorize(outgoing()), {
        code: 'UPSTREAM_BAD_RESPONSE',
        status: 404,
        message: 'login at ZStack failed: 404 no api mapping to /zstack/v1/accounts/login',
      });
    });

    it('answers UPSTREAM_TIMEOUT when ZStack does not answer in time', async () => {
      const server = await serve(() => undefined);
      await rejectsWith(login(server, { timeoutMs: 150 }).authenticator().authorize(outgoing()), {
        source: 'zstack',
        code: 'UPSTREAM_TIMEOUT',
        message: 'login at ZStack failed: no answer within 150 ms',
      });
    });

    it('answers UPSTREAM_BAD_RESPONSE for a 200 without a session uuid', async () => {
      const server = await serve((_req, res) => sendJson(res, 200, { inventory: {} }));
      await rejectsWith(login(server).authenticator().authorize(outgoing()), {
        code: 'UPSTREAM_BAD_RESPONSE',
        message: 'login at ZStack failed: 200 with no inventory.uuid',
      });
    });

    it('never puts the password or its SHA-512 in a message, even when ZStack echoes them', async () => {
      const server = await serve((req, res) =>
        sendJson(res, 503, {
          error: { code: 'ID.1000', description: `bad password ${PASSWORD} / ${PASSWORD_SHA512} in ${req.body}` },
        }),
      );
      const error = await rejectsWith(login(server).authenticator().authorize(outgoing()), { code: 'UNAUTHENTICATED' });
      expect(error.message).not.toContain(PASSWORD);
      expect(error.message).not.toContain('zs-Passw0rd');
      expect(error.message).not.toContain(PASSWORD_SHA512);
      expect(error.message).not.toContain(PASSWORD_SHA512.slice(0, 32));
    });
  });
});
