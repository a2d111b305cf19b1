import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_ZSTACK_ACCOUNT,
  DEMO_ZSTACK_SESSION,
  startSimulator,
  type Simulator,
} from '../../src/simulator/index.js';
import { gsonDate } from '../../src/simulator/zstack-routes.js';
import { get, send, sleep, zstackLogin } from './helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

const sha512 = (text: string) => createHash('sha512').update(text).digest('hex');
const GSON_DATE = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4} \d{1,2}:\d\d:\d\d (AM|PM)$/;

function logIn(target: Simulator, name: string, password: string) {
  const headers = { 'content-type': 'application/json' };
  return send(target, '/zstack/v1/accounts/login', headers, 'PUT', zstackLogin(name, password));
}

async function sessionFor(target: Simulator, account = DEMO_ZSTACK_ACCOUNT): Promise<string> {
  const reply = await logIn(target, account.name, sha512(account.password));
  expect(reply.status).toBe(200);
  return reply.json().inventory.uuid;
}

const usedPorts = (target: Simulator) => `/zstack/v1/vips/${target.fleet.special.vipId}/usedports?protocol=TCP`;
const oauth = (session: string) => ({ authorization: `OAuth ${session}` });

describe('ZStack PUT /zstack/v1/accounts/login', () => {
  it('answers 200 with a session inventory for the SHA-512 hex of the password', async () => {
    const reply = await logIn(sim, 'admin', sha512('demo-zstack-password'));
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.json()).toEqual({
      inventory: {
        uuid: expect.stringMatching(/^[0-9a-f]{32}$/),
        accountUuid: expect.stringMatching(/^[0-9a-f]{32}$/),
        expiredDate: expect.stringMatching(GSON_DATE),
      },
    });
    expect(sim.log.at(-1)).toEqual({
      at: expect.any(Number),
      source: 'zstack',
      route: 'zstack.login',
      method: 'PUT',
      path: '/zstack/v1/accounts/login',
      query: {},
      status: 200,
      auth: 'none',
      principal: 'admin',
    });
  });

  it('issues a session that usedports accepts, logged with the account as principal', async () => {
    const session = await sessionFor(sim);
    const reply = await get(sim, usedPorts(sim), oauth(session));
    expect(reply.status).toBe(200);
    expect(sim.log.at(-1)).toMatchObject({ auth: 'oauth', credential: session, principal: 'admin' });
  });

  it.each([
    ['a wrong password', 'admin', sha512('guess')],
    ['the plaintext password', 'admin', 'demo-zstack-password'],
    ['the hash in upper case', 'admin', sha512('demo-zstack-password').toUpperCase()],
    ['an unknown account', 'root', sha512('demo-zstack-password')],
  ])('answers 503 ID.1000 for %s, counting no login', async (_, name, password) => {
    const counted = sim.logins().zstack;
    const reply = await logIn(sim, name, password);
    expect(reply.status).toBe(503);
    expect(reply.json()).toEqual({
      error: {
        code: 'ID.1000',
        description: 'wrong account name or password',
        details: 'wrong account name or password',
      },
    });
    expect(sim.logins().zstack).toBe(counted);
  });

  it('answers framework errors in plain text and a missing field as SYS.1007', async () => {
    const path = '/zstack/v1/accounts/login';
    const notJson = await send(sim, path, {}, 'PUT', 'admin:password');
    expect([notJson.status, notJson.headers['content-type'], notJson.text]).toEqual([
      400,
      'text/plain; charset=utf-8',
      'the body is not valid JSON',
    ]);
    const unwrapped = await send(sim, path, {}, 'PUT', JSON.stringify({ accountName: 'admin', password: 'x' }));
    expect([unwrapped.status, unwrapped.text]).toEqual([
      400,
      "the body doesn't contain request mapping key[logInByAccount]",
    ]);
    const noPassword = await send(sim, path, {}, 'PUT', JSON.stringify({ logInByAccount: { accountName: 'admin' } }));
    expect(noPassword.status).toBe(503);
    expect(noPassword.json()).toEqual({
      error: {
        code: 'SYS.1007',
        description: 'One or more API argument is invalid',
        details: 'field[password] of message[APILogInByAccountMsg] is mandatory, can not be null',
      },
    });
  });

  it('counts successful logins per upstream', async () => {
    const other = await startSimulator();
    try {
      await sessionFor(other);
      await sessionFor(other);
      await logIn(other, 'admin', 'wrong');
      expect(other.logins()).toEqual({ keystone: 0, zstack: 2 });
    } finally {
      await other.close();
    }
  });
});

describe('issued sessions', () => {
  it('slide: every authenticated call renews them, and they expire after sessionTtlMs idle', async () => {
    const short = await startSimulator({ sessionTtlMs: 400 });
    try {
      const session = await sessionFor(short);
      for (let i = 0; i < 6; i++) {
        await sleep(120);
        expect((await get(short, usedPorts(short), oauth(session))).status, `call ${i}`).toBe(200);
      }
      await sleep(500);
      const reply = await get(short, usedPorts(short), oauth(session));
      expect(reply.status).toBe(503);
      expect(reply.json()).toEqual({
        error: {
          code: 'ID.1001',
          description: 'Session expired',
          details: `Session[uuid:${session}] expired or does not exist`,
        },
      });
    } finally {
      await short.close();
    }
  });

  it('all expire on expireTokens(); the static session keeps working and a new login succeeds', async () => {
    const session = await sessionFor(sim);
    sim.expireTokens();
    const expired = await get(sim, usedPorts(sim), oauth(session));
    expect(expired.status).toBe(503);
    expect(expired.json().error.code).toBe('ID.1001');
    expect((await get(sim, usedPorts(sim), oauth(DEMO_ZSTACK_SESSION))).status).toBe(200);
    expect((await get(sim, usedPorts(sim), oauth(await sessionFor(sim)))).status).toBe(200);
  });

  it('come from the zstackAccounts option', async () => {
    const other = await startSimulator({ zstackAccounts: [{ name: 'ops', password: 'ops-secret' }] });
    try {
      expect((await logIn(other, 'ops', sha512('ops-secret'))).status).toBe(200);
      expect((await logIn(other, 'admin', sha512('demo-zstack-password'))).status).toBe(503);
    } finally {
      await other.close();
    }
  });
});

describe('gsonDate', () => {
  it("writes Gson's default date text", () => {
    expect(gsonDate(Date.UTC(2017, 10, 14, 22, 20, 57))).toBe('Nov 14, 2017 10:20:57 PM');
    expect(gsonDate(Date.UTC(2024, 0, 5, 0, 7, 3))).toBe('Jan 5, 2024 12:07:03 AM');
    expect(gsonDate(Date.UTC(2024, 6, 1, 12, 0, 0))).toBe('Jul 1, 2024 12:00:00 PM');
  });

  it('puts the idle lifetime into expiredDate', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const reply = await logIn(sim, 'admin', sha512('demo-zstack-password'));
    const expected = [gsonDate(before + 7_200_000), gsonDate(before + 7_201_000), gsonDate(before + 7_202_000)];
    expect(expected).toContain(reply.json().inventory.expiredDate);
  });
});
