import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OS_TOKEN, DEMO_USER, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { get, keystoneLogin, send, sleep } from './helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

const JSON_HEADERS = { 'content-type': 'application/json' };
const MALFORMED =
  'The server could not comply with the request since it is either malformed or otherwise incorrect.';
const ISO_MICROS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

async function logIn(target: Simulator, user: { name: string; password: string; domain?: string }) {
  return send(target, '/v3/auth/tokens', JSON_HEADERS, 'POST', keystoneLogin(user, target.projectId));
}

async function tokenFor(target: Simulator, user = DEMO_USER): Promise<string> {
  const reply = await logIn(target, user);
  expect(reply.status).toBe(201);
  return String(reply.headers['x-subject-token']);
}

/** One call to each route that takes an X-Auth-Token. */
function tokenRoutes(target: Simulator) {
  const p = target.projectId;
  const id = target.fleet.special.dualStackServerId;
  return {
    nova: `/v2.1/${p}/servers/${id}`,
    ports: `/v2/${p}/ports?limit=1`,
    hssPorts: `/v5/${p}/asset/ports?host_id=${id}`,
    hssStatistics: `/v5/${p}/asset/port/statistics`,
  };
}

describe('Keystone POST /v3/auth/tokens', () => {
  it('answers 201 with X-Subject-Token and the token body', async () => {
    const before = Date.now();
    const reply = await logIn(sim, DEMO_USER);
    expect(reply.status).toBe(201);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.headers['x-subject-token']).toMatch(/^[A-Za-z0-9_-]{100,}$/);
    const body = reply.json();
    expect(body).toEqual({
      token: {
        expires_at: expect.stringMatching(ISO_MICROS),
        issued_at: expect.stringMatching(ISO_MICROS),
        methods: ['password'],
        project: { id: sim.projectId, name: 'demo' },
        user: { id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'demo', domain: { name: 'Default' } },
      },
    });
    const issued = Date.parse(body.token.issued_at);
    expect(issued).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(body.token.expires_at) - issued).toBe(3_600_000);
  });

  it('issues a new token on every login, counts logins and logs the user without the password', async () => {
    const counted = sim.logins().keystone;
    const [a, b] = [await tokenFor(sim), await tokenFor(sim)];
    expect(a).not.toBe(b);
    expect(sim.logins()).toEqual({ keystone: counted + 2, zstack: 0 });
    expect(sim.log.at(-1)).toEqual({
      at: expect.any(Number),
      source: 'keystone',
      route: 'keystone.tokens',
      method: 'POST',
      path: '/v3/auth/tokens',
      query: {},
      status: 201,
      auth: 'none',
      principal: 'demo',
    });
    expect(JSON.stringify(sim.log)).not.toContain(DEMO_USER.password);
  });

  it.each([
    ['a wrong password', { ...DEMO_USER, password: 'nope' }],
    ['an unknown user', { ...DEMO_USER, name: 'mallory' }],
    ['another domain', { ...DEMO_USER, domain: 'Other' }],
    ['no domain for a user that has one', { name: DEMO_USER.name, password: DEMO_USER.password }],
  ])('answers 401 for %s, counting no login', async (_, user) => {
    const counted = sim.logins().keystone;
    const reply = await logIn(sim, user);
    expect(reply.status).toBe(401);
    expect(reply.json()).toEqual({
      error: { code: 401, message: 'The username or password is wrong.', title: 'Unauthorized' },
    });
    expect(reply.headers['x-subject-token']).toBeUndefined();
    expect(sim.logins().keystone).toBe(counted);
    expect(sim.log.at(-1)).not.toHaveProperty('principal');
  });

  it('answers 401 for a scope to another project', async () => {
    const body = keystoneLogin(DEMO_USER, 'ffffffffffffffffffffffffffffffff');
    const reply = await send(sim, '/v3/auth/tokens', JSON_HEADERS, 'POST', body);
    expect(reply.status).toBe(401);
    expect(reply.json()).toEqual({
      error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' },
    });
  });

  const valid = JSON.parse(keystoneLogin(DEMO_USER, '0c7a5f2e9b4d4e6f8a1b3c5d7e9f1a2b'));
  it.each([
    ['not JSON', 'auth=please', 'The request body is not valid JSON.'],
    ['no auth', '{}', 'Expecting to find auth in request body.'],
    ['no identity', JSON.stringify({ auth: { scope: valid.auth.scope } }), 'Expecting to find identity in auth.'],
    [
      'another method',
      JSON.stringify({ auth: { ...valid.auth, identity: { ...valid.auth.identity, methods: ['token'] } } }),
      'Expecting to find password in methods.',
    ],
    [
      'no password',
      JSON.stringify({
        auth: { ...valid.auth, identity: { methods: ['password'], password: { user: { name: 'demo' } } } },
      }),
      'Expecting to find password in user.',
    ],
    ['no scope', JSON.stringify({ auth: { identity: valid.auth.identity } }), 'Expecting to find id in project scope.'],
  ])('answers 400 in the same shape for a body with %s', async (_, body, expected) => {
    const reply = await send(sim, '/v3/auth/tokens', JSON_HEADERS, 'POST', body);
    expect(reply.status).toBe(400);
    expect(reply.json()).toEqual({
      error: { code: 400, message: `${expected} ${MALFORMED}`, title: 'Bad Request' },
    });
  });

  it('answers a GET as an unknown route', async () => {
    const reply = await get(sim, '/v3/auth/tokens', {});
    expect(reply.status).toBe(404);
    expect(sim.log.at(-1)).toMatchObject({ source: 'keystone', route: 'unknown' });
  });
});

describe('issued tokens', () => {
  it('are accepted by Nova, the ports API and HSS, logged with the user as principal', async () => {
    const token = await tokenFor(sim);
    for (const [name, path] of Object.entries(tokenRoutes(sim))) {
      const reply = await get(sim, path, { 'x-auth-token': token });
      expect(reply.status, name).toBe(200);
      expect(sim.log.at(-1)).toMatchObject({ auth: 'x-auth-token', credential: token, principal: 'demo' });
    }
  });

  it('expire after tokenTtlMs: Nova answers the keystonemiddleware 401, Huawei APIGW.0307', async () => {
    const short = await startSimulator({ tokenTtlMs: 150 });
    try {
      const token = await tokenFor(short);
      const routes = tokenRoutes(short);
      expect((await get(short, routes.nova, { 'x-auth-token': token })).status).toBe(200);
      await sleep(200);
      await expectExpired(short, token);
      for (const path of Object.values(routes)) expect((await get(short, path)).status).toBe(200);
    } finally {
      await short.close();
    }
  });

  it('all expire on expireTokens(), while static tokens keep working and new logins succeed', async () => {
    const token = await tokenFor(sim);
    sim.expireTokens();
    await expectExpired(sim, token);
    for (const path of Object.values(tokenRoutes(sim))) {
      expect((await get(sim, path, { 'x-auth-token': DEMO_OS_TOKEN })).status).toBe(200);
    }
    const fresh = await tokenFor(sim);
    expect((await get(sim, tokenRoutes(sim).ports, { 'x-auth-token': fresh })).status).toBe(200);
  });

  it('from a token nobody issued are refused as before', async () => {
    const reply = await get(sim, tokenRoutes(sim).ports, { 'x-auth-token': 'gAAAAABforged' });
    expect(reply.json()).toMatchObject({
      error_code: 'APIGW.0301',
      error_msg: 'Incorrect IAM authentication information: decrypt token fail',
    });
  });
});

describe('users option', () => {
  it('accepts the configured users; a user without a domain logs in with or without one', async () => {
    const other = await startSimulator({
      users: [
        { name: 'alice', password: 'a-pass', domain: 'corp' },
        { name: 'bob', password: 'b-pass' },
      ],
    });
    try {
      expect((await logIn(other, { name: 'alice', password: 'a-pass', domain: 'corp' })).status).toBe(201);
      expect((await logIn(other, { name: 'bob', password: 'b-pass' })).status).toBe(201);
      const bob = await logIn(other, { name: 'bob', password: 'b-pass', domain: 'anything' });
      expect(bob.json().token.user).toEqual({ id: expect.any(String), name: 'bob', domain: { name: 'anything' } });
      expect((await logIn(other, DEMO_USER)).status).toBe(401);
      expect(other.logins().keystone).toBe(3);
    } finally {
      await other.close();
    }
  });
});

async function expectExpired(target: Simulator, token: string): Promise<void> {
  const routes = tokenRoutes(target);
  const nova = await get(target, routes.nova, { 'x-auth-token': token });
  expect(nova.status).toBe(401);
  expect(nova.json()).toEqual({
    error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
  });
  for (const path of [routes.ports, routes.hssPorts, routes.hssStatistics]) {
    const reply = await get(target, path, { 'x-auth-token': token });
    expect(reply.status, path).toBe(401);
    expect(reply.json()).toEqual({
      error_code: 'APIGW.0307',
      error_msg: 'The token must be updated.',
      request_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  }
}
