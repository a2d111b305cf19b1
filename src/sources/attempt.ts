import type { Dispatcher } from 'undici';
import type { Authenticator, OutgoingRequest } from './auth.js';
import { describeError, errorParsers, looksLikeHtml, parseJson, secondsToMs } from './error-envelopes.js';
import { UpstreamError } from './errors.js';
import type { SourceName, UpstreamErrorCode } from './errors.js';
import type { HttpResponse, ResponseHeaders } from './http.js';

/** What every attempt of every call shares. */
export interface AttemptSettings {
  dispatcher: Dispatcher;
  maxResponseBytes: number;
}

export interface AttemptInput {
  source: SourceName;
  url: URL;
  auth: Authenticator | undefined;
  /** From the first byte sent to the last byte of the body. */
  timeoutMs: number;
  /** The caller giving up: the attempt rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

export type AttemptResult =
  | {
      ok: true;
      response: HttpResponse;
      /** The length of the body as read, before parsing. */
      bytes: number;
    }
  | {
      ok: false;
      error: UpstreamError;
      /** The request as sent, signed; undefined when nothing was sent (no credential could be had). */
      sent: OutgoingRequest | undefined;
    };

/** Enough of an error body to read its message; the rest is dropped. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** One GET: authorize, send, read, and map whatever went wrong to an `UpstreamError`. */
export async function attempt(settings: AttemptSettings, input: AttemptInput): Promise<AttemptResult> {
  const { source, timeoutMs, signal } = input;
  const outgoing: OutgoingRequest = {
    method: 'GET',
    url: input.url,
    headers: { Accept: 'application/json', 'User-Agent': 'portgraph' },
  };
  const refusal = await authorize(source, input.auth, outgoing);
  if (refusal) return { ok: false, error: refusal, sent: undefined };
  const secrets = secretsOf(outgoing.headers);
  const timer = new AttemptTimer(timeoutMs, signal);
  let response: Dispatcher.ResponseData | undefined;
  try {
    response = await settings.dispatcher.request({
      origin: outgoing.url.origin,
      path: outgoing.url.pathname + outgoing.url.search,
      method: 'GET',
      headers: outgoing.headers,
      signal: timer.signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const { statusCode: status, headers } = response;
    if (status < 200 || status > 299) {
      const { text } = await readBody(response.body, MAX_ERROR_BODY_BYTES);
      const error = errorResponse(source, status, headers, text, { secrets, requestPath: outgoing.url.pathname });
      return { ok: false, error, sent: outgoing };
    }
    const { text, overflow, bytes } = await readBody(response.body, settings.maxResponseBytes);
    if (overflow) throw badResponse(source, status, `a body larger than ${settings.maxResponseBytes} bytes`);
    return { ok: true, response: { status, headers, json: parseSuccessBody(source, status, text) }, bytes };
  } catch (error) {
    response?.body.destroy();
    if (signal?.aborted) throw signal.reason;
    return { ok: false, error: transportError(source, error, timer), sent: outgoing };
  } finally {
    timer.clear();
  }
}

/** Undefined when the request now carries its credential; else why it could not get one. */
async function authorize(
  source: SourceName,
  auth: Authenticator | undefined,
  req: OutgoingRequest,
): Promise<UpstreamError | undefined> {
  if (!auth) return undefined;
  try {
    await auth.authorize(req);
    return undefined;
  } catch (error) {
    if (error instanceof UpstreamError) return error.forSource(source);
    return new UpstreamError({
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
): Promise<{ text: string; overflow: boolean; bytes: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      chunks.push(chunk.subarray(0, chunk.length - (size - limit)));
      body.destroy();
      return { text: Buffer.concat(chunks).toString('utf8'), overflow: true, bytes: limit };
    }
    chunks.push(chunk);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), overflow: false, bytes: size };
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

function transportError(source: SourceName, error: unknown, timer: AttemptTimer): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const code = errorCode(error);
  if (timer.expired || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return transport(source, 'UPSTREAM_TIMEOUT', `${source} did not answer within ${timer.timeoutMs} ms`, true, error);
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
export function errorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 3) return undefined;
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  const nested = (error as { errors?: unknown }).errors;
  if (Array.isArray(nested) && nested.length > 0) return errorCode(nested[0], depth + 1);
  return errorCode((error as { cause?: unknown }).cause, depth + 1);
}

/** The per-attempt timer, linked to the caller's signal; `expired` tells our timeout from theirs. */
class AttemptTimer {
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
