import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { isLoopbackHost } from './config.js';
import { readBody } from './request-body.js';
import type { Portgraph } from './server.js';

/** The HTTP edge in front of Yoga: limits, the Host check, the operations endpoints and draining. */
export interface HttpServerOptions {
  /** The address the server listens on (`HOST`). On loopback, only requests for a loopback name are answered. */
  host: string;
  maxBodyBytes?: number;
  /** All request headers together; callers' Huawei tokens run to 100 KB. */
  maxHeaderBytes?: number;
  /** From a request's first byte to the end of its headers. */
  headersTimeoutMs?: number;
  /** From a request's first byte to the end of its body. */
  requestTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  /** How often Node looks for requests past those two timeouts; its default of 30 s would let them run long. */
  connectionsCheckingIntervalMs?: number;
  maxConnections?: number;
}

export const HTTP_DEFAULTS = {
  maxBodyBytes: 1024 * 1024,
  maxHeaderBytes: 128 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  connectionsCheckingIntervalMs: 1_000,
  maxConnections: 512,
} satisfies Required<Omit<HttpServerOptions, 'host'>>;

export interface HttpEdge {
  server: Server;
  /** The request listener `server` runs, for a server of another's making (the bench's). */
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Stops taking GraphQL requests (503 `SHUTTING_DOWN`) and reports not ready, while the listener
   * keeps answering, so that a health checker sees it. Once the requests in flight have finished,
   * or `graceMs` has passed, closes the server and every connection. Resolves with the number of
   * requests that were cut off.
   */
  drain(graceMs: number): Promise<{ cutOff: number }>;
}

const OPERATIONS = new Set(['/healthz', '/readyz', '/metrics']);

export function createHttpServer(portgraph: Portgraph, options: HttpServerOptions): HttpEdge {
  const limits = { ...HTTP_DEFAULTS, ...options };
  const checkHost = isLoopbackHost(options.host);
  const endpoint = portgraph.yoga.graphqlEndpoint;
  // Every response not yet finished: what a drain waits for, and tells to close its connection.
  const active = new Set<ServerResponse>();
  let draining = false;
  let onIdle: (() => void) | undefined;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = pathOf(req.url);
    const started = performance.now();
    active.add(res);
    res.once('close', () => {
      active.delete(res);
      if (path === endpoint) {
        portgraph.metrics.recordRequest(res.writableFinished ? res.statusCode : 'aborted', (performance.now() - started) / 1000);
      }
      if (active.size === 0) onIdle?.();
    });
    if (draining) res.setHeader('connection', 'close');

    if (checkHost && !namesLoopback(req.headers.host)) {
      // Every path, not only GraphQL's: a rebound page must not read /metrics or /readyz either.
      json(res, 403, graphqlError('This server answers only requests addressed to a loopback name (localhost, 127.0.0.1, [::1])', 'FORBIDDEN'));
    } else if (OPERATIONS.has(path)) {
      answerOperation(req, res, path);
    } else if (draining) {
      json(res, 503, graphqlError('portgraph is shutting down; send the request again', 'SHUTTING_DOWN'));
    } else {
      admit(req, res, limits.maxBodyBytes, () => void portgraph.yoga(req, res));
    }
  };

  const answerOperation = (req: IncomingMessage, res: ServerResponse, path: string): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      plain(res, 405, 'Use GET.\n');
    } else if (path === '/healthz') {
      json(res, 200, { status: 'alive' });
    } else if (path === '/readyz') {
      json(res, draining ? 503 : 200, { status: draining ? 'draining' : 'ready', sources: portgraph.readiness() });
    } else {
      const { registry } = portgraph.metrics;
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
          res.end(text);
        },
        () => plain(res, 500, 'Metrics could not be collected.\n'),
      );
    }
  };

  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.connectionsCheckingIntervalMs,
    },
    handle,
  );
  server.maxConnections = limits.maxConnections;

  let drained: Promise<{ cutOff: number }> | undefined;
  const drain = (graceMs: number) =>
    (drained ??= new Promise((resolve) => {
      draining = true;
      for (const res of active) if (!res.headersSent) res.setHeader('connection', 'close');
      server.closeIdleConnections();
      const stop = () => {
        clearTimeout(grace);
        onIdle = undefined;
        const cutOff = active.size;
        server.close(() => resolve({ cutOff }));
        server.closeAllConnections();
      };
      const grace = setTimeout(stop, graceMs);
      if (active.size === 0) stop();
      else onIdle = stop;
    }));

  return { server, handle, drain };
}

/**
 * Hands the request to `next` when its body is within `maxBytes`; answers 413 otherwise, without
 * reading a body whose declared length is over the limit. A body with a Content-Length goes to
 * Yoga as it comes (Node's parser ends it at that length); a chunked body is read first, and
 * refused as soon as it passes the limit.
 */
function admit(req: IncomingMessage, res: ServerResponse, maxBytes: number, next: () => void): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    tooLarge(res, maxBytes);
    return;
  }
  if (req.headers['transfer-encoding'] === undefined) {
    next();
    return;
  }
  readBody(req, maxBytes).then(
    (body) => {
      if (body === undefined) {
        tooLarge(res, maxBytes);
        return;
      }
      // whatwg-node takes a body read in advance from `req.body` when `Object.keys(body)` is not
      // empty. A Buffer qualifies, but listing its keys makes a string per byte (about 100 ms for
      // 1 MiB); a one-chunk stream costs what reading the request itself would.
      (req as IncomingMessage & { body?: Readable }).body = Readable.from([body]);
      next();
    },
    () => res.destroy(),
  );
}

function tooLarge(res: ServerResponse, maxBytes: number): void {
  // The connection goes with the answer: the rest of the body is not worth reading.
  res.setHeader('connection', 'close');
  plain(res, 413, `Request bodies are limited to ${maxBytes} bytes.\n`);
}

/** The Host header names this machine: `localhost`, `*.localhost`, `127.x.x.x` or `[::1]`, with or without a port. */
function namesLoopback(host: string | undefined): boolean {
  const name = host === undefined ? undefined : /^(\[[^\]]*\]|[^:]*)(?::\d{1,5})?$/.exec(host)?.[1];
  return name !== undefined && isLoopbackHost(name);
}

function pathOf(url: string | undefined): string {
  const path = url ?? '/';
  const query = path.indexOf('?');
  return query < 0 ? path : path.slice(0, query);
}

function plain(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(message);
}

function graphqlError(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
