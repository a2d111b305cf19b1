// Work does not outlive its client: a request whose client goes away gives up its queued and
// in-flight upstream calls, and calls that have not started never start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

const FLEET_WALK = `{ servers(first: 1000) { nodes { id name interfaces { portId fixedIps { ipAddress openPorts { port } } } openPorts { port } } } }`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ simulator: { latencyMs: 200 }, portgraph: { requestDeadlineMs: 30_000 } });
});
afterAll(() => stack.close());

/** Sends `count` fleet walks, aborts them all after `ms`, and waits until the simulated cloud hears nothing more. */
async function abortedWalks(count: number, ms: number): Promise<number> {
  stack.sim.clearLog();
  const controller = new AbortController();
  const walks = Array.from({ length: count }, () =>
    fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: FLEET_WALK }),
      signal: controller.signal,
    }).then(
      () => 'answered',
      () => 'aborted',
    ),
  );
  await sleep(ms);
  controller.abort();
  expect(await Promise.all(walks)).toEqual(Array.from({ length: count }, () => 'aborted'));
  let calls = -1;
  while (calls !== stack.sim.log.length) {
    calls = stack.sim.log.length;
    await sleep(400);
  }
  return calls;
}

describe('a client that goes away', () => {
  it('makes 30 fleet walks aborted 100 ms in cost less than 40 % of their calls', async () => {
    stack.sim.clearLog();
    await stack.query(FLEET_WALK);
    const perWalk = stack.sim.log.length;
    expect(perWalk).toBeGreaterThan(100);
    const calls = await abortedWalks(30, 100);
    expect(calls).toBeLessThan(0.4 * 30 * perWalk);
    // Only the server lists were under way when they were aborted.
    expect(calls).toBe(30);
  });

  it('gives up calls queued for a permit: walks aborted in their second layer never send the rest', async () => {
    stack.sim.clearLog();
    await stack.query(FLEET_WALK);
    const perWalk = stack.sim.log.length;
    // 300 ms in, each walk has its server list back and its interface and open-port calls queued
    // behind the 64 permits per upstream.
    const calls = await abortedWalks(30, 300);
    expect(calls).toBeLessThan(0.4 * 30 * perWalk);
    expect(calls).toBeLessThanOrEqual(30 + 2 * 64);
  });

  it('leaves the permits free for the next request', async () => {
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    const { body } = await stack.query(`query ($id: ID!) { server(id: $id) { name interfaces { portId } openPorts { port } } }`, { id });
    expect(body.errors).toBeUndefined();
    expect((body.data).server.interfaces.length).toBeGreaterThan(0);
  });
});
