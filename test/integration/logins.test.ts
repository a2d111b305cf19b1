import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_AKSK, DEMO_OS_TOKEN, DEMO_USER, DEMO_ZSTACK_ACCOUNT } from '../../src/simulator/index.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const WALK = `query ($id: ID!, $vip: ID!) {
  server(id: $id) { id name interfaces { portId } openPorts { port } }
  vip(id: $vip) { usedPorts(protocol: TCP) { start end } }
}`;

/** portgraph with no static credential: a Keystone password login and a ZStack account login. */
function startLoginStack(password = DEMO_USER.password): Promise<Stack> {
  return startStack({
    simulator: { osTokens: [], zstackSessions: [] },
    portgraph: (sim) => ({
      osToken: undefined,
      zstackSessionId: undefined,
      passwordLogin: { authUrl: `${sim.url}/v3`, username: DEMO_USER.name, password, userDomainName: DEMO_USER.domain },
      zstackAccount: { ...DEMO_ZSTACK_ACCOUNT },
    }),
  });
}

function walk(s: Stack) {
  return s.query(WALK, { id: s.sim.fleet.special.multiInterfaceServerId, vip: s.sim.fleet.special.vipId });
}

describe('password and ZStack logins', () => {
  it('logs in once for three concurrent queries at start-up', async () => {
    stack = await startLoginStack();
    const answers = await Promise.all([walk(stack), walk(stack), walk(stack)]);
    for (const { body } of answers) {
      expect(body.errors).toBeUndefined();
      expect((body.data).server.interfaces.length).toBeGreaterThan(0);
      expect((body.data).vip.usedPorts.length).toBeGreaterThan(0);
    }
    expect(stack.sim.logins()).toEqual({ keystone: 1, zstack: 1 });
    expect(stack.calls().find((c) => c.route === 'keystone.tokens')?.principal).toBe(DEMO_USER.name);
    expect(stack.calls().filter((c) => c.source === 'nova').every((c) => c.credential !== DEMO_OS_TOKEN)).toBe(true);
  });

  it('renews exactly once when the token and the session expire, and no query fails', async () => {
    stack = await startLoginStack();
    await walk(stack);
    stack.sim.expireTokens();
    stack.sim.clearLog();
    const again = await Promise.all([walk(stack), walk(stack), walk(stack)]);
    for (const { body } of again) expect(body.errors).toBeUndefined();
    expect(stack.sim.logins()).toEqual({ keystone: 2, zstack: 2 });
    const refused = stack.calls().filter((c) => c.status === 401 || c.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    const logs = stack.logs.join('\n');
    expect(logs).not.toContain(DEMO_USER.password);
    expect(logs).not.toContain(DEMO_ZSTACK_ACCOUNT.password);
  });

  it('answers UNAUTHENTICATED, naming the source, on the fields whose login fails', async () => {
    stack = await startLoginStack('wrong-password');
    const { body } = await walk(stack);
    expect((body.data).server).toBeNull();
    expect((body.data).vip.usedPorts.length).toBeGreaterThan(0);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({ path: ['server'], extensions: { code: 'UNAUTHENTICATED', source: 'nova' } });
    expect(JSON.stringify(body) + stack.logs.join('\n')).not.toContain('wrong-password');
  });
});

describe('AK/SK signing', () => {
  it('signs every ports-API and HSS call, and the simulated cloud accepts them', async () => {
    stack = await startStack({ portgraph: { akSk: { ...DEMO_AKSK } } });
    const { body } = await stack.query(
      `query ($id: ID!) { server(id: $id) { interfaces { port { id } } openPorts { port } } openPortStatistics(first: 5) { totalCount } }`,
      { id: stack.sim.fleet.special.multiInterfaceServerId },
    );
    expect(body.errors).toBeUndefined();
    const huawei = [...stack.calls('vpc'), ...stack.calls('hss')];
    expect(huawei.length).toBeGreaterThan(2);
    expect(huawei.every((c) => c.auth === 'aksk' && c.credential === DEMO_AKSK.ak)).toBe(true);
    expect(stack.calls('nova').every((c) => c.auth === 'x-auth-token')).toBe(true);
  });

  it('gets UNAUTHENTICATED from the gateway for a wrong secret key, and never shows the key', async () => {
    stack = await startStack({ portgraph: { akSk: { ak: DEMO_AKSK.ak, sk: 'not-the-secret-key' } } });
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    const { body } = await stack.query(`query ($id: ID!) { server(id: $id) { id openPorts { port } } }`, { id });
    expect((body.data).server.id).toBe(id);
    expect(body.errors?.[0]).toMatchObject({
      path: ['server', 'openPorts'],
      extensions: { code: 'UNAUTHENTICATED', source: 'hss', upstreamCode: 'APIGW.0301' },
    });
    expect(JSON.stringify(body) + stack.logs.join('\n')).not.toContain('not-the-secret-key');
  });
});
