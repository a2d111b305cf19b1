import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import type { Authenticator, OutgoingRequest } from './auth.js';
import { describeError, errorParsers, looksLikeHtml, parseJson, secondsToMs } from './error-envelopes.js';
import { UpstreamError } from './errors.js';
import type { SourceName, UpstreamErrorCode } from './errors.js';

export interface HttpOptions {
  /** Per attempt, from the first byte sent to the last byte of the body. */
  timeoutMs: number;
  /** Calls in flight towards one upstream; the rest wait in FIFO order. Default 32. */
  maxConcurrentPerSource?: number;
  /** Default 64 MiB. */
  maxResponseBytes?: number;
  /** Replaces the built-in keep-alive Agent (tests pass an undici `MockAgent`); not closed by `close()`. */
  dispatcher?: Dispatcher;
}

export interface HttpRequest {
  url: URL;
  /** Undefined: send no credential. */
  auth: Authenticator | undefined;
  /** The caller giving up; rejects with the signal's reason, not an `UpstreamError`. */
  signal?: AbortSignal | undefined;
}

export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

export interface HttpResponse {
  status: number;
  headers: ResponseHeaders;
  json: unknown;
}

/** The one request path of every source: built once at start-up, shared by all clients. */
export interface Http {
  /** Resolves with a 2xx JSON body; rejects with an `UpstreamError` for everything else. */
  getJson(source: SourceName, request: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

const DEFAULT_MAX_CONCURRENT = 32;
const SOURCE_COUNT = 4;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** Enough of an error body to read its message; the rest is dropped. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

interface Attempt {
  dispatcher: Dispatcher;
  timeoutMs: number;
  maxResponseBytes: number;
}

export function createHttp(options: HttpOptions): Http {
  const maxConcurrent = options.maxConcurrentPerSource ?? DEFAULT_MAX_CONCURRENT;
  // The semaphores do the bounding; the pool only has to hold them all, even when every source
  // shares one origin (the embedded simulated cloud).
  const dispatcher = options.dispatcher ?? keepAliveAgent(options.timeoutMs, maxConcurrent * SOURCE_COUNT);
  const config: Attempt = {
    dispatcher,
    timeoutMs: options.timeoutMs,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
  };
  const semaphores = new Map<SourceName, Semaphore>();
  const semaphoreOf = (source: SourceName): Semaphore => {
    let semaphore = semaphores.get(source);
    if (!semaphore) semaphores.set(source, (semaphore = new Semaphore(maxConcurrent)));
    return semaphore;
  };

  return {
    async getJson(source, request) {
      const release = await semaphoreOf(source).acquire(request.signal);
      try {
        // A retry loop (later) wraps this one attempt, inside the permit.
        return await attempt(config, source, request);
      } finally {
        release();
      }
    },
    async close() {
      if (dispatcher !== options.dispatcher) await dispatcher.close();
    },
  };
}

function keepAliveAgent(timeoutMs: number, connections: number): Agent {
  return new Agent({
    connections,
    pipelining: 1,
    keepAliveTimeout: 10_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { timeout: timeoutMs },
  });
}

async function attempt(config: Attempt, source: SourceName, request: HttpRequest): Promise<HttpResponse> {
  const outgoing: OutgoingRequest = {
    method: 'GET',
    url: request.url,
    headers: { Accept: 'application/json', 'User-Agent': 'portgraph' },
  };
  await authorize(source, request.auth, outgoing);
  const secrets = secretsOf(outgoing.headers);
  const deadline = new Deadline(config.timeoutMs, request.signal);
  let response: Dispatcher.ResponseData | undefined;
  try {
    response = await config.dispatcher.request({
      origin: outgoing.url.origin,
      path: outgoing.url.pathname + outgoing.url.search,
      method: 'GET',
      headers: outgoing.headers,
      signal: deadline.signal,
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.timeoutMs,
    });
    const { statusCode: status, headers } = response;
    if (status < 200 || status > 299) {
      const { text } = await readBody(response.body, MAX_ERROR_BODY_BYTES);
      throw errorResponse(source, status, headers, text, { secrets, requestPath: outgoing.url.pathname });
    }
    const { text, overflow } = await readBody(response.body, config.maxResponseBytes);
    if (overflow) throw badResponse(source, status, `a body larger than ${config.maxResponseBytes} bytes`);
    return { status, headers, json: parseSuccessBody(source, status, text) };
  } catch (error) {
    response?.body.destroy();
    throw transportError(source, error, deadline, request.signal);
  } finally {
    deadline.clear();
  }
}

async function authorize(source: SourceName, auth: Authenticator | undefined, req: OutgoingRequest) {
  if (!auth) return;
  try {
    await auth.authorize(req);
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    throw new UpstreamError({
      source,
      code: 'UNAUTHENTICATED',
      message: `Could not obtain a credential for ${source}`,
      retryable: false,
      cause: error,
    });
  }
}

/** Every header the authenticator set, and the token inside `Authorization: <scheme> <token>`. */
function secretsOf(headers: Record<string, string>): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name === 'Accept' || name === 'User-Agent') continue;
    secrets.push(value);
    const token = /^\S+\s+(\S{8,})/.exec(value)?.[1];
    if (token !== undefined) secrets.push(token);
  }
  return secrets.sort((a, b) => b.length - a.length);
}

/** Reads at most `limit` bytes as text; past that the rest is never read and `overflow` is set. */
async function readBody(
  body: Dispatcher.ResponseData['body'],
  limit: number,
): Promise<{ text: string; overflow: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      chunks.push(chunk.subarray(0, chunk.length - (size - limit)));
      body.destroy();
      return { text: Buffer.concat(chunks).toString('utf8'), overflow: true };
    }
    chunks.push(chunk);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), overflow: false };
}

function parseSuccessBody(source: SourceName, status: number, body: string): unknown {
  if (body.trim() === '') throw badResponse(source, status, 'an empty body');
  const json = parseJson(body);
  if (json === undefined) {
    throw badResponse(source, status, looksLikeHtml(body) ? 'an HTML page instead of JSON' : 'a body that is not JSON');
  }
  return json;
}

function badResponse(source: SourceName, status: number, what: string): UpstreamError {
  return new UpstreamError({
    source,
    code: 'UPSTREAM_BAD_RESPONSE',
    status,
    message: `${source} answered ${status} with ${what}`,
    retryable: false,
  });
}

function errorResponse(
  source: SourceName,
  status: number,
  headers: ResponseHeaders,
  body: string,
  redactions: { secrets: string[]; requestPath: string },
): UpstreamError {
  const parsed = errorParsers[source](status, body);
  return new UpstreamError({
    source,
    code: parsed.code,
    status,
    upstreamCode: parsed.upstreamCode,
    message: describeError(source, status, parsed, redactions),
    retryable: parsed.retryable,
    retryAfterMs: parsed.retryAfterMs ?? secondsToMs(headerValue(headers, 'retry-after')),
  });
}

function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);
/** Failures a second attempt cannot fix: our own misuse, a closed pool, an unmatched mock. */
const PERMANENT_CODES = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_DESTROYED',
  'UND_ERR_CLOSED',
  'UND_MOCK_ERR_MOCK_NOT_MATCHED',
]);
const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was reset',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
  ENOTFOUND: 'the host name did not resolve',
  EAI_AGAIN: 'the host name did not resolve',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'the body did not match its Content-Length',
};

function transportError(source: SourceName, error: unknown, deadline: Deadline, callerSignal?: AbortSignal): unknown {
  if (error instanceof UpstreamError) return error;
  if (callerSignal?.aborted) return callerSignal.reason;
  const code = errorCode(error);
  if (deadline.expired || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return transport(source, 'UPSTREAM_TIMEOUT', `${source} did not answer within ${deadline.timeoutMs} ms`, true, error);
  }
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    return transport(source, 'UPSTREAM_BAD_RESPONSE', `${source} answered with a body that was too large`, false, error);
  }
  const reason = (code !== undefined && REASONS[code]) || 'a network error';
  const retryable = code === undefined || !PERMANENT_CODES.has(code);
  return transport(source, 'UPSTREAM_UNAVAILABLE', `${source} could not be reached: ${reason}`, retryable, error);
}

function transport(
  source: SourceName,
  code: UpstreamErrorCode,
  message: string,
  retryable: boolean,
  cause: unknown,
): UpstreamError {
  return new UpstreamError({ source, code, message, retryable, cause });
}

/** `code` of the error, of its cause, or of the first of an AggregateError (happy eyeballs). */
function errorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 3) return undefined;
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  const nested = (error as { errors?: unknown }).errors;
  if (Array.isArray(nested) && nested.length > 0) return errorCode(nested[0], depth + 1);
  return errorCode((error as { cause?: unknown }).cause, depth + 1);
}

/** The per-attempt timer, linked to the caller's signal; `expired` tells our timeout from theirs. */
class Deadline {
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  expired = false;
  readonly #timer: NodeJS.Timeout;
  readonly #unlink: () => void;

  constructor(timeoutMs: number, callerSignal: AbortSignal | undefined) {
    const controller = new AbortController();
    this.timeoutMs = timeoutMs;
    this.signal = controller.signal;
    this.#timer = setTimeout(() => {
      this.expired = true;
      controller.abort(new Error('upstream timeout'));
    }, timeoutMs);
    const onCallerAbort = () => controller.abort(callerSignal?.reason);
    if (callerSignal?.aborted) onCallerAbort();
    else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    this.#unlink = () => callerSignal?.removeEventListener('abort', onCallerAbort);
  }

  clear(): void {
    clearTimeout(this.#timer);
    this.#unlink();
  }
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('aborted');
}

/** FIFO permits; a waiter whose caller gives up leaves the queue. */
class Semaphore {
  #free: number;
  readonly #waiters: Array<() => void> = [];

  constructor(size: number) {
    this.#free = size;
  }

  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(this.#releaser());
      };
      const onAbort = () => {
        const index = this.#waiters.indexOf(grant);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(abortReason(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(grant);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next) next();
      else this.#free++;
    };
  }
}

/**
 * `base` + `template` with `{name}` replaced by its encoded param. Each param stays one literal
 * segment: `encodeURIComponent` handles `/ ? #`, and a param of `.` or `..` is encoded twice, since
 * WHATWG URL treats `%2E` and `%2E%2E` as dot segments and would remove them.
 */
export function buildUrl(
  base: string,
  template: string,
  params: Record<string, string>,
  query?: Record<string, string | number | boolean | undefined>,
): URL {
  const url = new URL(base);
  const prefix = url.pathname.replace(/\/+$/, '');
  const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeSegment(name, params[name]));
  url.pathname = prefix + (path.startsWith('/') ? path : `/${path}`);
  url.hash = '';
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined) search.append(name, String(value));
  }
  url.search = search.toString();
  return url;
}

function encodeSegment(name: string, value: string | undefined): string {
  if (value === undefined) throw new TypeError(`buildUrl: no value for path parameter {${name}}`);
  if (value === '') throw new TypeError(`buildUrl: path parameter {${name}} is empty`);
  if (value === '.' || value === '..') return value.replace(/\./g, '%252E');
  return encodeURIComponent(value);
}
