import { Agent, get } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { postQuery, send, WALK } from './support.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** Resolves once the simulated cloud has received `count` calls: the walk is then in flight. */
async function callsArrived(stack: Stack, count: number): Promise<void> {
  while (stack.calls().length < count) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('drain', () => {
  it('finishes the request in flight, reports not ready, refuses new GraphQL requests, then closes', async () => {
    stack = await startStack();
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    stack.sim.inject('nova.server', { delayMs: 500, times: 1 });
    const inFlight = postQuery(stack.url, WALK, { id });
    await callsArrived(stack, 3);

    const drained = stack.edge.drain(10_000);
    const ready = await send(`${stack.origin}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text).status).toBe('draining');
    expect(ready.headers.connection).toBe('close');
    expect((await send(`${stack.origin}/healthz`)).status).toBe(200);

    const refused = await postQuery(stack.url, WALK, { id });
    expect(refused.status).toBe(503);
    expect(refused.headers.connection).toBe('close');
    expect(JSON.parse(refused.text).errors[0].extensions).toEqual({ code: 'SHUTTING_DOWN' });

    const finished = await inFlight;
    expect(finished.status).toBe(200);
    expect(finished.headers.connection).toBe('close');
    expect(JSON.parse(finished.text).data.server.name).toBe('lb-01');
    expect(await drained).toEqual({ cutOff: 0 });
    expect(stack.edge.server.listening).toBe(false);
    expect(stack.calls()).toHaveLength(3);
  });

  it('closes idle keep-alive connections at once, while a request is still in flight', async () => {
    stack = await startStack();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const idle = await new Promise<Socket>((resolve, reject) => {
        const req = get(`${stack!.origin}/healthz`, { agent }, (res) => {
          res.resume();
          res.once('end', () => resolve(req.socket!));
        });
        req.once('error', reject);
      });
      expect(idle.destroyed).toBe(false);
      stack.sim.inject('nova.server', { delayMs: 500, times: 1 });
      let walkDone = false;
      const inFlight = postQuery(stack.url, WALK, { id: stack.sim.fleet.special.multiInterfaceServerId }).finally(() => (walkDone = true));
      await callsArrived(stack, 3);

      const closed = new Promise((resolve) => idle.once('close', resolve));
      const drained = stack.edge.drain(10_000);
      await closed;
      expect(walkDone).toBe(false);
      expect((await inFlight).status).toBe(200);
      await drained;
    } finally {
      agent.destroy();
    }
  });

  it('cuts off what is still running when the grace ends', async () => {
    stack = await startStack();
    stack.sim.inject('nova.server', { delayMs: 5_000, times: 1 });
    const inFlight = postQuery(stack.url, WALK, { id: stack.sim.fleet.special.multiInterfaceServerId }).then(
      () => 'answered',
      () => 'cut off',
    );
    await callsArrived(stack, 3);
    expect(await stack.edge.drain(200)).toEqual({ cutOff: 1 });
    expect(await inFlight).toBe('cut off');
    expect(stack.edge.server.listening).toBe(false);
  });

  it('closes at once when nothing is in flight', async () => {
    stack = await startStack();
    expect(await stack.edge.drain(10_000)).toEqual({ cutOff: 0 });
    expect(stack.edge.server.listening).toBe(false);
  });
});
