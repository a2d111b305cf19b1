import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_AKSK,
  DEMO_OS_TOKEN,
  DEMO_USER,
  DEMO_ZSTACK_ACCOUNT,
  DEMO_ZSTACK_SESSION,
  generateFleet,
  startSimulator,
  type Fleet,
  type Simulator,
} from '../../src/simulator/index.js';
import { get, keystoneLogin, send, zstackLogin } from './helpers.js';

// Tenant B reaches the same cloud with credentials of every kind; each must see B's fleet.
const B = {
  token: 'tenant-b-token',
  user: { name: 'bea', password: 'bea-password', domain: 'Default' },
  akSk: { ak: 'TENANTBACCESSKEY0001', sk: 'tenant-b-secret' },
  session: 'tenant-b-session',
  account: { name: 'tenant-b', password: 'tenant-b-zstack' },
};

let sim: Simulator;
let fleetB: Fleet;
beforeAll(async () => {
  fleetB = generateFleet(42, { variant: 'tenant-b' });
  sim = await startSimulator({
    osTokens: [DEMO_OS_TOKEN, B.token],
    users: [DEMO_USER, B.user],
    akSk: [DEMO_AKSK, B.akSk],
    zstackSessions: [DEMO_ZSTACK_SESSION, B.session],
    zstackAccounts: [DEMO_ZSTACK_ACCOUNT, B.account],
    fleets: {
      [B.token]: fleetB,
      [B.user.name]: fleetB,
      [B.akSk.ak]: fleetB,
      [B.session]: fleetB,
      [B.account.name]: fleetB,
    },
  });
});
afterAll(() => sim.close());

const sha512 = (text: string) => createHash('sha512').update(text).digest('hex');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A minimal SDK-HMAC-SHA256 signature over host and x-sdk-date; `query` must be in canonical order. */
function signed(path: string, query: string, key: { ak: string; sk: string }): Record<string, string> {
  const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const host = new URL(sim.url).host;
  const headers = `host:${host}\nx-sdk-date:${date}\n`;
  const canonical = ['GET', `${path}/`, query, headers, 'host;x-sdk-date', sha256('')].join('\n');
  const signature = createHmac('sha256', key.sk).update(`SDK-HMAC-SHA256\n${date}\n${sha256(canonical)}`).digest('hex');
  const authorization = `SDK-HMAC-SHA256 Access=${key.ak}, SignedHeaders=host;x-sdk-date, Signature=${signature}`;
  return { 'X-Sdk-Date': date, Authorization: authorization };
}

async function keystoneToken(user: { name: string; password: string; domain: string }): Promise<string> {
  const reply = await send(sim, '/v3/auth/tokens', {}, 'POST', keystoneLogin(user, sim.projectId));
  return String(reply.headers['x-subject-token']);
}

async function zstackSession(account: { name: string; password: string }): Promise<string> {
  const body = zstackLogin(account.name, sha512(account.password));
  const reply = await send(sim, '/zstack/v1/accounts/login', {}, 'PUT', body);
  return reply.json().inventory.uuid;
}

/** What one caller sees: server names, one server's open-port paths, one VIP's used ports. */
async function view(
  nova: Record<string, string>,
  hss: (path: string, query: string) => Record<string, string>,
  zstack: Record<string, string>,
) {
  const id = sim.fleet.special.dualStackServerId;
  const servers = (await get(sim, `/v2.1/${sim.projectId}/servers/detail`, nova)).json().servers;
  const path = `/v5/${sim.projectId}/asset/ports`;
  const query = `host_id=${id}&limit=200`;
  const openPorts = (await get(sim, `${path}?${query}`, hss(path, query))).json().data_list;
  const vip = `/zstack/v1/vips/${sim.fleet.special.vipId}/usedports?protocol=UDP`;
  const used = (await get(sim, vip, zstack)).json().inventories[0].usedPorts;
  return {
    ids: servers.map((s: { id: string }) => s.id),
    names: servers.map((s: { name: string }) => s.name),
    paths: openPorts.map((p: { path: string }) => p.path),
    used,
  };
}

describe('fleets per credential', () => {
  it('answers each credential of tenant B from its own fleet, everyone else from the default one', async () => {
    const id = sim.fleet.special.dualStackServerId;
    const expectedA = {
      ids: sim.fleet.servers.map((s) => s.id),
      names: sim.fleet.servers.map((s) => s.name),
      paths: sim.fleet.openPorts[id]?.map((p) => p.path),
      used: sim.fleet.vips.find((v) => v.uuid === sim.fleet.special.vipId)?.usedPorts.UDP,
    };
    const expectedB = {
      ids: expectedA.ids,
      names: fleetB.servers.map((s) => s.name),
      paths: fleetB.openPorts[id]?.map((p) => p.path),
      used: fleetB.vips.find((v) => v.uuid === sim.fleet.special.vipId)?.usedPorts.UDP,
    };
    expect(expectedB.names).not.toEqual(expectedA.names);

    const tokenA = { 'x-auth-token': await keystoneToken(DEMO_USER) };
    const tokenB = { 'x-auth-token': await keystoneToken(B.user) };
    const tokenHeaders = (token: string) => () => ({ 'x-auth-token': token });
    const signedBy = (key: { ak: string; sk: string }) => (path: string, query: string) => signed(path, query, key);
    const oauth = (session: string) => ({ authorization: `OAuth ${session}` });
    const views = {
      staticA: await view({ 'x-auth-token': DEMO_OS_TOKEN }, tokenHeaders(DEMO_OS_TOKEN), oauth(DEMO_ZSTACK_SESSION)),
      loginA: await view(tokenA, signedBy(DEMO_AKSK), oauth(await zstackSession(DEMO_ZSTACK_ACCOUNT))),
      staticB: await view({ 'x-auth-token': B.token }, tokenHeaders(B.token), oauth(B.session)),
      loginB: await view(tokenB, signedBy(B.akSk), oauth(await zstackSession(B.account))),
    };
    expect(views.staticA).toEqual(expectedA);
    expect(views.loginA).toEqual(expectedA);
    expect(views.staticB).toEqual(expectedB);
    expect(views.loginB).toEqual(expectedB);
  });

  it('logs who each request was authenticated as', async () => {
    sim.clearLog();
    const p = sim.projectId;
    await get(sim, `/v2/${p}/ports?limit=1`, { 'x-auth-token': B.token });
    await get(sim, `/v2/${p}/ports?limit=1`, { 'x-auth-token': await keystoneToken(B.user) });
    await get(sim, `/v5/${p}/asset/port/statistics`, signed(`/v5/${p}/asset/port/statistics`, '', B.akSk));
    await get(sim, `/zstack/v1/vips/${sim.fleet.special.vipId}/usedports?protocol=TCP`, {
      authorization: `OAuth ${await zstackSession(B.account)}`,
    });
    expect(sim.log.map((e) => [e.route, e.auth, e.principal])).toEqual([
      ['vpc.ports', 'x-auth-token', B.token],
      ['keystone.tokens', 'none', B.user.name],
      ['vpc.ports', 'x-auth-token', B.user.name],
      ['hss.statistics', 'aksk', B.akSk.ak],
      ['zstack.login', 'none', B.account.name],
      ['zstack.usedports', 'oauth', B.account.name],
    ]);
  });

  it('refuses a fleet for another project at start-up', async () => {
    const foreign = { ...generateFleet(42), projectId: 'ffffffffffffffffffffffffffffffff' };
    await expect(startSimulator({ fleets: { x: foreign } })).rejects.toThrow(/project/);
  });
});
