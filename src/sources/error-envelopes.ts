import { redact } from '../redaction.js';
import type { SourceName, UpstreamErrorCode } from './errors.js';

/** What one error response says, before it becomes an `UpstreamError`. */
export interface ParsedError {
  code: UpstreamErrorCode;
  retryable: boolean;
  /** The upstream's own code: `HSS.0001`, `APIGW.0308`, `itemNotFound`, `SYS.1003`, `Unauthorized`… */
  upstreamCode: string | undefined;
  /** The upstream's own words, raw: made safe only when the message is built. */
  upstreamMessage: string | undefined;
  /** The body was an HTML page: it says nothing a client can use. */
  html: boolean;
  retryAfterMs?: number | undefined;
}

/** Reads one family of error envelopes from a non-2xx answer. */
export type ErrorParser = (status: number, body: string) => ParsedError;

interface Classified {
  code: UpstreamErrorCode;
  retryable: boolean;
}

const MAX_MESSAGE_CHARS = 200;
const MAX_CODE_CHARS = 64;

export function classifyStatus(status: number): Classified {
  switch (status) {
    case 400:
      return { code: 'BAD_REQUEST', retryable: false };
    case 401:
      return { code: 'UNAUTHENTICATED', retryable: false };
    case 403:
      return { code: 'FORBIDDEN', retryable: false };
    case 404:
      return { code: 'NOT_FOUND', retryable: false };
    case 408:
      return { code: 'UPSTREAM_TIMEOUT', retryable: true };
    case 413:
    case 429:
      return { code: 'RATE_LIMITED', retryable: true };
    case 502:
    case 503:
    case 504:
      return { code: 'UPSTREAM_UNAVAILABLE', retryable: true };
  }
  if (status >= 400 && status < 500) return { code: 'BAD_REQUEST', retryable: false };
  if (status >= 500) return { code: 'UPSTREAM_UNAVAILABLE', retryable: false };
  return { code: 'UPSTREAM_BAD_RESPONSE', retryable: false };
}

// --- Huawei (ports API, HSS, APIG in front of both) -------------------------------------------

const APIG_CODES: Readonly<Record<string, Classified>> = {
  '0301': { code: 'UNAUTHENTICATED', retryable: false },
  '0307': { code: 'UNAUTHENTICATED', retryable: false },
  '0302': { code: 'FORBIDDEN', retryable: false },
  '0304': { code: 'FORBIDDEN', retryable: false },
  '0306': { code: 'FORBIDDEN', retryable: false },
  '0310': { code: 'FORBIDDEN', retryable: false },
  '0308': { code: 'RATE_LIMITED', retryable: true },
};

interface Envelope {
  code: string | undefined;
  message: string | undefined;
}

/**
 * `error_code`+`error_msg` (services and APIG), else `code`+`message` (VPC v1), else Keystone's
 * `{"error":{code,title,message}}`, else the first nested object holding one of those, like the
 * Huawei Go SDK does.
 */
export const parseHuaweiError: ErrorParser = (status, body) => {
  const json = parseJson(body);
  const envelope = json === undefined ? undefined : findHuaweiEnvelope(json, 0);
  if (!envelope) return fromText(status, body);
  const apig = envelope.code === undefined ? undefined : /^APIGW?\.(\d{4})$/.exec(envelope.code)?.[1];
  const classified = (apig === undefined ? undefined : APIG_CODES[apig]) ?? classifyStatus(status);
  return { ...classified, upstreamCode: envelope.code, upstreamMessage: envelope.message, html: false };
};

function findHuaweiEnvelope(value: unknown, depth: number): Envelope | undefined {
  if (!isRecord(value) || depth > 4) return undefined;
  if (typeof value.error_code === 'string') {
    return { code: value.error_code, message: firstString(value.error_msg, value.error_detail) };
  }
  const code = codeOf(value.code);
  if (code !== undefined && typeof value.message === 'string') {
    const title = typeof value.title === 'string' ? value.title : undefined;
    return { code: typeof value.code === 'number' ? (title ?? code) : code, message: value.message };
  }
  if (typeof value.type === 'string' && typeof value.message === 'string') {
    return { code: value.type, message: value.message }; // NeutronError
  }
  for (const nested of Object.values(value)) {
    const found = findHuaweiEnvelope(nested, depth + 1);
    if (found) return found;
  }
  return undefined;
}

// --- Nova -------------------------------------------------------------------------------------

/** `{"<faultName>":{"code","message"}}`, or keystonemiddleware's `{"error":{code,title,message}}`. */
export const parseNovaError: ErrorParser = (status, body) => {
  const json = parseJson(body);
  const fault = isRecord(json) ? findNovaFault(json) : undefined;
  if (!fault) return fromText(status, body);
  return {
    ...classifyStatus(status),
    upstreamCode: fault.code,
    upstreamMessage: fault.message,
    html: false,
    retryAfterMs: fault.retryAfterMs,
  };
};

function findNovaFault(json: Record<string, unknown>): (Envelope & { retryAfterMs?: number }) | undefined {
  const keystone = json.error;
  if (isRecord(keystone) && typeof keystone.message === 'string') {
    const code = typeof keystone.title === 'string' ? keystone.title : codeOf(keystone.code);
    return { code, message: keystone.message };
  }
  for (const [faultName, fault] of Object.entries(json)) {
    if (isRecord(fault) && typeof fault.message === 'string') {
      return { code: faultName, message: fault.message, retryAfterMs: secondsToMs(fault.retryAfter) };
    }
  }
  return undefined;
}

// --- ZStack -----------------------------------------------------------------------------------

const ZSTACK_CODES: Readonly<Record<string, Classified>> = {
  'ID.1000': { code: 'UNAUTHENTICATED', retryable: false },
  // Session expired: renewing the session is the authenticator's job, not a blind retry.
  'ID.1001': { code: 'UNAUTHENTICATED', retryable: false },
  'ID.1002': { code: 'FORBIDDEN', retryable: false },
  'SYS.1001': { code: 'UPSTREAM_TIMEOUT', retryable: true },
  'SYS.1003': { code: 'NOT_FOUND', retryable: false },
  'SYS.1007': { code: 'BAD_REQUEST', retryable: false },
};

/**
 * ZStack answers every business error with HTTP 503 and `{"error":{code,description,details}}`, so
 * the code decides; framework errors are plain text and fall back to the status.
 */
export const parseZstackError: ErrorParser = (status, body) => {
  const json = parseJson(body);
  const error = isRecord(json) ? json.error : undefined;
  if (!isRecord(error) || typeof error.code !== 'string') return fromText(status, body);
  const classified = ZSTACK_CODES[error.code] ?? { code: 'UPSTREAM_UNAVAILABLE', retryable: false };
  return { ...classified, upstreamCode: error.code, upstreamMessage: zstackMessage(error), html: false };
};

function zstackMessage(error: Record<string, unknown>): string | undefined {
  const description = typeof error.description === 'string' ? error.description : undefined;
  const details = typeof error.details === 'string' ? error.details : undefined;
  if (description && details && description !== details) return `${description}: ${details}`;
  return details ?? description;
}

export const errorParsers: Readonly<Record<SourceName, ErrorParser>> = {
  nova: parseNovaError,
  vpc: parseHuaweiError,
  hss: parseHuaweiError,
  zstack: parseZstackError,
};

// --- Messages ---------------------------------------------------------------------------------

/** Strings that must never reach a message: the configured secrets, the credentials sent and our own request path. */
export interface Redactions {
  secrets: readonly string[];
  requestPath?: string | undefined;
}

/** `"<source> answered <status> <upstreamCode>: <upstream message>"`, safe to show a client. */
export function describeError(
  source: SourceName,
  status: number,
  parsed: ParsedError,
  redactions: Redactions,
): string {
  const code = parsed.upstreamCode === undefined ? '' : ` ${safeText(parsed.upstreamCode, redactions, MAX_CODE_CHARS)}`;
  const text = parsed.upstreamMessage === undefined ? '' : safeText(parsed.upstreamMessage, redactions, MAX_MESSAGE_CHARS);
  const detail = text || (parsed.html ? 'an HTML page instead of an error body' : 'no error details');
  return `${source} answered ${status}${code}: ${detail}`;
}

/** Removes credentials, URLs and control characters, and bounds the length. */
export function safeText(text: string, redactions: Redactions, maxChars = MAX_MESSAGE_CHARS): string {
  let out = redact(text.replace(/\bhttps?:\/\/[^\s"'<>]*/gi, '<url>'), redactions.secrets);
  const path = redactions.requestPath;
  if (path !== undefined && path.length > 1) out = out.split(path).join('<url>');
  // eslint-disable-next-line no-control-regex
  out = out.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return out.length > maxChars ? `${out.slice(0, maxChars - 1)}…` : out;
}

// --- Helpers ----------------------------------------------------------------------------------

function fromText(status: number, body: string): ParsedError {
  const html = looksLikeHtml(body);
  const text = body.trim();
  return {
    ...classifyStatus(status),
    upstreamCode: undefined,
    upstreamMessage: html || text === '' || text.startsWith('{') || text.startsWith('[') ? undefined : text,
    html,
  };
}

export function looksLikeHtml(body: string): boolean {
  return /^\s*</.test(body) || /<html[\s>]/i.test(body.slice(0, 1024));
}

export function parseJson(text: string): unknown {
  // An empty or blank text fails to parse as well; no copy of the text is made to check first.
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function codeOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string');
}

/** `Retry-After` as seconds or an HTTP date; Nova copies it into `retryAfter` as a string. */
export function secondsToMs(value: unknown, now = Date.now()): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.round(value * 1000);
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.round(seconds * 1000) : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
