import { createHash, createHmac } from 'node:crypto';
import { credentialId } from '../sources/auth.js';
import type { Authenticator, OutgoingRequest } from '../sources/auth.js';

/** A Huawei Cloud access key; `securityToken` comes with a temporary (STS) key. */
export interface AkSkKey {
  ak: string;
  sk: string;
  /** Sent as `X-Project-Id`, which project-level services expect with AK/SK. */
  projectId?: string | undefined;
  securityToken?: string | undefined;
}

const ALGORITHM = 'SDK-HMAC-SHA256';
const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * Signs `req` in place as the Huawei API gateway verifies it (`SDK-HMAC-SHA256`): sets `X-Sdk-Date`,
 * `Host`, `X-Project-Id` and `X-Security-Token` as needed, rewrites the query string to the exact
 * encoding and order that was signed, and sets `Authorization`. Every other header present is signed.
 */
export function signRequest(req: OutgoingRequest, key: AkSkKey, date: Date): void {
  const headers = req.headers;
  const sdkDate = formatSdkDate(date);
  setHeader(headers, 'X-Sdk-Date', sdkDate);
  if (findHeader(headers, 'Host') === undefined) headers.Host = req.url.host;
  if (key.projectId !== undefined) setHeader(headers, 'X-Project-Id', key.projectId);
  if (key.securityToken !== undefined) setHeader(headers, 'X-Security-Token', key.securityToken);
  deleteHeader(headers, 'Authorization');
  // The gateway reads header values without surrounding whitespace; sign and send them the same.
  for (const [name, value] of Object.entries(headers)) headers[name] = value.trim();
  // URLSearchParams would send a space as `+`; the gateway decodes what it gets and re-encodes it.
  req.url.search = canonicalQueryString(req.url);

  const { canonical, signedHeaders } = canonicalRequest(req);
  const stringToSign = `${ALGORITHM}\n${sdkDate}\n${sha256Hex(canonical)}`;
  const signature = createHmac('sha256', key.sk).update(stringToSign, 'utf8').digest('hex');
  headers.Authorization = `${ALGORITHM} Access=${key.ak}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

/** Signs every attempt afresh with the current time; an AK/SK never needs a login or a refresh. */
export function akSkAuthenticator(key: AkSkKey, options: { now?: () => Date } = {}): Authenticator {
  const now = options.now ?? (() => new Date());
  return {
    id: credentialId('aksk', key.ak),
    authorize(req) {
      signRequest(req, key, now());
      return Promise.resolve();
    },
  };
}

/**
 * The canonical request for the headers `req` carries now (all but `Authorization`). The gateway
 * echoes its own in an `APIGW.0301` answer (newlines as `|`), so the two can be compared.
 */
export function canonicalRequest(req: OutgoingRequest): { canonical: string; signedHeaders: string } {
  const headers = Object.entries(req.headers)
    .filter(([name]) => name.toLowerCase() !== 'authorization')
    .map(([name, value]) => [name.toLowerCase(), value.trim()] as const)
    .sort(([a, x], [b, y]) => compare(a, b) || compare(x, y));
  const signedHeaders = headers.map(([name]) => name).join(';');
  const bodyHash =
    findHeader(req.headers, 'X-Sdk-Content-Sha256') ?? (req.body ? sha256Hex(req.body) : EMPTY_BODY_SHA256);
  const canonical = [
    req.method.toUpperCase(),
    canonicalUri(req.url.pathname),
    canonicalQueryString(req.url),
    headers.map(([name, value]) => `${name}:${value}\n`).join(''),
    signedHeaders,
    bodyHash,
  ].join('\n');
  return { canonical, signedHeaders };
}

/** Each segment decoded once (the pathname is already encoded), then RFC 3986 encoded; a `/` ends it. */
function canonicalUri(pathname: string): string {
  const path = pathname
    .split('/')
    .map((segment) => encodeRfc3986(decodeSegment(segment)))
    .join('/');
  return path.endsWith('/') ? path : `${path}/`;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // A stray `%` that starts no escape is sent as it is; it stands for itself.
    return segment;
  }
}

/** Names and values RFC 3986 encoded, sorted by the decoded name, then value, as the SDKs sort. */
function canonicalQueryString(url: URL): string {
  return [...url.searchParams]
    .sort(([a, x], [b, y]) => compare(a, b) || compare(x, y))
    .map(([name, value]) => `${encodeRfc3986(name)}=${encodeRfc3986(value)}`)
    .join('&');
}

/** Unreserved characters `A-Za-z0-9-_.~` stay; everything else is UTF-8 percent-encoded, upper-case hex. */
function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** UTF-16 code unit order, as `Array.prototype.sort` and the SDK signers sort. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `YYYYMMDDTHHMMSSZ` in UTC. */
function formatSdkDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function findHeader(headers: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

function deleteHeader(headers: Record<string, string>, name: string): void {
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lower) delete headers[key];
}

function setHeader(headers: Record<string, string>, name: string, value: string): void {
  deleteHeader(headers, name);
  headers[name] = value;
}
