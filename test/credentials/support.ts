import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { Authenticator, OutgoingRequest } from '../../src/sources/auth.js';
import { UpstreamError } from '../../src/sources/errors.js';
import type { UpstreamErrorInit } from '../../src/sources/errors.js';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the test server does with one request; it may answer late, or never. */
export type Handler = (req: Received, res: ServerResponse) => void | Promise<void>;

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  received: Received[];
  /** Swaps what the server does from now on. */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

/** A tiny upstream on 127.0.0.1:0 that records every request it reads. */
export async function startServer(handler: Handler): Promise<TestServer> {
  let current = handler;
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(entry);
      void Promise.resolve(current(entry, res)).catch((error: unknown) => {
        res.statusCode = 599;
        res.end(String(error));
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    handle: (next) => {
      current = next;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh request the way `http.ts` builds one. */
export function outgoing(url = 'http://upstream.test/x'): OutgoingRequest {
  return { method: 'GET', url: new URL(url), headers: { Accept: 'application/json', 'User-Agent': 'portgraph' } };
}

/** Awaits a rejection and checks it is an `UpstreamError` with these fields. */
export async function rejectsWith(promise: Promise<unknown>, fields: Partial<UpstreamErrorInit>): Promise<UpstreamError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  expect(error).toMatchObject(fields);
  return error as UpstreamError;
}

/** A clock the test moves by hand, in epoch ms. */
export function clock(start = Date.parse('2026-03-01T12:00:00Z')) {
  let now = start;
  return {
    now: () => now,
    set: (ms: number) => {
      now = ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** `auth.refresh(failed)`, failing the test when the authenticator has none. */
export function refreshOf(auth: Authenticator, failed: OutgoingRequest): Promise<boolean> {
  if (!auth.refresh) throw new Error(`${auth.id} has no refresh`);
  return auth.refresh(failed);
}
