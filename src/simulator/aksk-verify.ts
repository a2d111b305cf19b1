// Server-side check of Huawei's SDK-HMAC-SHA256 request signatures (reference §1.3), recomputed
// from the request exactly as it arrived. Written from the algorithm, not from any client signer.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const SDK_HMAC_SHA256 = 'SDK-HMAC-SHA256';
export const MAX_CLOCK_SKEW_MS = 15 * 60_000;

export interface ReceivedRequest {
  method: string;
  /** The path as received, percent-encoding preserved, without the query string. */
  rawPath: string;
  /** The query string as received, without `?`; '' when there is none. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Uint8Array;
}

export interface SdkAuthorization {
  ak: string;
  signedHeaders: string[];
  signature: string;
}

export type AkSkVerdict = { ok: true; ak: string } | { ok: false; ak?: string; reason: string };

export function isSdkSigned(authorization: string | undefined): boolean {
  return authorization?.trimStart().startsWith(`${SDK_HMAC_SHA256} `) ?? false;
}

/** `SDK-HMAC-SHA256 Access=<ak>, SignedHeaders=<a;b>, Signature=<hex>`, or undefined. */
export function parseSdkAuthorization(authorization: string | undefined): SdkAuthorization | undefined {
  if (authorization === undefined || !isSdkSigned(authorization)) return undefined;
  const fields = new Map<string, string>();
  for (const part of authorization.trim().slice(SDK_HMAC_SHA256.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const ak = fields.get('Access');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!ak || !signedHeaders || !signature) return undefined;
  return { ak, signedHeaders: signedHeaders.split(';'), signature };
}

/** Checks the signature, the signed-header list and the date against `now`. */
export function verifyAkSk(
  req: ReceivedRequest,
  secretOf: (ak: string) => string | undefined,
  now: number = Date.now(),
): AkSkVerdict {
  const auth = parseSdkAuthorization(headerValue(req.headers, 'authorization'));
  if (auth === undefined) return { ok: false, reason: 'malformed Authorization header' };
  const { ak } = auth;
  const sk = secretOf(ak);
  if (sk === undefined) return { ok: false, ak, reason: 'unknown AK' };

  const signed = [...new Set(auth.signedHeaders.map((h) => h.trim().toLowerCase()))].sort();
  for (const required of ['host', 'x-sdk-date']) {
    if (!signed.includes(required)) return { ok: false, ak, reason: `SignedHeaders lacks ${required}` };
  }
  const sdkDate = headerValue(req.headers, 'x-sdk-date') ?? '';
  const signedAt = parseSdkDate(sdkDate);
  if (signedAt === undefined) return { ok: false, ak, reason: 'X-Sdk-Date is not YYYYMMDDTHHMMSSZ' };
  if (Math.abs(now - signedAt) > MAX_CLOCK_SKEW_MS) {
    return { ok: false, ak, reason: 'X-Sdk-Date is more than 15 minutes from the server clock' };
  }

  let canonicalHeaders = '';
  for (const name of signed) {
    const value = headerValue(req.headers, name);
    if (value === undefined) return { ok: false, ak, reason: `signed header ${name} is missing` };
    canonicalHeaders += `${name}:${value.trim()}\n`;
  }
  const uri = canonicalUri(req.rawPath);
  const query = canonicalQuery(req.rawQuery);
  if (uri === undefined || query === undefined) return { ok: false, ak, reason: 'undecodable path or query' };

  const canonicalRequest = [
    req.method.toUpperCase(),
    uri,
    query,
    canonicalHeaders,
    signed.join(';'),
    sha256Hex(req.body),
  ].join('\n');
  const stringToSign = `${SDK_HMAC_SHA256}\n${sdkDate}\n${sha256Hex(canonicalRequest)}`;
  const expected = createHmac('sha256', sk).update(stringToSign, 'utf8').digest('hex');
  if (!sameText(expected, auth.signature.toLowerCase())) return { ok: false, ak, reason: 'wrong signature' };
  return { ok: true, ak };
}

/** Each segment decoded, then RFC 3986 encoded; always ends with `/`. */
export function canonicalUri(rawPath: string): string | undefined {
  try {
    const path = rawPath
      .split('/')
      .map((segment) => rfc3986(decodeURIComponent(segment)))
      .join('/');
    return path.endsWith('/') ? path : `${path}/`;
  } catch {
    return undefined;
  }
}

/** Name/value pairs, each RFC 3986 encoded, sorted by name then value, joined with `&`. */
export function canonicalQuery(rawQuery: string): string | undefined {
  try {
    const pairs = rawQuery
      .split('&')
      .filter((part) => part !== '')
      .map((part): [string, string] => {
        const eq = part.indexOf('=');
        const [name, value] = eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
        return [rfc3986(decodeURIComponent(name)), rfc3986(decodeURIComponent(value))];
      });
    pairs.sort(([an, av], [bn, bv]) => compare(an, bn) || compare(av, bv));
    return pairs.map(([name, value]) => `${name}=${value}`).join('&');
  } catch {
    return undefined;
  }
}

/** Percent-encodes all but `A-Z a-z 0-9 - _ . ~`, hex upper case. */
export function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `20191115T033655Z` → epoch ms. */
function parseSdkDate(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  const ms = Date.UTC(y ?? 0, (mo ?? 0) - 1, d, h, mi, s);
  return Number.isNaN(ms) ? undefined : ms;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
