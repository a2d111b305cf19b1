import { afterEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const FLEET = `{ servers(first: 1000) { nodes { id openPorts { port } } } }`;

describe('an upstream failing every call', () => {
  it('receives no more calls than the retry budget allows, then none while the breaker is open', async () => {
    stack = await startStack({ portgraph: { http: { breaker: { failureThreshold: 1000, cooldownMs: 60_000 } } } });
    stack.sim.inject('hss.ports', { status: 503 });
    const { body } = await stack.query(FLEET);
    const servers = stack.sim.fleet.servers.length;
    expect((body.data).servers.nodes).toHaveLength(servers);
    expect(body.errors).toHaveLength(servers);
    expect(body.errors?.every((e) => e.extensions?.['code'] === 'UPSTREAM_UNAVAILABLE' && e.extensions['source'] === 'hss')).toBe(true);
    // One first attempt per server; retries within minRetries (10) + 20 % of first attempts.
    const calls = stack.calls('hss').length;
    expect(calls).toBeGreaterThanOrEqual(servers);
    expect(calls - servers).toBeLessThanOrEqual(10 + Math.floor(0.2 * servers));
    expect(stack.portgraph.http.retryBudget('hss').retries).toBe(calls - servers);
  });

  it('opens the breaker after repeated failures and then answers without calling or waiting', async () => {
    stack = await startStack({ portgraph: { upstreamTimeoutMs: 1000, http: { breaker: { failureThreshold: 2, cooldownMs: 60_000 } } } });
    stack.sim.inject('hss.ports', { delayMs: 3000 });
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    const query = `query ($id: ID!) { server(id: $id) { id name openPorts { port } } }`;
    for (let i = 0; i < 2; i++) await stack.query(query, { id });
    expect(stack.portgraph.http.breakerState('hss')).toBe('open');

    stack.sim.clearLog();
    const started = performance.now();
    const { body } = await stack.query(query, { id });
    const elapsed = performance.now() - started;
    expect((body.data).server.name).toBeTruthy();
    expect(body.errors?.[0]).toMatchObject({ path: ['server', 'openPorts'], extensions: { code: 'UPSTREAM_UNAVAILABLE', source: 'hss' } });
    expect(stack.calls('hss')).toEqual([]);
    // Not a speed goal: it did not wait out the 1000 ms timeout of a hung HSS.
    expect(elapsed).toBeLessThan(1000);
  });
});
