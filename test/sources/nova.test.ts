import { describe, expect, it } from 'vitest';
import { NOVA_MAX_LIMIT, NovaClient } from '../../src/sources/nova.js';
import type { NovaInterfaceAttachment, NovaServer } from '../../src/sources/records.js';
import { ORIGIN, PROJECT, TOKEN, json, mocked, rejectsWith, tokenAuth, under } from './support.js';

interface InterfacesBody {
  interfaceAttachments: (NovaInterfaceAttachment & Record<string, unknown>)[];
}
interface ServersBody {
  servers: NovaServer[];
  servers_links?: { rel: string; href: string }[];
}

const interfaces = {
  interfaceAttachments: [
    {
      fixed_ips: [
        { ip_address: '192.168.1.3', subnet_id: 'f8a6e8f8-c2ec-497c-9f23-da9616de54ef' },
        { ip_address: 'fd00::3', subnet_id: 'a1b2' },
      ],
      mac_addr: 'fa:16:3e:4c:2c:30',
      net_id: '3cb9bc59-5699-4588-a4b1-b87f96708bc6',
      port_id: 'ce531f90-199f-48c0-816c-13e38010b442',
      port_state: 'ACTIVE',
      tag: 'public',
    },
    { fixed_ips: null, mac_addr: 'fa:16:3e:00:00:01', net_id: 'n2', port_id: 'p2', port_state: 'DOWN', tag: null, extra: 1 },
  ],
} satisfies InterfacesBody;

const SERVER_ID = '9168b536-cd40-4630-b43f-b259807c6e87';

function client(base = `${ORIGIN}/compute/`) {
  const mock = mocked();
  return { ...mock, nova: new NovaClient({ baseUrl: base, projectId: PROJECT, http: mock.http }) };
}

function serversPage(from: number, count: number, next?: string): ServersBody {
  const servers = Array.from({ length: count }, (_, i) => ({ id: `s-${from + i}`, name: `vm-${from + i}`, status: 'ACTIVE' }));
  return {
    servers,
    ...(next === undefined
      ? {}
      : { servers_links: [{ rel: 'next', href: `http://nova:8774/v2.1/${PROJECT}/servers/detail?limit=1000&marker=${next}` }] }),
  } satisfies ServersBody;
}

describe('NovaClient.listInterfaces', () => {
  it('GETs servers/{id}/os-interface under the base path with the token, and returns the attachments', async () => {
    const { pool, nova, calls } = client();
    pool.intercept(under('/compute/v2.1/')).reply(200, interfaces, { headers: json });

    const attachments = await nova.listInterfaces({ auth: tokenAuth }, SERVER_ID);

    expect(calls()).toMatchObject([
      { fullUrl: `${ORIGIN}/compute/v2.1/${PROJECT}/servers/${SERVER_ID}/os-interface`, headers: { 'x-auth-token': TOKEN } },
    ]);
    expect(attachments).toEqual(interfaces.interfaceAttachments);
    expect(attachments[1]?.fixed_ips).toBeNull();
  });

  it('answers an empty list for a server without ports', async () => {
    const { pool, nova } = client();
    pool.intercept(under('/compute/')).reply(200, { interfaceAttachments: [] } satisfies InterfacesBody);
    expect(await nova.listInterfaces({ auth: tokenAuth }, SERVER_ID)).toEqual([]);
  });

  it.each([
    ['a/b', 'a%2Fb'],
    ['a?b', 'a%3Fb'],
    ['a#b', 'a%23b'],
    ['../../x', '..%2F..%2Fx'],
    ['..', '%252E%252E'],
    ['.', '%252E'],
  ])('keeps the server id %j in its own segment', async (id, sent) => {
    const { pool, nova, calls } = client();
    pool.intercept(under('/compute/')).reply(200, { interfaceAttachments: [] });
    await nova.listInterfaces({ auth: tokenAuth }, id);
    expect(calls()[0]?.path).toBe(`/compute/v2.1/${PROJECT}/servers/${sent}/os-interface`);
  });

  it('answers NOT_FOUND when Nova says 404 itemNotFound', async () => {
    const { pool, nova } = client();
    pool
      .intercept(under('/compute/'))
      .reply(404, { itemNotFound: { code: 404, message: `Instance ${SERVER_ID} could not be found.` } }, { headers: json });
    await rejectsWith(nova.listInterfaces({ auth: tokenAuth }, SERVER_ID), {
      source: 'nova',
      code: 'NOT_FOUND',
      status: 404,
      upstreamCode: 'itemNotFound',
      retryable: false,
      message: `nova answered 404 itemNotFound: Instance ${SERVER_ID} could not be found.`,
    });
  });

  it("answers UNAUTHENTICATED for keystonemiddleware's 401", async () => {
    const { pool, nova } = client();
    pool.intercept(under('/compute/')).reply(
      401,
      { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } },
      { headers: { ...json, 'www-authenticate': 'Keystone uri="http://keystone:5000"' } },
    );
    await rejectsWith(nova.listInterfaces({ auth: tokenAuth }, SERVER_ID), {
      code: 'UNAUTHENTICATED',
      upstreamCode: 'Unauthorized',
      message: 'nova answered 401 Unauthorized: The request you have made requires authentication.',
    });
  });

  it.each([
    ['no interfaceAttachments', { servers: [] }, 'interfaceAttachments is missing, expected an array'],
    ['a numeric port_id', { interfaceAttachments: [{ port_id: 7 }] }, 'interfaceAttachments[0].port_id is a number, expected a string'],
    [
      'a fixed IP without subnet_id',
      { interfaceAttachments: [{ port_id: 'p', fixed_ips: [{ ip_address: '10.0.0.1' }] }] },
      'interfaceAttachments[0].fixed_ips[0].subnet_id is missing, expected a string',
    ],
    ['fixed_ips as an object', { interfaceAttachments: [{ port_id: 'p', fixed_ips: {} }] }, 'interfaceAttachments[0].fixed_ips is an object, expected an array'],
    ['an array body', [], 'body is an array, expected an object'],
  ])('answers UPSTREAM_BAD_RESPONSE for %s', async (_, body, detail) => {
    const { pool, nova } = client();
    pool.intercept(under('/compute/')).reply(200, body);
    await rejectsWith(nova.listInterfaces({ auth: tokenAuth }, SERVER_ID), {
      code: 'UPSTREAM_BAD_RESPONSE',
      status: 200,
      message: `nova answered 200 with an unexpected body: ${detail}`,
    });
  });
});

describe('NovaClient.listServersDetail', () => {
  it('sends limit and marker and reads the next marker from servers_links', async () => {
    const { pool, nova, calls } = client(ORIGIN);
    pool.intercept(under('/v2.1/')).reply(200, serversPage(0, 2, 's-1'));

    const page = await nova.listServersDetail({ auth: tokenAuth }, { marker: 'm 0', limit: 2 });

    expect(calls()[0]?.fullUrl).toBe(`${ORIGIN}/v2.1/${PROJECT}/servers/detail?limit=2&marker=m+0`);
    expect(page).toEqual({ servers: serversPage(0, 2).servers, nextMarker: 's-1' });
  });

  it('answers no next marker when there is no next link', async () => {
    const { pool, nova, calls } = client(ORIGIN);
    pool.intercept(under('/v2.1/')).reply(200, {
      servers: [{ id: 'partial', status: 'UNKNOWN' }],
      servers_links: [{ rel: 'previous', href: 'http://nova/v2.1/p/servers/detail?marker=x' }],
    } satisfies ServersBody);
    expect(await nova.listServersDetail({ auth: tokenAuth }, {})).toEqual({ servers: [{ id: 'partial', status: 'UNKNOWN' }], nextMarker: undefined });
    expect(calls()[0]?.fullUrl).toBe(`${ORIGIN}/v2.1/${PROJECT}/servers/detail`);
  });

  it.each([0, 1001, 2.5, -1])('refuses limit %s before any call', async (limit) => {
    const { nova, calls } = client();
    await expect(nova.listServersDetail({ auth: tokenAuth }, { limit })).rejects.toThrow(RangeError);
    expect(calls()).toHaveLength(0);
  });

  it('answers UPSTREAM_BAD_RESPONSE for a next link without a marker', async () => {
    const { pool, nova } = client();
    pool.intercept(under('/compute/')).reply(200, { servers: [], servers_links: [{ rel: 'next', href: 'http://nova/servers/detail?limit=1' }] });
    await rejectsWith(nova.listServersDetail({ auth: tokenAuth }, {}), {
      code: 'UPSTREAM_BAD_RESPONSE',
      message: expect.stringContaining('has no marker'),
    });
  });
});

describe('NovaClient.listAllServers', () => {
  it('follows servers_links in pages of 1000 to the end, tolerating the trailing empty page', async () => {
    const { pool, nova, calls } = client();
    const pages: Record<string, ServersBody> = {
      '': serversPage(0, NOVA_MAX_LIMIT, 's-999'),
      's-999': serversPage(1000, NOVA_MAX_LIMIT, 's-1999'),
      's-1999': { servers: [] },
    };
    pool
      .intercept(under('/compute/'))
      .reply(({ path }) => ({ statusCode: 200, data: pages[new URL(path, ORIGIN).searchParams.get('marker') ?? ''] ?? {} }))
      .times(3);

    const { servers, calls: pageCalls } = await nova.listAllServers({ auth: tokenAuth });

    expect(servers).toHaveLength(2000);
    expect(pageCalls).toBe(3);
    expect(servers.at(-1)).toEqual({ id: 's-1999', name: 'vm-1999', status: 'ACTIVE' });
    expect(calls().map((c) => c.searchParams)).toEqual([
      { limit: '1000' },
      { limit: '1000', marker: 's-999' },
      { limit: '1000', marker: 's-1999' },
    ]);
  });

  it('stops with UPSTREAM_BAD_RESPONSE when Nova links a page it already served', async () => {
    const { pool, nova, calls } = client();
    pool.intercept(under('/compute/')).reply(200, serversPage(0, 1, 'same')).times(3);
    await rejectsWith(nova.listAllServers({ auth: tokenAuth }), { code: 'UPSTREAM_BAD_RESPONSE' });
    expect(calls()).toHaveLength(2);
  });

  it('stops as soon as stopWhen has what it wants', async () => {
    const { pool, nova, calls } = client();
    pool.intercept(under('/compute/')).reply(200, serversPage(0, NOVA_MAX_LIMIT, 's-999')).times(1);
    const { servers, calls: pageCalls } = await nova.listAllServers({ auth: tokenAuth }, { stopWhen: (seen) => seen.some((s) => s.id === 's-5') });
    expect(servers).toHaveLength(NOVA_MAX_LIMIT);
    expect(pageCalls).toBe(1);
    expect(calls()).toHaveLength(1);
  });
});

describe('NovaClient.getServer', () => {
  it('GETs servers/{id} and answers the server, unknown fields passed through', async () => {
    const { pool, nova, calls } = client();
    const server = { id: SERVER_ID, name: 'web-1', status: 'ACTIVE', tenant_id: PROJECT, 'OS-EXT-AZ:availability_zone': 'az1' };
    pool.intercept(under('/compute/')).reply(200, { server } satisfies { server: NovaServer });
    expect(await nova.getServer({ auth: tokenAuth }, SERVER_ID)).toEqual(server);
    expect(calls()[0]?.path).toBe(`/compute/v2.1/${PROJECT}/servers/${SERVER_ID}`);
  });

  it('answers null when Nova says 404', async () => {
    const { pool, nova } = client();
    pool.intercept(under('/compute/')).reply(404, { itemNotFound: { code: 404, message: 'Instance x could not be found.' } });
    expect(await nova.getServer({ auth: tokenAuth }, 'x')).toBeNull();
  });

  it('answers FORBIDDEN when Nova says 403', async () => {
    const { pool, nova } = client();
    pool.intercept(under('/compute/')).reply(403, { forbidden: { code: 403, message: 'Policy does not allow it.' } });
    await rejectsWith(nova.getServer({ auth: tokenAuth }, 'x'), { code: 'FORBIDDEN', upstreamCode: 'forbidden' });
  });

  it('answers UPSTREAM_BAD_RESPONSE for a server without an id', async () => {
    const { pool, nova } = client();
    pool.intercept(under('/compute/')).reply(200, { server: { name: 'x' } });
    await rejectsWith(nova.getServer({ auth: tokenAuth }, 'x'), {
      code: 'UPSTREAM_BAD_RESPONSE',
      message: 'nova answered 200 with an unexpected body: server.id is missing, expected a string',
    });
  });
});
