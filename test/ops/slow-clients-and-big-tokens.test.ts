import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { openSocket, postQuery, WALK } from './support.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const tokenOf = (length: number) => `MIIZ${'a1B2'.repeat(length)}`.slice(0, length);

describe("callers' big Huawei tokens", () => {
  it.each([20_000, 99_000])('passes a %i-character X-Auth-Token on to every upstream call it serves', async (length) => {
    const token = tokenOf(length);
    stack = await startStack({ simulator: { osTokens: [token] } });
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    const { status, text } = await postQuery(stack.url, WALK, { id }, { 'x-auth-token': token });
    expect(status).toBe(200);
    const body = JSON.parse(text);
    expect(body.errors).toBeUndefined();
    expect(body.data.server.name).toBe('lb-01');
    const calls = stack.calls();
    expect(calls.map((call) => call.route).sort()).toEqual(['hss.ports', 'nova.interfaces', 'nova.server']);
    for (const call of calls) expect(call.credential === token, call.route).toBe(true);
  });

  it('refuses a token over 100,000 characters rather than serving the request with the configured credentials', async () => {
    stack = await startStack();
    const { status, text } = await postQuery(stack.url, WALK, { id: 'x' }, { 'x-auth-token': tokenOf(100_001) });
    expect(status).toBe(400);
    expect(JSON.parse(text).errors[0]).toMatchObject({ message: expect.stringMatching(/X-Auth-Token is longer than 100000/), extensions: { code: 'BAD_USER_INPUT' } });
    expect(stack.calls()).toEqual([]);
  });

  it('answers 431 to headers over 128 KiB, without an upstream call', async () => {
    stack = await startStack();
    const { status } = await postQuery(stack.url, WALK, { id: 'x' }, { 'x-auth-token': tokenOf(140_000) });
    expect(status).toBe(431);
    expect(stack.calls()).toEqual([]);
  });
});

describe('slow clients', () => {
  it('keeps answering while 200 connections trickle headers, and closes them once the header timeout passes', async () => {
    stack = await startStack({ http: { headersTimeoutMs: 1000, requestTimeoutMs: 2000, connectionsCheckingIntervalMs: 100 } });
    const sockets: Socket[] = await Promise.all(Array.from({ length: 200 }, () => openSocket(stack!.origin)));
    const answers = sockets.map(
      (socket) =>
        new Promise<string>((resolve) => {
          let received = '';
          socket.setEncoding('latin1');
          socket.on('data', (chunk: string) => (received += chunk));
          socket.on('error', () => undefined);
          socket.once('close', () => resolve(received));
          socket.write('POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
        }),
    );

    const id = stack.sim.fleet.special.multiInterfaceServerId;
    const { status, text } = await postQuery(stack.url, WALK, { id });
    expect(status).toBe(200);
    expect(JSON.parse(text).data.server.name).toBe('lb-01');

    const closed = await Promise.all(answers);
    expect(closed.filter((received) => received.startsWith('HTTP/1.1 408 '))).toHaveLength(200);
  });

  it('holds at most maxConnections connections, and serves again once one goes', async () => {
    stack = await startStack({ http: { maxConnections: 2 } });
    const held = await Promise.all([openSocket(stack.origin), openSocket(stack.origin)]);
    const refused = await postQuery(stack.url, '{ __typename }').then(
      () => 'answered',
      () => 'refused',
    );
    expect(refused).toBe('refused');
    for (const socket of held) socket.destroy();
    await Promise.all(held.map((socket) => new Promise((resolve) => (socket.closed ? resolve(undefined) : socket.once('close', resolve)))));
    // The server learns of the close a moment after the client; a refused attempt is retried.
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
      status = await postQuery(stack.url, '{ __typename }').then(
        (answer) => answer.status,
        () => new Promise<number>((resolve) => setTimeout(() => resolve(0), 20)),
      );
    }
    expect(status).toBe(200);
  });
});
