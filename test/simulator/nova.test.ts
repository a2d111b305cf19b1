import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { get, qs } from './helpers.js';

let sim: Simulator;
let base: string;
beforeAll(async () => {
  sim = await startSimulator();
  base = `/v2.1/${sim.projectId}`;
});
afterAll(() => sim.close());

interface ServersPage {
  servers: Array<{ id: string; name: string; links: Array<{ rel: string; href: string }> }>;
  servers_links?: Array<{ rel: string; href: string }>;
}

describe('Nova GET servers/detail', () => {
  it('pages with servers_links whenever a page is full, ending on an empty page', async () => {
    const total = sim.fleet.servers.length;
    const limit = total / 4;
    expect(Number.isInteger(limit)).toBe(true);

    const seen: string[] = [];
    const sizes: number[] = [];
    let path: string | undefined = `${base}/servers/detail${qs({ limit })}`;
    while (path !== undefined) {
      const reply = await get(sim, path);
      expect(reply.status).toBe(200);
      const page = reply.json<ServersPage>();
      sizes.push(page.servers.length);
      seen.push(...page.servers.map((s) => s.id));
      const next = page.servers_links?.find((l) => l.rel === 'next')?.href;
      if (next !== undefined) {
        expect(next).toBe(`${sim.url}${base}/servers/detail?limit=${limit}&marker=${seen[seen.length - 1]}`);
        path = next.slice(sim.url.length);
      } else {
        path = undefined;
      }
    }
    expect(sizes).toEqual([limit, limit, limit, limit, 0]);
    expect(seen).toEqual(sim.fleet.servers.map((s) => s.id));
  });

  it('ends without a link on a short page', async () => {
    const last = sim.fleet.servers[sim.fleet.servers.length - 4]?.id;
    const page = (await get(sim, `${base}/servers/detail${qs({ limit: 10, marker: last })}`)).json<ServersPage>();
    expect(page.servers.map((s) => s.id)).toEqual(sim.fleet.servers.slice(-3).map((s) => s.id));
    expect(page.servers_links).toBeUndefined();
  });

  it('answers full server objects, all servers by default and with limit above max_limit', async () => {
    for (const query of ['', '?limit=5000']) {
      const page = (await get(sim, `${base}/servers/detail${query}`)).json<ServersPage>();
      expect(page.servers).toHaveLength(sim.fleet.servers.length);
      expect(page.servers_links).toBeUndefined();
    }
    const page = (await get(sim, `${base}/servers/detail?limit=1`)).json<ServersPage>();
    const first = sim.fleet.servers[0];
    expect(page.servers[0]).toMatchObject({
      id: first?.id,
      name: first?.name,
      status: first?.status,
      tenant_id: sim.projectId,
      created: first?.created,
      updated: first?.updated,
      links: [
        { rel: 'self', href: `${sim.url}${base}/servers/${first?.id}` },
        { rel: 'bookmark', href: `${sim.url}/${sim.projectId}/servers/${first?.id}` },
      ],
    });
  });

  it('rejects an unknown marker with 400 badRequest', async () => {
    const reply = await get(sim, `${base}/servers/detail?marker=nope`);
    expect(reply.status).toBe(400);
    expect(reply.json()).toEqual({ badRequest: { code: 400, message: 'marker [nope] not found' } });
  });

  it.each(['-1', 'abc', '1.5'])('rejects limit=%s with 400 badRequest', async (limit) => {
    const reply = await get(sim, `${base}/servers/detail?limit=${limit}`);
    expect(reply.status).toBe(400);
    expect(reply.json().badRequest).toMatchObject({ code: 400, message: expect.stringContaining('limit') });
  });

  it('sends JSON with an OpenStack request id', async () => {
    const reply = await get(sim, `${base}/servers/detail?limit=1`);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.headers['x-openstack-request-id']).toMatch(/^req-[0-9a-f-]{36}$/);
  });
});

describe('Nova GET servers/{id} and os-interface', () => {
  it('shows one server', async () => {
    const s = sim.fleet.servers[5];
    const reply = await get(sim, `${base}/servers/${s?.id}`);
    expect(reply.status).toBe(200);
    expect(reply.json().server).toMatchObject({ id: s?.id, name: s?.name, status: s?.status });
  });

  it('answers 404 itemNotFound for an unknown server, on both routes', async () => {
    for (const suffix of ['', '/os-interface']) {
      const reply = await get(sim, `${base}/servers/00000000-0000-4000-8000-000000000000${suffix}`);
      expect(reply.status).toBe(404);
      expect(reply.json()).toEqual({
        itemNotFound: { code: 404, message: 'Instance 00000000-0000-4000-8000-000000000000 could not be found.' },
      });
    }
  });

  it('lists the interface attachments of a server, with both address families', async () => {
    const id = sim.fleet.special.multiInterfaceServerId;
    const reply = await get(sim, `${base}/servers/${id}/os-interface`);
    expect(reply.status).toBe(200);
    const { interfaceAttachments } = reply.json();
    expect(interfaceAttachments).toEqual(sim.fleet.servers.find((s) => s.id === id)?.interfaces);
    expect(interfaceAttachments).toHaveLength(3);
    const keys = Object.keys(interfaceAttachments[0]).sort();
    expect(keys).toEqual(['fixed_ips', 'mac_addr', 'net_id', 'port_id', 'port_state']);
  });

  it('answers an empty list for a server without interfaces', async () => {
    const reply = await get(sim, `${base}/servers/${sim.fleet.special.noInterfacesServerId}/os-interface`);
    expect(reply.json()).toEqual({ interfaceAttachments: [] });
  });
});

describe('Nova auth', () => {
  it.each([
    ['no token', {}],
    ['an unknown token', { 'x-auth-token': 'expired' }],
  ])('answers keystonemiddleware 401 for %s', async (_, headers) => {
    const reply = await get(sim, `${base}/servers/detail`, headers);
    expect(reply.status).toBe(401);
    expect(reply.json()).toEqual({
      error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
    });
    expect(reply.headers['www-authenticate']).toMatch(/^Keystone uri="/);
  });

  it('accepts any of the configured tokens', async () => {
    const other = await startSimulator({ osTokens: ['a', 'b'] });
    try {
      expect((await get(other, `${base}/servers/detail?limit=1`, { 'x-auth-token': 'b' })).status).toBe(200);
      expect((await get(other, `${base}/servers/detail?limit=1`)).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('does not serve another project', async () => {
    const reply = await get(sim, `/v2.1/${'f'.repeat(32)}/servers/detail`);
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
  });
});
