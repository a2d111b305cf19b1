import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

// A second subgraph, as a CMDB would be: it extends Server with an owner, and names the servers
// it tracks, so the gateway has to fetch from portgraph by entity reference too.
const CMDB_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Server @key(fields: "id") {
    id: ID!
    owner: String!
  }
  type Query {
    trackedServers: [Server!]!
  }
`;

function startCmdb(trackedIds: string[]): Promise<{ url: string; server: HttpServer }> {
  const schema = buildSubgraphSchema([
    {
      typeDefs: parse(CMDB_SDL),
      resolvers: {
        Query: { trackedServers: () => trackedIds.map((id) => ({ id })) },
        Server: {
          __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
          owner: (server: { id: string }) => `team-${server.id.slice(0, 4)}`,
        },
      },
    },
  ]);
  const server = createServer(createYoga({ schema, logging: false }));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server })),
  );
}

let stack: Stack;
let cmdb: { url: string; server: HttpServer };
let gateway: ReturnType<typeof createGatewayRuntime>;

async function viaGateway(query: string) {
  const response = await gateway.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

beforeAll(async () => {
  stack = await startStack();
  const tracked = stack.sim.fleet.servers.slice(0, 4).map((s) => s.id);
  cmdb = await startCmdb(tracked);
  const { body } = await stack.query(`{ _service { sdl } }`);
  const portgraphSdl = (body.data)._service.sdl as string;
  const composed = composeServices([
    { name: 'portgraph', typeDefs: parse(portgraphSdl), url: stack.url },
    { name: 'cmdb', typeDefs: parse(CMDB_SDL), url: cmdb.url },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  gateway = createGatewayRuntime({ supergraph: composed.supergraphSdl, logging: false });
});

afterAll(async () => {
  await gateway?.[Symbol.asyncDispose]();
  cmdb?.server.closeAllConnections();
  await new Promise((resolve) => cmdb?.server.close(resolve));
  await stack?.close();
});

describe('portgraph behind a federation gateway', () => {
  it('composes with a second subgraph and answers one query with fields from both', async () => {
    stack.sim.clearLog();
    const { data, errors } = await viaGateway(`{ servers(first: 3) { nodes { id name owner interfaces { portId } } } }`);
    expect(errors).toBeUndefined();
    const expected = stack.sim.fleet.servers.slice(0, 3).map((s) => ({
      id: s.id,
      name: s.name,
      owner: `team-${s.id.slice(0, 4)}`,
      interfaces: s.interfaces.map((i) => ({ portId: i.port_id })),
    }));
    expect(data.servers.nodes).toEqual(expected);
    expect(stack.calls('nova').filter((c) => c.route === 'nova.interfaces')).toHaveLength(3);
  });

  it("resolves servers the other subgraph names through portgraph's _entities and loaders", async () => {
    stack.sim.clearLog();
    const { data, errors } = await viaGateway(`{ trackedServers { id owner name openPorts(protocol: TCP) { port } } }`);
    expect(errors).toBeUndefined();
    const tracked = stack.sim.fleet.servers.slice(0, 4);
    expect(data.trackedServers.map((s: { id: string; name: string }) => [s.id, s.name])).toEqual(tracked.map((s) => [s.id, s.name]));
    for (const [i, server] of tracked.entries()) {
      const tcp = (stack.sim.fleet.openPorts[server.id] ?? []).filter((p) => p.type === 'TCP' || p.type === 'TCP6').map((p) => ({ port: p.port }));
      expect(data.trackedServers[i].openPorts).toEqual(tcp);
    }
    const routes = stack.calls().map((c) => c.route);
    expect(routes.filter((r) => r === 'nova.server')).toHaveLength(4);
    expect(routes.filter((r) => r === 'hss.ports')).toHaveLength(4);
  });
});
