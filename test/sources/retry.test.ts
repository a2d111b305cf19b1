import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../src/sources/errors.js';
import type { SourceName, UpstreamErrorInit } from '../../src/sources/errors.js';
import { DEFAULT_RETRY, backoffMs, isIdempotent, isTransient, retryDelay } from '../../src/sources/retry.js';
import type { RetryOptions } from '../../src/sources/retry.js';

const error = (init: Partial<UpstreamErrorInit>) =>
  new UpstreamError({ source: 'nova', code: 'UPSTREAM_UNAVAILABLE', message: 'x', retryable: true, ...init });

const options = (random: number, more: Partial<RetryOptions> = {}): RetryOptions => ({
  ...DEFAULT_RETRY,
  random: () => random,
  ...more,
});

describe('isTransient', () => {
  it.each([
    ['nova', 'a reset or refused connection', { status: undefined, code: 'UPSTREAM_UNAVAILABLE', retryable: true }],
    ['vpc', '502', { status: 502 }],
    ['zstack', '502 from a proxy', { status: 502 }],
    ['nova', '503', { status: 503 }],
    ['vpc', '503', { status: 503 }],
    ['hss', '503', { status: 503 }],
    ['hss', '504', { status: 504 }],
    ['hss', '429 APIGW.0308', { status: 429, code: 'RATE_LIMITED', upstreamCode: 'APIGW.0308' }],
    ['vpc', '429 APIG.0308', { status: 429, code: 'RATE_LIMITED', upstreamCode: 'APIG.0308' }],
    ['nova', '413 overLimit', { status: 413, code: 'RATE_LIMITED', upstreamCode: 'overLimit' }],
  ] as const)('retries %s after %s', (source, _, init) => {
    expect(isTransient(source, error(init))).toBe(true);
  });

  it.each([
    ['zstack', 'a business 503 ID.1001', { status: 503, code: 'UNAUTHENTICATED', upstreamCode: 'ID.1001', retryable: false }],
    ['zstack', 'a business 503 SYS.1003', { status: 503, code: 'NOT_FOUND', upstreamCode: 'SYS.1003', retryable: false }],
    ['zstack', 'a business 503 SYS.1001', { status: 503, code: 'UPSTREAM_TIMEOUT', upstreamCode: 'SYS.1001', retryable: true }],
    ['zstack', 'a plain 503', { status: 503 }],
    ['nova', 'a timeout', { status: undefined, code: 'UPSTREAM_TIMEOUT', retryable: true }],
    ['nova', 'a failure of our own', { status: undefined, code: 'UPSTREAM_UNAVAILABLE', retryable: false }],
    ['nova', '500', { status: 500, retryable: false }],
    ['hss', '400', { status: 400, code: 'BAD_REQUEST', retryable: false }],
    ['vpc', '401', { status: 401, code: 'UNAUTHENTICATED', retryable: false }],
    ['nova', '404', { status: 404, code: 'NOT_FOUND', retryable: false }],
    ['nova', '408', { status: 408, code: 'UPSTREAM_TIMEOUT', retryable: true }],
    ['vpc', '413 from the gateway', { status: 413, code: 'RATE_LIMITED', upstreamCode: 'APIGW.0201' }],
  ] as const)('does not retry %s after %s', (source: SourceName, _, init) => {
    expect(isTransient(source, error(init))).toBe(false);
  });
});

describe('isIdempotent', () => {
  it('allows GET and HEAD only', () => {
    expect(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].filter(isIdempotent)).toEqual(['GET', 'HEAD']);
  });
});

describe('backoffMs (full jitter)', () => {
  it('stays in [0, min(cap, base × 2^(retry − 1))) whatever the random source says', () => {
    for (const random of [0, 0.25, 0.5, 0.999_999]) {
      for (let retry = 1; retry <= 8; retry++) {
        const ceiling = Math.min(2000, 100 * 2 ** (retry - 1));
        const wait = backoffMs(retry, options(random));
        expect(wait).toBeGreaterThanOrEqual(0);
        expect(wait).toBeLessThan(ceiling);
      }
    }
  });

  it('doubles its ceiling per retry up to the cap', () => {
    const almostOne = options(0.999_999);
    expect([1, 2, 3, 4, 5, 6, 7].map((retry) => backoffMs(retry, almostOne))).toEqual([99, 199, 399, 799, 1599, 1999, 1999]);
    expect(backoffMs(3, options(0))).toBe(0);
    expect(backoffMs(2, options(0.5, { baseMs: 10, capMs: 15 }))).toBe(7);
  });
});

describe('retryDelay', () => {
  it('waits the jittered backoff when the upstream names no time', () => {
    expect(retryDelay(error({ status: 502 }), 1, options(0.5), Number.POSITIVE_INFINITY)).toBe(50);
  });

  it('waits Retry-After when it is longer than the jitter, and the jitter when that is longer', () => {
    expect(retryDelay(error({ status: 429, retryAfterMs: 1000 }), 1, options(0.5), 5000)).toBe(1000);
    expect(retryDelay(error({ status: 429, retryAfterMs: 10 }), 1, options(0.5), 5000)).toBe(50);
  });

  it('gives no retry when the wait would not end before the deadline', () => {
    expect(retryDelay(error({ status: 429, retryAfterMs: 1000 }), 1, options(0), 999)).toBeUndefined();
    expect(retryDelay(error({ status: 502 }), 2, options(0.999), 150)).toBeUndefined();
  });

  it('does not wait for a Retry-After longer than maxRetryAfterMs, deadline or not', () => {
    expect(retryDelay(error({ status: 429, retryAfterMs: 60_000 }), 1, options(0), Number.POSITIVE_INFINITY)).toBeUndefined();
  });
});
