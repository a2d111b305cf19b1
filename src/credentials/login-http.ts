import { getGlobalDispatcher, request } from 'undici';
import type { Dispatcher } from 'undici';
import { redact } from '../redaction.js';
import { UpstreamError } from '../sources/errors.js';
import type { SourceName, UpstreamErrorCode } from '../sources/errors.js';
import { errorCode } from '../sources/attempt.js';

/** Enough for a Keystone answer with a large catalog; a login answer past this is not one. */
const MAX_LOGIN_BODY_BYTES = 8 * 1024 * 1024;
const MAX_UPSTREAM_MESSAGE_CHARS = 200;

export interface LoginCall {
  source: SourceName;
  /** Names the service in messages: `login at ${service} failed: …`. */
  service: string;
  url: string;
  method: 'POST' | 'PUT';
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  dispatcher: Dispatcher | undefined;
  /** Strings that must never appear in an error message (the password, its hash). */
  secrets: readonly string[];
}

export interface LoginAnswer {
  status: number;
  headers: Dispatcher.ResponseData['headers'];
  text: string;
}

/** Sends one login request; any answer comes back, a transport failure becomes an `UpstreamError`. */
export async function sendLogin(call: LoginCall): Promise<LoginAnswer> {
  const signal = AbortSignal.timeout(call.timeoutMs);
  let response: Dispatcher.ResponseData | undefined;
  try {
    response = await request(call.url, {
      dispatcher: call.dispatcher ?? getGlobalDispatcher(),
      method: call.method,
      headers: call.headers,
      body: call.body,
      signal,
      headersTimeout: call.timeoutMs,
      bodyTimeout: call.timeoutMs,
    });
    const text = await readText(response.body);
    return { status: response.statusCode, headers: response.headers, text };
  } catch (error) {
    response?.body.destroy();
    if (error instanceof UpstreamError) throw error;
    throw transportError(call, error, signal.aborted);
  }
}

async function readText(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_LOGIN_BODY_BYTES) {
      body.destroy();
      throw new TooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

class TooLarge extends Error {}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

function transportError(call: LoginCall, error: unknown, timedOut: boolean): UpstreamError {
  if (error instanceof TooLarge) {
    return loginError(call, 'UPSTREAM_BAD_RESPONSE', `an answer larger than ${MAX_LOGIN_BODY_BYTES} bytes`, {
      retryable: false,
    });
  }
  const code = errorCode(error);
  if (timedOut || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return loginError(call, 'UPSTREAM_TIMEOUT', `no answer within ${call.timeoutMs} ms`, { retryable: true, cause: error });
  }
  const reason = code === undefined ? 'it could not be reached' : `it could not be reached (${code})`;
  return loginError(call, 'UPSTREAM_UNAVAILABLE', reason, { retryable: true, cause: error });
}

export function loginError(
  call: Pick<LoginCall, 'source' | 'service' | 'secrets'>,
  code: UpstreamErrorCode,
  detail: string,
  extra: { status?: number; upstreamCode?: string | undefined; retryable: boolean; cause?: unknown },
): UpstreamError {
  return new UpstreamError({
    source: call.source,
    code,
    status: extra.status,
    upstreamCode: extra.upstreamCode,
    message: `login at ${call.service} failed: ${redact(detail, call.secrets)}`,
    retryable: extra.retryable,
    cause: extra.cause,
  });
}

/** The code for a login answered with an HTTP error status that is not a documented envelope. */
export function codeForStatus(status: number): { code: UpstreamErrorCode; retryable: boolean } {
  if (status === 401) return { code: 'UNAUTHENTICATED', retryable: false };
  if (status === 403) return { code: 'FORBIDDEN', retryable: false };
  if (status === 429) return { code: 'RATE_LIMITED', retryable: true };
  if (status >= 500) return { code: 'UPSTREAM_UNAVAILABLE', retryable: true };
  // 400, 404, 405…: the login request itself is wrong for this endpoint (a misconfigured URL).
  return { code: 'UPSTREAM_BAD_RESPONSE', retryable: false };
}

/** The upstream's own words, one line, short, and without anything secret it may have echoed. */
export function upstreamMessage(text: string | undefined, secrets: readonly string[]): string | undefined {
  if (text === undefined) return undefined;
  const line = redact(text, secrets).replace(/\s+/g, ' ').trim();
  if (line === '') return undefined;
  return line.length > MAX_UPSTREAM_MESSAGE_CHARS ? `${line.slice(0, MAX_UPSTREAM_MESSAGE_CHARS)}…` : line;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function headerValue(headers: LoginAnswer['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
