import { describe, expect, it } from 'vitest';
import {
  classifyStatus,
  describeError,
  parseHuaweiError,
  parseNovaError,
  parseZstackError,
  safeText,
  secondsToMs,
} from '../../src/sources/error-envelopes.js';
import type { ParsedError } from '../../src/sources/error-envelopes.js';
import type { UpstreamErrorCode } from '../../src/sources/errors.js';

type Expected = Pick<ParsedError, 'code' | 'retryable' | 'upstreamCode'> & { upstreamMessage?: string | undefined };
type Case = [name: string, status: number, body: string, expected: Expected];

const body = (value: unknown): string => JSON.stringify(value);

describe('classifyStatus', () => {
  it.each([
    [400, 'BAD_REQUEST', false],
    [401, 'UNAUTHENTICATED', false],
    [403, 'FORBIDDEN', false],
    [404, 'NOT_FOUND', false],
    [405, 'BAD_REQUEST', false],
    [408, 'UPSTREAM_TIMEOUT', true],
    [413, 'RATE_LIMITED', true],
    [429, 'RATE_LIMITED', true],
    [500, 'UPSTREAM_UNAVAILABLE', false],
    [501, 'UPSTREAM_UNAVAILABLE', false],
    [502, 'UPSTREAM_UNAVAILABLE', true],
    [503, 'UPSTREAM_UNAVAILABLE', true],
    [504, 'UPSTREAM_UNAVAILABLE', true],
    [302, 'UPSTREAM_BAD_RESPONSE', false],
  ] satisfies [number, UpstreamErrorCode, boolean][])('maps %i to %s (retryable %s)', (status, code, retryable) => {
    expect(classifyStatus(status)).toEqual({ code, retryable });
  });
});

describe('parseHuaweiError (ports API and HSS)', () => {
  const cases: Case[] = [
    [
      'a service error',
      400,
      body({ error_code: 'HSS.0001', error_msg: 'Invalid parameter.', request_id: 'r-1' }),
      { code: 'BAD_REQUEST', retryable: false, upstreamCode: 'HSS.0001', upstreamMessage: 'Invalid parameter.' },
    ],
    [
      'an IAM 5.0 denial with error_detail',
      403,
      body({ error_code: 'WKS.0001', error_msg: 'No permission.', error_detail: 'd', encoded_authorization_message: 'enc' }),
      { code: 'FORBIDDEN', retryable: false, upstreamCode: 'WKS.0001', upstreamMessage: 'No permission.' },
    ],
    [
      'an error_code without error_msg',
      404,
      body({ error_code: 'HSS.0011', error_detail: 'resource not found' }),
      { code: 'NOT_FOUND', retryable: false, upstreamCode: 'HSS.0011', upstreamMessage: 'resource not found' },
    ],
    [
      'APIGW.0301 (bad token)',
      401,
      body({ error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information: token expires', request_id: 'x' }),
      { code: 'UNAUTHENTICATED', retryable: false, upstreamCode: 'APIGW.0301' },
    ],
    [
      'APIG.0307 (token must be updated)',
      401,
      body({ error_code: 'APIG.0307', error_msg: 'The token must be updated.' }),
      { code: 'UNAUTHENTICATED', retryable: false, upstreamCode: 'APIG.0307' },
    ],
    [
      'APIG.0308 (throttled)',
      429,
      body({ error_code: 'APIG.0308', error_msg: 'The request is throttled.' }),
      { code: 'RATE_LIMITED', retryable: true, upstreamCode: 'APIG.0308' },
    ],
    [
      'APIGW.0308 whatever the status',
      400,
      body({ error_code: 'APIGW.0308', error_msg: 'The request is throttled.' }),
      { code: 'RATE_LIMITED', retryable: true, upstreamCode: 'APIGW.0308' },
    ],
    ...(['0302', '0304', '0306', '0310'].map((n): Case => [
      `APIGW.${n}`,
      403,
      body({ error_code: `APIGW.${n}`, error_msg: 'denied' }),
      { code: 'FORBIDDEN', retryable: false, upstreamCode: `APIGW.${n}` },
    ])),
    [
      'APIG.0201 backend unavailable',
      502,
      body({ error_code: 'APIG.0201', error_msg: 'Backend unavailable' }),
      { code: 'UPSTREAM_UNAVAILABLE', retryable: true, upstreamCode: 'APIG.0201' },
    ],
    [
      'APIGW.0101 API not found',
      404,
      body({ error_code: 'APIGW.0101', error_msg: 'The API does not exist or has not been published' }),
      { code: 'NOT_FOUND', retryable: false, upstreamCode: 'APIGW.0101' },
    ],
    [
      'VPC v1 code+message',
      400,
      body({ code: 'VPC.0002', message: 'Available zone Name is null.' }),
      { code: 'BAD_REQUEST', retryable: false, upstreamCode: 'VPC.0002', upstreamMessage: 'Available zone Name is null.' },
    ],
    [
      'Keystone error object',
      401,
      body({ error: { code: 401, message: 'The username or password is wrong.', title: 'Unauthorized' } }),
      { code: 'UNAUTHENTICATED', retryable: false, upstreamCode: 'Unauthorized', upstreamMessage: 'The username or password is wrong.' },
    ],
    [
      'a NeutronError',
      404,
      body({ NeutronError: { type: 'PortNotFound', message: 'Port p could not be found.', detail: '' } }),
      { code: 'NOT_FOUND', retryable: false, upstreamCode: 'PortNotFound' },
    ],
    [
      'an envelope nested deeper',
      500,
      body({ result: { status: 'failed', error: { error_code: 'HSS.0041', error_msg: 'Query host info error' } } }),
      { code: 'UPSTREAM_UNAVAILABLE', retryable: false, upstreamCode: 'HSS.0041' },
    ],
    [
      'an HTML page',
      500,
      '<html><head><title>500</title></head><body>Internal</body></html>',
      { code: 'UPSTREAM_UNAVAILABLE', retryable: false, upstreamCode: undefined, upstreamMessage: undefined },
    ],
    ['an empty 503', 503, '', { code: 'UPSTREAM_UNAVAILABLE', retryable: true, upstreamCode: undefined, upstreamMessage: undefined }],
    [
      'JSON with no known envelope',
      400,
      body({ foo: 'bar' }),
      { code: 'BAD_REQUEST', retryable: false, upstreamCode: undefined, upstreamMessage: undefined },
    ],
  ];

  it.each(cases)('reads %s', (_, status, text, expected) => {
    expect(parseHuaweiError(status, text)).toMatchObject(expected);
  });

  it('never keeps an HTML body as the message', () => {
    expect(parseHuaweiError(502, '<!doctype html><html>…</html>')).toMatchObject({ html: true, upstreamMessage: undefined });
  });
});

describe('parseNovaError', () => {
  const fault = (name: string, code: number, message: string, extra: object = {}) =>
    body({ [name]: { code, message, ...extra } });
  const cases: Case[] = [
    ['itemNotFound', 404, fault('itemNotFound', 404, 'Instance x could not be found.'), { code: 'NOT_FOUND', retryable: false, upstreamCode: 'itemNotFound', upstreamMessage: 'Instance x could not be found.' }],
    ['badRequest', 400, fault('badRequest', 400, 'marker [m] not found'), { code: 'BAD_REQUEST', retryable: false, upstreamCode: 'badRequest' }],
    ['forbidden', 403, fault('forbidden', 403, "Policy doesn't allow os_compute_api:os-attach-interfaces:list to be performed."), { code: 'FORBIDDEN', retryable: false, upstreamCode: 'forbidden' }],
    ['overLimit 429', 429, fault('overLimit', 429, 'Over limit', { retryAfter: '30' }), { code: 'RATE_LIMITED', retryable: true, upstreamCode: 'overLimit' }],
    ['overLimit 413', 413, fault('overLimit', 413, 'Over limit'), { code: 'RATE_LIMITED', retryable: true, upstreamCode: 'overLimit' }],
    ['computeFault 500', 500, fault('computeFault', 500, 'Unexpected API Error.'), { code: 'UPSTREAM_UNAVAILABLE', retryable: false, upstreamCode: 'computeFault' }],
    ['computeFault 406 (bad microversion)', 406, fault('computeFault', 406, 'Version 9.9 is not supported by the API.'), { code: 'BAD_REQUEST', retryable: false, upstreamCode: 'computeFault' }],
    ['notImplemented', 501, fault('notImplemented', 501, 'The requested functionality is not supported.'), { code: 'UPSTREAM_UNAVAILABLE', retryable: false, upstreamCode: 'notImplemented' }],
    ['serviceUnavailable', 503, fault('serviceUnavailable', 503, 'The Keystone service is temporarily unavailable.'), { code: 'UPSTREAM_UNAVAILABLE', retryable: true, upstreamCode: 'serviceUnavailable' }],
    [
      "keystonemiddleware's 401",
      401,
      body({ error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } }),
      { code: 'UNAUTHENTICATED', retryable: false, upstreamCode: 'Unauthorized', upstreamMessage: 'The request you have made requires authentication.' },
    ],
    ['an HTML 502 from a proxy', 502, '<html><body>Bad Gateway</body></html>', { code: 'UPSTREAM_UNAVAILABLE', retryable: true, upstreamCode: undefined, upstreamMessage: undefined }],
  ];

  it.each(cases)('reads %s', (_, status, text, expected) => {
    expect(parseNovaError(status, text)).toMatchObject(expected);
  });

  it('keeps overLimit.retryAfter', () => {
    expect(parseNovaError(429, fault('overLimit', 429, 'Over limit', { retryAfter: '30' })).retryAfterMs).toBe(30_000);
  });
});

describe('parseZstackError', () => {
  const business = (code: string, description: string, details?: string) =>
    body({ error: { code, description, details, elaboration: null, opaque: null } });
  const cases: Case[] = [
    ['ID.1001 (session expired) as UNAUTHENTICATED, not a retryable 503', 503, business('ID.1001', 'Session expired'), { code: 'UNAUTHENTICATED', retryable: false, upstreamCode: 'ID.1001', upstreamMessage: 'Session expired' }],
    ['ID.1000 (wrong password)', 503, business('ID.1000', 'Authentication failure', 'wrong account name or password'), { code: 'UNAUTHENTICATED', retryable: false, upstreamCode: 'ID.1000', upstreamMessage: 'Authentication failure: wrong account name or password' }],
    ['ID.1002 (permission denied)', 503, business('ID.1002', 'Permission denied'), { code: 'FORBIDDEN', retryable: false, upstreamCode: 'ID.1002' }],
    ['SYS.1003 (not found)', 503, business('SYS.1003', 'Resource not found', 'invalid field[uuid], resource[uuid:v1, type:VipVO] not found'), { code: 'NOT_FOUND', retryable: false, upstreamCode: 'SYS.1003' }],
    ['SYS.1007 (invalid argument)', 503, business('SYS.1007', 'One or more API argument is invalid', 'valid value for field[protocol] are [TCP, UDP], but tcp found'), { code: 'BAD_REQUEST', retryable: false, upstreamCode: 'SYS.1007' }],
    ['SYS.1001 (timeout)', 503, business('SYS.1001', 'A timeout happened'), { code: 'UPSTREAM_TIMEOUT', retryable: true, upstreamCode: 'SYS.1001' }],
    ['any other code', 503, business('SYS.1000', 'An internal error happened in system'), { code: 'UPSTREAM_UNAVAILABLE', retryable: false, upstreamCode: 'SYS.1000' }],
    ['a 503 without the envelope', 503, 'Service Unavailable', { code: 'UPSTREAM_UNAVAILABLE', retryable: true, upstreamCode: undefined }],
    ['a plain-text 400 from the framework', 400, "missing header 'Authorization'", { code: 'BAD_REQUEST', retryable: false, upstreamCode: undefined, upstreamMessage: "missing header 'Authorization'" }],
    ['a plain-text 404 from the framework', 404, 'no api mapping to /zstack/v1/vipz', { code: 'NOT_FOUND', retryable: false, upstreamCode: undefined }],
    ['an HTML 500', 500, '<html><body>Error</body></html>', { code: 'UPSTREAM_UNAVAILABLE', retryable: false, upstreamCode: undefined, upstreamMessage: undefined }],
  ];

  it.each(cases)('reads %s', (_, status, text, expected) => {
    expect(parseZstackError(status, text)).toMatchObject(expected);
  });
});

describe('messages', () => {
  const redactions = { secrets: ['s3cr3t-token'], requestPath: '/zstack/v1/vips/v1/usedports' };

  it('reads "<source> answered <status> <upstreamCode>: <message>"', () => {
    const parsed = parseZstackError(404, 'no api mapping to /zstack/v1/vips/v1/usedports');
    expect(describeError('zstack', 404, parsed, redactions)).toBe('zstack answered 404: no api mapping to <url>');
  });

  it('says so when there is nothing to show', () => {
    expect(describeError('nova', 503, parseNovaError(503, ''), redactions)).toBe('nova answered 503: no error details');
    expect(describeError('nova', 502, parseNovaError(502, '<html></html>'), redactions)).toBe(
      'nova answered 502: an HTML page instead of an error body',
    );
  });

  it('removes secrets, URLs and control characters and bounds the length', () => {
    const text = `bad\r\ntoken s3cr3t-token at http://10.0.0.1:8774/v2.1/p?token=s3cr3t-token ${'z'.repeat(400)}`;
    const safe = safeText(text, redactions);
    expect(safe.startsWith('bad token <redacted> at <url> zzz')).toBe(true);
    expect(safe).toHaveLength(200);
    expect(safe.endsWith('…')).toBe(true);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(secondsToMs('2')).toBe(2000);
    expect(secondsToMs(1.5)).toBe(1500);
    expect(secondsToMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(secondsToMs('soon')).toBeUndefined();
    expect(secondsToMs(undefined)).toBeUndefined();
  });
});
