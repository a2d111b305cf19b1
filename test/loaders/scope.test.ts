import { DEFAULT_LIMITS } from '../../src/config.js';
import type { Authenticator } from '../../src/sources/auth.js';
import { describe, expect, it } from 'vitest';
import { requestCredentials, sessionAuthenticator, tokenAuthenticator, type ContextDeps } from '../../src/context.js';
import { createLoaders, type Sources } from '../../src/loaders/index.js';
import { headerAuth } from '../../src/sources/auth.js';
import type { CallScope } from '../../src/sources/http.js';
import type { HssClient } from '../../src/sources/hss.js';
import type { NovaClient } from '../../src/sources/nova.js';
import type { VpcClient } from '../../src/sources/vpc.js';
import type { ZstackClient } from '../../src/sources/zstack.js';

/** Clients that answer at once and remember the scope of every call. */
function recordingSources() {
  const scopes: Record<string, CallScope[]> = {};
  const seen = <T>(name: string, answer: T) => (scope: CallScope) => {
    (scopes[name] ??= []).push(scope);
    return Promise.resolve(answer);
  };
  const sources: Sources = {
    nova: {
      getServer: seen('nova.getServer', { id: 's' }),
      listInterfaces: seen('nova.listInterfaces', []),
      listServersDetail: seen('nova.listServersDetail', { servers: [], nextMarker: undefined }),
    } as unknown as NovaClient,
    vpc: {
      listPorts: seen('vpc.listPorts', []),
      listAllPorts: seen('vpc.listAllPorts', { ports: [], calls: 1 }),
    } as unknown as VpcClient,
    hss: {
      listAllOpenPorts: seen('hss.listAllOpenPorts', []),
      listPortStatistics: seen('hss.listPortStatistics', { total_num: 0, data_list: [] }),
    } as unknown as HssClient,
    zstack: { getVipUsedPorts: seen('zstack.getVipUsedPorts', { usedPorts: [] }) } as unknown as ZstackClient,
  };
  return { sources, scopes };
}

describe('createLoaders', () => {
  it("passes each source its family's credential, and the request's deadline and observer", async () => {
    const { sources, scopes } = recordingSources();
    const nova = headerAuth('nova', 'X-Auth-Token', 'n');
    const huawei = headerAuth('huawei', 'X-Auth-Token', 'h');
    const zstack = headerAuth('zstack', 'Authorization', 'OAuth z');
    const observe: CallScope['observe'] = () => undefined;
    const loaders = createLoaders(sources, { nova, huawei, zstack, deadline: 1234, observe }, { portWalk: { pages: undefined }, serverWalk: { pages: undefined } });

    await Promise.all([
      loaders.server.load('s'),
      loaders.interfaces.load('s'),
      loaders.serversPage.load({ marker: undefined, limit: 10 }),
      loaders.portsPage.load({ limit: 10 }),
      loaders.port.load({ id: 'p', ip: '10.0.0.1' }),
      loaders.port.load({ id: 'q' }),
      loaders.openPorts.load('s'),
      loaders.statistics.load({ filter: {}, offset: 0, first: 10 }),
      loaders.vipUsedPorts.load({ uuid: 'v', protocol: 'TCP' }),
    ]);

    const authOf = (name: string) => scopes[name]?.map((scope) => scope.auth);
    expect(authOf('nova.getServer')).toEqual([nova]);
    expect(authOf('nova.listInterfaces')).toEqual([nova]);
    expect(authOf('nova.listServersDetail')).toEqual([nova]);
    expect(authOf('vpc.listAllPorts')).toEqual([huawei]);
    expect(authOf('vpc.listPorts')).toEqual([huawei]);
    expect(authOf('hss.listAllOpenPorts')).toEqual([huawei]);
    expect(authOf('hss.listPortStatistics')).toEqual([huawei]);
    expect(authOf('zstack.getVipUsedPorts')).toEqual([zstack]);
    for (const scope of Object.values(scopes).flat()) {
      expect(scope.deadline).toBe(1234);
      expect(scope.observe).toBe(observe);
    }
  });
});

describe('requestCredentials', () => {
  const configured = {
    nova: tokenAuthenticator('configured-token'),
    huawei: tokenAuthenticator('configured-token'),
    zstack: sessionAuthenticator('session'),
  };
  const deps: ContextDeps = {
    sources: { nova: undefined, vpc: undefined, hss: undefined, zstack: undefined },
    shared: { portWalk: { pages: undefined }, serverWalk: { pages: undefined } },
    credentials: configured,
    requestDeadlineMs: 5000,
    limits: DEFAULT_LIMITS,
  };
  const headers = async (auth: Authenticator | undefined) => {
    const req = { method: 'GET', url: new URL('http://u'), headers: {} as Record<string, string> };
    await auth?.authorize(req);
    return req.headers;
  };

  it("serves Nova and the Huawei services with the caller's own token, ZStack with its session", async () => {
    const credentials = requestCredentials(new Request('http://x/graphql', { headers: { 'x-auth-token': 'caller' } }), deps, 1000);
    expect(credentials.nova).toBe(credentials.huawei);
    expect(await headers(credentials.nova)).toEqual({ 'X-Auth-Token': 'caller' });
    expect(await headers(credentials.zstack)).toEqual({ Authorization: 'OAuth session' });
    expect(credentials.deadline).toBe(6000);
  });

  it('uses the configured credentials without a caller token, and never echoes a token in the id', async () => {
    const credentials = requestCredentials(new Request('http://x/graphql'), deps);
    expect(credentials.nova).toBe(configured.nova);
    expect(await headers(credentials.huawei)).toEqual({ 'X-Auth-Token': 'configured-token' });
    expect(credentials.nova?.id).not.toContain('configured-token');
  });
});
