import type { SourceName, UpstreamError } from './errors.js';

export interface RetryOptions {
  /** Attempts in all for transient failures; a successful re-authentication adds one. Default 3. */
  maxAttempts: number;
  /** Backoff before the first retry is up to this; it doubles for each retry after. Default 100 ms. */
  baseMs: number;
  /** The longest jittered backoff. Default 2000 ms. */
  capMs: number;
  /** A longer `Retry-After` is not waited for, deadline or not: the call fails with it. Default 10 000 ms. */
  maxRetryAfterMs: number;
  /** Uniform in [0, 1), like `Math.random`. */
  random: () => number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 3,
  baseMs: 100,
  capMs: 2000,
  maxRetryAfterMs: 10_000,
  random: Math.random,
};

/** Only a request that may be repeated without effect is retried. */
export function isIdempotent(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** APIG throttling (`APIG.0308` on dedicated gateways, `APIGW.0308` on shared ones), Nova `overLimit`. */
const THROTTLED_CODES = /^(APIGW?\.0308|overLimit)$/;

export function isThrottled(error: UpstreamError): boolean {
  return error.status === 429 || (error.upstreamCode !== undefined && THROTTLED_CODES.test(error.upstreamCode));
}

/**
 * A failure another attempt may fix: a reset or refused connection, a gateway's 502 or 504, an
 * overloaded 503, throttling. ZStack answers every business error with 503, so its 503 never is. A
 * timeout is not: a hung upstream is not helped, and waiting again would only burn the deadline.
 */
export function isTransient(source: SourceName, error: UpstreamError): boolean {
  const { status } = error;
  if (status === undefined) return error.code === 'UPSTREAM_UNAVAILABLE' && error.retryable;
  if (status === 503) return source !== 'zstack';
  return status === 502 || status === 504 || isThrottled(error);
}

/** Full jitter: uniform in [0, min(cap, base × 2^(retry − 1))), `retry` being 1 for the first retry. */
export function backoffMs(retry: number, options: RetryOptions): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** (retry - 1));
  return Math.floor(options.random() * ceiling);
}

/**
 * The wait before retry number `retry`: the jittered backoff, or the upstream's `Retry-After` when
 * that is longer. Undefined when it would not end within `timeLeft` ms: then there is no retry.
 */
export function retryDelay(error: UpstreamError, retry: number, options: RetryOptions, timeLeft: number): number | undefined {
  const retryAfter = error.retryAfterMs ?? 0;
  if (retryAfter > options.maxRetryAfterMs) return undefined;
  const wait = Math.max(backoffMs(retry, options), retryAfter);
  return wait < timeLeft ? wait : undefined;
}
