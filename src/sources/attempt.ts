import type { Dispatcher } from 'undici';
import type { Authenticator, OutgoingRequest } from './auth.js';
import { describeError, errorParsers, looksLikeHtml, parseJson, secondsToMs } from './error-envelopes.js';
import { UpstreamError } from './errors.js';
import type { SourceName, UpstreamErrorCode } from './errors.js';
import type { CallOwner, HttpResponse, ResponseHeaders } from './http.js';
import type { Cancellation, Stoppable } from './cancellation.js';

/** What every attempt of every call shares. */
export interface AttemptSettings {
  dispatcher: Dispatcher;
  maxResponseBytes: number;
  /** The configured secrets, never to appear in an error message even when an upstream echoes them. */
  secrets: readonly string[];
}

export interface AttemptInput {
  source: SourceName;
  url: URL;
  auth: Authenticator | undefined;
  /** From the first byte sent to the last byte of the body. */
  timeoutMs: number;
  /** The caller giving up: the attempt rejects with its reason. */
  cancellation?: Cancellation | undefined;
  /** Charged once the request is ready to go; a refusal rejects the attempt with the owner's abort reason. */
  owner?: CallOwner | undefined;
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

/** What an attempt throws when its caller gives up after it was sent; `reason` is the cancellation's. */
export class SentAndAborted extends Error {
  constructor(readonly reason: unknown) {
    super('sent, then aborted by its caller');
  }
}

/** Enough of an error body to read its message; the rest is dropped. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** One GET: authorize, send, read, and map whatever went wrong to an `UpstreamError`. */
export async function attempt(settings: AttemptSettings, input: AttemptInput): Promise<AttemptResult> {
  const { source, timeoutMs, cancellation } = input;
  const outgoing: OutgoingRequest = {
    method: 'GET',
    url: input.url,
    headers: { Accept: 'application/json', 'User-Agent': 'portgraph' },
  };
  const refusal = await authorize(source, input.auth, outgoing);
  if (refusal) return { ok: false, error: refusal, sent: undefined };
  if (input.owner !== undefined && !input.owner.charge(source)) throw input.owner.cancellation.reason ?? new Error('the request may make no more calls');
  const exchange = new Exchange(timeoutMs, settings.maxResponseBytes, cancellation);
  let reply: Reply;
  try {
    reply = await exchange.send(settings.dispatcher, outgoing);
  } catch (error) {
    if (cancellation?.reason !== undefined) throw new SentAndAborted(cancellation.reason);
    return { ok: false, error: transportError(source, error, exchange), sent: outgoing };
  }
  const { status, headers, text, bytes, overflow } = reply;
  if (status < 200 || status > 299) {
    const redactions = { secrets: [...settings.secrets, ...secretsOf(outgoing.headers)], requestPath: outgoing.url.pathname };
    return { ok: false, error: errorResponse(source, status, headers, text, redactions), sent: outgoing };
  }
  if (overflow) {
    return { ok: false, error: badResponse(source, status, `a body larger than ${settings.maxResponseBytes} bytes`), sent: outgoing };
  }
  try {
    return { ok: true, response: { status, headers, json: parseSuccessBody(source, status, text) }, bytes };
  } catch (error) {
    // parseSuccessBody says what is wrong with the body as an UpstreamError.
    return { ok: false, error: transportError(source, error, exchange), sent: outgoing };
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

/** Headers that carry a credential: a token, a session, a signature or a security token. */
const CREDENTIAL_HEADERS = new Set(['x-auth-token', 'authorization', 'x-security-token']);

/** The credentials the request carried, and the token inside `Authorization: <scheme> <token>`. */
function secretsOf(headers: Record<string, string>): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!CREDENTIAL_HEADERS.has(name.toLowerCase())) continue;
    secrets.push(value);
    const token = /^\S+\s+(\S{8,})/.exec(value)?.[1];
    if (token !== undefined) secrets.push(token);
  }
  return secrets;
}

function parseSuccessBody(source: SourceName, status: number, body: string): unknown {
  const json = parseJson(body);
  if (json !== undefined) return json;
  if (body.trim() === '') throw badResponse(source, status, 'an empty body');
  throw badResponse(source, status, looksLikeHtml(body) ? 'an HTML page instead of JSON' : 'a body that is not JSON');
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

function transportError(source: SourceName, error: unknown, timer: Exchange): UpstreamError {
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

/** A whole answer: status, headers and the body as text, cut at the byte limit. */
interface Reply {
  status: number;
  headers: ResponseHeaders;
  text: string;
  /** Body bytes read: all of them, or the limit when `overflow`. */
  bytes: number;
  /** The body went past the limit; the rest was never read. */
  overflow: boolean;
}

/**
 * One request and its answer through undici's dispatch handler interface: the body is collected
 * as it arrives, with no stream in between, and one timer bounds the attempt from the first byte
 * sent to the last byte read. `expired` tells our timeout from the caller's abort.
 */
class Exchange implements Dispatcher.DispatchHandler, Stoppable {
  readonly timeoutMs: number;
  expired = false;
  readonly #maxBytes: number;
  readonly #cancellation: Cancellation | undefined;
  #controller: Dispatcher.DispatchController | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped: Error | undefined;
  #settled = false;
  #resolve!: (reply: Reply) => void;
  #reject!: (error: unknown) => void;
  #status = 0;
  #headers: ResponseHeaders = {};
  #limit = 0;
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(timeoutMs: number, maxBytes: number, cancellation: Cancellation | undefined) {
    this.timeoutMs = timeoutMs;
    this.#maxBytes = maxBytes;
    this.#cancellation = cancellation;
  }

  send(dispatcher: Dispatcher, outgoing: OutgoingRequest): Promise<Reply> {
    const answer = new Promise<Reply>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    const given = this.#cancellation?.reason;
    if (given !== undefined) {
      this.#fail(given);
      return answer;
    }
    this.#cancellation?.watch(this);
    this.#timer = setTimeout(Exchange.#expire, this.timeoutMs, this);
    try {
      dispatcher.dispatch(
        {
          origin: outgoing.url.origin,
          path: outgoing.url.pathname + outgoing.url.search,
          method: 'GET',
          headers: outgoing.headers,
          // The attempt's own timer bounds it all. undici's timers (0 turns them off) would add
          // two per request, which its timer wheel keeps for up to a second after the answer.
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        this,
      );
    } catch (error) {
      this.#fail(error);
    }
    return answer;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#stopped !== undefined) controller.abort(this.#stopped);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, status: number, headers: ResponseHeaders): void {
    this.#status = status;
    this.#headers = headers;
    this.#limit = status >= 200 && status <= 299 ? this.#maxBytes : MAX_ERROR_BODY_BYTES;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    const room = this.#limit - this.#size;
    if (chunk.length <= room) {
      this.#chunks.push(chunk);
      this.#size += chunk.length;
      return;
    }
    this.#chunks.push(chunk.subarray(0, room));
    this.#size = this.#limit;
    this.#finish(true);
    this.#stop(controller, new Error('body past the limit'));
  }

  onResponseEnd(): void {
    this.#finish(false);
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.#fail(error);
  }

  // The timer takes the exchange itself, not a closure made for each one; the caller's cancellation calls `stop`.

  static #expire(exchange: Exchange): void {
    exchange.expired = true;
    const error = new Error('upstream timeout');
    exchange.#fail(error);
    exchange.#stop(exchange.#controller, error);
  }

  /** The caller gave up. */
  stop(reason: Error): void {
    this.#fail(reason);
    this.#stop(this.#controller, reason);
  }

  /** Aborts the request now, or as soon as undici hands over its controller. */
  #stop(controller: Dispatcher.DispatchController | undefined, reason: Error): void {
    this.#stopped ??= reason;
    if (controller !== undefined && !controller.aborted) controller.abort(reason);
  }

  #finish(overflow: boolean): void {
    if (!this.#settle()) return;
    const body = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks, this.#size);
    this.#chunks = [];
    const text = body === undefined ? '' : body.toString('utf8');
    this.#resolve({ status: this.#status, headers: this.#headers, text, bytes: this.#size, overflow });
  }

  #fail(error: unknown): void {
    if (this.#settle()) this.#reject(error);
  }

  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.#cancellation?.unwatch(this);
    return true;
  }
}
