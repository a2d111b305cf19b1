import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockAgent } from 'undici';
import type { Interceptable } from 'undici';
import { expect } from 'vitest';
import { headerAuth } from '../../src/sources/auth.js';
import type { Authenticator } from '../../src/sources/auth.js';
import type { Clock } from '../../src/sources/clock.js';
import { UpstreamError } from '../../src/sources/errors.js';
import type { UpstreamErrorInit } from '../../src/sources/errors.js';
import { createHttp } from '../../src/sources/http.js';
import type { Http, HttpOptions } from '../../src/sources/http.js';

export const TOKEN = 'gAAAAABsecret-token-0123456789abcdef';
export const SESSION = '5d77893e242d39ec8b9856a7b8762eab';
export const PROJECT = 'p-7f3a';
export const tokenAuth: Authenticator = headerAuth('token:test', 'X-Auth-Token', TOKEN);
export const sessionAuth: Authenticator = headerAuth('zstack:test', 'Authorization', `OAuth ${SESSION}`);

export const ORIGIN = 'http://upstream.test';

/** For tests of how one answer is mapped: no retry asks the mock for a second. */
export const ONE_ATTEMPT = { retry: { maxAttempts: 1 } } satisfies Partial<HttpOptions>;

export interface Mocked {
  agent: MockAgent;
  pool: Interceptable;
  http: Http;
  /** Every request that reached the mock, in order. */
  calls(): { path: string; fullUrl: string; searchParams: Record<string, string>; headers: Record<string, string> }[];
}

/** An `Http` over an undici MockAgent that refuses any request it was not told about. */
export function mocked(options: Partial<HttpOptions> = {}): Mocked {
  const agent = new MockAgent({ enableCallHistory: true });
  agent.disableNetConnect();
  const http = createHttp({ timeoutMs: 2000, ...options, dispatcher: agent });
  return {
    agent,
    pool: agent.get(ORIGIN),
    http,
    calls: () =>
      (agent.getCallHistory()?.calls() ?? []).map((log) => ({
        path: log.path,
        fullUrl: log.fullUrl,
        searchParams: log.searchParams,
        headers: Object.fromEntries(
          Object.entries(log.headers ?? {}).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v]),
        ),
      })),
  };
}

export const json = { 'content-type': 'application/json' };

/** Any GET under `prefix`: the test asserts the exact path from the call history. */
export const under = (prefix: string) => ({ path: (p: string) => p.startsWith(prefix), method: 'GET' });

/** Awaits a rejection and checks it is an `UpstreamError` with these fields. */
export async function rejectsWith(promise: Promise<unknown>, fields: Partial<UpstreamErrorInit>): Promise<UpstreamError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  const upstream = error as UpstreamError;
  expect({
    source: upstream.source,
    code: upstream.code,
    status: upstream.status,
    upstreamCode: upstream.upstreamCode,
    retryable: upstream.retryable,
    message: upstream.message,
  }).toMatchObject(fields);
  expect(upstream.message).not.toContain(TOKEN);
  expect(upstream.message).not.toContain(SESSION);
  return upstream;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A real HTTP server on 127.0.0.1, for timeouts, resets and broken bodies. */
export async function serve(handler: Handler): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A port that was open a moment ago and is now closed: connecting is refused. */
export async function closedPort(): Promise<string> {
  const { url, close } = await serve(() => undefined);
  await close();
  return url;
}

export interface FakeClock extends Clock {
  /** Moves time on without waiting. */
  advance(ms: number): void;
  /** Every wait asked for, in order; each moved the clock on at once. */
  sleeps: number[];
}

/** A clock whose waits take no real time. */
export function fakeClock(start = Date.UTC(2025, 0, 1)): FakeClock {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep(ms) {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
    advance(ms) {
      now += ms;
    },
    sleeps,
  };
}
