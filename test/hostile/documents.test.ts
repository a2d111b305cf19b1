// Hostile documents over real HTTP: each is refused or answered within bounds, and the server
// keeps serving. The limits are the defaults (DESIGN.md, "Safe by default").
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.sim.clearLog());

const MAX_RSS = 600 * 2 ** 20;

/** A POST of raw text as the GraphQL document, over real HTTP. */
async function post(body: string): Promise<{ status: number; json: any }> {
  const response = await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = { text };
  }
  return { status: response.status, json };
}

/** The server still answers an ordinary walk, and this process stays within its memory bound. */
async function stillServing(): Promise<void> {
  const id = stack.sim.fleet.special.multiInterfaceServerId;
  const { status, body } = await stack.query(`query ($id: ID!) { server(id: $id) { name interfaces { portId } } }`, { id });
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  expect((body.data).server.interfaces.length).toBeGreaterThan(0);
  expect(process.memoryUsage().rss).toBeLessThan(MAX_RSS);
}

const codes = (body: { errors?: { extensions?: Record<string, unknown> }[] }) => (body.errors ?? []).map((e) => e.extensions?.['code']);

describe('hostile documents', () => {
  it('stops the 150-byte bomb (open ports of open ports of a 450-port server) with RESPONSE_TOO_LARGE', async () => {
    const id = stack.sim.fleet.special.bigOpenPortsServerId;
    const bomb = `{ server(id: "${id}") { openPorts { server { openPorts { server { openPorts { port } } } } } } }`;
    expect(bomb.length).toBeLessThan(160);
    expect(stack.sim.fleet.openPorts[id]?.length).toBeGreaterThan(400);
    const { status, body } = await stack.query(bomb);
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'RESPONSE_TOO_LARGE', maxResponseNodes: DEFAULT_LIMITS.maxResponseNodes });
    // The server's open ports were read once; the bomb multiplies answers, not calls.
    expect(stack.callCounts()).toEqual({ nova: 1, hss: 3 });
    await stillServing();
  });

  it('refuses 50 levels of interfaces { server { interfaces … } } before any upstream call', async () => {
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    let selection = 'portId';
    for (let level = 0; level < 50; level++) selection = `interfaces { server { ${selection} } }`;
    const { status, body } = await stack.query(`{ server(id: "${id}") { ${selection} } }`);
    expect(status).toBeLessThan(500);
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]?.message).toMatch(/depth limit of 10/i);
    expect(stack.calls()).toEqual([]);
    await stillServing();
  });

  it('refuses 1,000 aliases of server(id:) with distinct ids, making no upstream call', async () => {
    const servers = stack.sim.fleet.servers;
    const aliases = (count: number) =>
      Array.from({ length: count }, (_, n) => `s${n}: server(id: "${servers[n % servers.length]?.id}-${n}") { id name }`).join(' ');
    const thousand = await stack.query(`{ ${aliases(1000)} }`);
    expect(thousand.status).toBe(200);
    expect(thousand.body.data ?? null).toBeNull();
    expect(thousand.body.errors?.[0]?.message).toMatch(/more that 5000 tokens/);
    // Few enough tokens, one alias too many.
    const justOver = await stack.query(`{ ${aliases(DEFAULT_LIMITS.maxAliases + 1)} }`);
    expect(justOver.body.data ?? null).toBeNull();
    expect(justOver.body.errors?.[0]?.message).toMatch(/Aliases limit of 30 exceeded, found 31/);
    expect(stack.calls()).toEqual([]);
    await stillServing();
  });

  it('refuses _entities with 5,000 representations in variables as QUERY_TOO_EXPENSIVE, before any call', async () => {
    const representations = Array.from({ length: 5000 }, (_, n) => ({ __typename: 'Server', id: `server-${n}` }));
    const { body } = await stack.query(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Server { id interfaces { portId } openPorts { port } } } }`,
      { r: representations },
    );
    expect(codes(body)).toEqual(['QUERY_TOO_EXPENSIVE']);
    const extensions = body.errors?.[0]?.extensions ?? {};
    expect(extensions['maxUpstreamCalls']).toBe(DEFAULT_LIMITS.maxUpstreamCalls);
    expect(extensions['estimatedCalls']).toBeGreaterThan(DEFAULT_LIMITS.maxUpstreamCalls);
    expect(stack.calls().length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxUpstreamCalls);
    expect(stack.calls()).toEqual([]);
    await stillServing();
  });

  it('answers 15 distinct multi-MB documents with 413, and 15 distinct documents just under the body limit within bounds', async () => {
    for (let n = 0; n < 15; n++) {
      const { status } = await post(JSON.stringify({ query: `{ __typename ${' '.repeat(6 * 2 ** 20)} }`, variables: { n } }));
      expect(status).toBe(413);
    }
    for (let n = 0; n < 15; n++) {
      // Padding is no token: each document parses, and each is a distinct cache key.
      const query = `# ${n}\n{ __typename }${' '.repeat(1000 * 1000 - 40)}`;
      const { status, json } = await post(JSON.stringify({ query }));
      expect(status).toBe(200);
      expect(json.data).toEqual({ __typename: 'Query' });
    }
    expect(stack.calls()).toEqual([]);
    await stillServing();
  });

  it('refuses a document of 100,000 tokens while parsing it', async () => {
    const { status, body } = await stack.query(`{ ${'a '.repeat(100_000)}}`);
    expect(status).toBe(200);
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]?.message).toMatch(/more that 5000 tokens/);
    expect(stack.calls()).toEqual([]);
    await stillServing();
  });

  it('answers 400, not 500, to 5,000 levels of nesting', async () => {
    const { status, body } = await stack.query(`${'{ a '.repeat(5000)}${'}'.repeat(5000)}`);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/nests brackets 5000 levels deep/);
    expect(stack.calls()).toEqual([]);
    await stillServing();
  });
});
