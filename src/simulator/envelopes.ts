import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Answer, RouteName, SimSource } from './types.js';

export const JSON_TYPE = 'application/json';
const TEXT_TYPE = 'text/plain; charset=utf-8';

export function json(status: number, value: unknown): Answer {
  return { status, body: JSON.stringify(value), contentType: JSON_TYPE };
}

/** A JSON answer whose body is already serialized. */
export function rawJson(status: number, body: string): Answer {
  return { status, body, contentType: JSON_TYPE };
}

export function text(status: number, body: string): Answer {
  return { status, body, contentType: TEXT_TYPE };
}

export function requestIdHex(): string {
  return randomUUID().replaceAll('-', '');
}

// --- Nova (§7.1): {"<faultName>": {"code", "message"}} ---

const NOVA_FAULT_NAMES: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

const NOVA_DEFAULT_MESSAGES: Record<number, string> = {
  429: 'This request was rate-limited.',
  500:
    'Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log ' +
    'if possible.\n' +
    "<class 'nova.exception.InternalError'>",
  501: 'The requested functionality is not supported.',
  503: 'The server is currently unavailable. Please try again at a later time.',
};

export function novaFault(status: number, message: string): Answer {
  const name = NOVA_FAULT_NAMES[status] ?? 'computeFault';
  if (status === 413 || status === 429) {
    return {
      ...json(status, { [name]: { code: status, message, retryAfter: '1' } }),
      headers: { 'retry-after': '1' },
    };
  }
  return json(status, { [name]: { code: status, message } });
}

// --- Keystone / Huawei IAM (§1.2, §6): {"error": {"code", "message", "title"}} ---

export function keystoneError(status: number, message: string): Answer {
  return json(status, { error: { code: status, message, title: STATUS_CODES[status] ?? 'Error' } });
}

export const KEYSTONE_AUTH_REQUIRED = 'The request you have made requires authentication.';

/** 401 comes from keystonemiddleware in front of Nova, not from Nova itself. */
export function keystoneUnauthorized(baseUrl: string): Answer {
  return {
    ...json(401, {
      error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
    }),
    headers: { 'www-authenticate': `Keystone uri="${baseUrl}/identity"` },
  };
}

// --- Huawei (§1.4): service {"error_code", "error_msg"}, API gateway adds "request_id" ---

export function huaweiError(status: number, code: string, message: string): Answer {
  return json(status, { error_code: code, error_msg: message });
}

export function apigError(status: number, code: string, message: string): Answer {
  const requestId = requestIdHex();
  return {
    ...json(status, { error_code: code, error_msg: message, request_id: requestId }),
    headers: { 'x-request-id': requestId },
  };
}

export function apigUnauthorized(reason: string): Answer {
  return apigError(401, 'APIGW.0301', `Incorrect IAM authentication information: ${reason}`);
}

export function apigTokenExpired(): Answer {
  return apigError(401, 'APIGW.0307', 'The token must be updated.');
}

/** The service's own "invalid parameter" code. */
export function huaweiBadRequest(source: 'vpc' | 'hss', message: string): Answer {
  return huaweiError(400, source === 'hss' ? 'HSS.0001' : 'WKS.00000001', message);
}

// --- ZStack (§9.1): business failures are 503 {"error": ErrorCode} ---

export function zstackError(code: string, description: string, details: string): Answer {
  return json(503, { error: { code, description, details } });
}

// --- Injected faults ---

/** A fault's `status` answered in the shape the route's upstream really uses for it. */
export function faultAnswer(source: SimSource, status: number, baseUrl: string): Answer {
  const reason = STATUS_CODES[status] ?? 'Error';
  switch (source) {
    case 'nova':
      if (status === 401) return keystoneUnauthorized(baseUrl);
      return novaFault(status, NOVA_DEFAULT_MESSAGES[status] ?? reason);
    case 'vpc':
    case 'hss':
      return huaweiFault(source, status, reason);
    case 'keystone':
      return keystoneError(status, status === 401 ? KEYSTONE_AUTH_REQUIRED : reason);
    case 'zstack':
      if (status === 503) {
        return zstackError('SYS.1000', 'An internal error happened in system', 'injected fault: internal error');
      }
      return text(status, reason);
  }
}

function huaweiFault(source: 'vpc' | 'hss', status: number, reason: string): Answer {
  switch (status) {
    case 400:
      return huaweiBadRequest(source, 'Invalid parameter.');
    case 401:
      return apigUnauthorized('token expires');
    case 403:
      return apigError(403, 'APIGW.0302', 'The IAM user is not authorized to access the API.');
    case 404:
      return apigError(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment.');
    case 429:
      return apigError(
        429,
        'APIGW.0308',
        'The throttling threshold has been reached: policy user over ratelimit,limit:200,time:1 second',
      );
    case 502:
      return apigError(502, 'APIGW.0201', 'Backend unavailable');
    case 504:
      return apigError(504, 'APIGW.0201', 'Backend timeout');
    default:
      return source === 'hss'
        ? huaweiError(status, 'HSS.0041', `Query host info error: ${reason}`)
        : huaweiError(status, 'WKS.00000500', `Internal server error: ${reason}`);
  }
}

/** Each route's success body, cut off mid-way: what a proxy dropping the connection leaves. */
const TRUNCATED: Record<RouteName, string> = {
  'nova.servers.detail': '{"servers": [{"id": "',
  'nova.server': '{"server": {"id": ',
  'nova.interfaces': '{"interfaceAttachments": [',
  'vpc.ports': '{"ports": [{"id": "',
  'hss.ports': '{"total_num": 3, "data_list": [{',
  'hss.statistics': '{"total_num": 3, "data_list": [',
  'zstack.usedports': '{"inventories": [{"uuid": ',
  'zstack.login': '{"inventory": {"uuid": "',
  'keystone.tokens': '{"token": {"expires_at": "20',
};

export function malformedAnswer(route: RouteName): Answer {
  return rawJson(200, TRUNCATED[route]);
}

/**
 * Writes an answer. Headers: `base` (per-source ids), then the answer's own, then `override` (a
 * fault's), names compared case-insensitively.
 */
export function writeAnswer(
  res: ServerResponse,
  answer: Answer,
  base?: Record<string, string>,
  override?: Record<string, string>,
): void {
  const headers: Record<string, string | number> = mergeHeaders(answer.contentType, base, answer.headers, override);
  const body = Buffer.from(answer.body, 'utf8');
  headers['content-length'] = body.length;
  res.writeHead(answer.status, headers);
  res.end(body);
}

/** `content-type`, then each map in turn, later names replacing earlier ones case-insensitively. */
export function mergeHeaders(
  contentType: string,
  ...maps: Array<Record<string, string> | undefined>
): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': contentType };
  for (const map of maps) {
    for (const [name, value] of Object.entries(map ?? {})) headers[name.toLowerCase()] = value;
  }
  return headers;
}
