import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFleet } from '../../src/simulator/index.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  // The same ids for both callers; the simulated cloud answers token-b with other names and processes.
  stack = await startStack({
    simulator: { osTokens: ['token-a', 'token-b'], fleets: { 'token-b': generateFleet(42, { variant: 'b' }) } },
    portgraph: { osToken: undefined },
  });
});
afterAll(() => stack.close());

const QUERY = `query ($id: ID!) { server(id: $id) { id name openPorts { processPath } } }`;

describe('two credentials on the same server at once', () => {
  it("never answer one caller with the other's data", async () => {
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    const name = stack.sim.fleet.servers.find((s) => s.id === id)?.name;
    const tokens = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 'token-a' : 'token-b'));
    const answers = await Promise.all(tokens.map((token) => stack.query(QUERY, { id }, { 'X-Auth-Token': token })));
    answers.forEach(({ body }, i) => {
      expect(body.errors).toBeUndefined();
      const server = (body.data).server;
      const b = tokens[i] === 'token-b';
      expect(server.name).toBe(b ? `b-${name}` : name);
      const paths: string[] = server.openPorts.map((p: { processPath: string }) => p.processPath);
      expect(paths.length).toBeGreaterThan(0);
      expect(paths.every((p) => p.startsWith('/opt/b/') === b)).toBe(true);
    });
    const byToken = (token: string) => stack.calls().filter((c) => c.credential === token).length;
    expect(byToken('token-a')).toBe(40);
    expect(byToken('token-b')).toBe(40);
  });
});
