import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import type { Authenticator } from './auth.js';
import { reporter, runCall, type Answer, type Upstream } from './call.js';
import { CircuitBreaker, DEFAULT_BREAKER } from './circuit-breaker.js';
import type { BreakerOptions, BreakerState } from './circuit-breaker.js';
import { systemClock } from './clock.js';
import type { Clock } from './clock.js';
import type { SourceName, UpstreamErrorCode } from './errors.js';
import { DEFAULT_RETRY } from './retry.js';
import type { RetryOptions } from './retry.js';
import { DEFAULT_BUDGET, RetryBudget } from './retry-budget.js';
import type { RetryBudgetCounters, RetryBudgetOptions } from './retry-budget.js';
import { Cancellation } from './cancellation.js';
import { Semaphore } from './semaphore.js';
import { UpstreamCache } from './upstream-cache.js';
import type { CacheOptions, CacheStats } from './upstream-cache.js';

export type { BreakerOptions, BreakerState } from './circuit-breaker.js';
export type { Clock } from './clock.js';
export type { RetryOptions } from './retry.js';
export type { RetryBudgetCounters, RetryBudgetOptions } from './retry-budget.js';
export type { CacheOptions, CacheStats } from './upstream-cache.js';

/** Who is calling, and by when: what one GraphQL request hands to every source call it makes. */
export interface CallScope {
  auth: Authenticator | undefined;
  /** Epoch ms by which the GraphQL request must be answered; no attempt, backoff or Retry-After wait may run past it. */
  deadline?: number;
  /** Told about every attempt (for logs and a per-request trace). */
  observe?: (event: CallEvent) => void;
  /** The GraphQL request the call serves; calls made for no request (logins, tests) have none. */
  owner?: CallOwner;
}

/**
 * What the request path needs of the request a call serves. Its calls give up when it is over (its
 * client went away, it passed a limit, it was answered), share each upstream's permits fairly
 * with other requests' calls, and are charged, attempt by attempt, before they are sent.
 */
export interface CallOwner {
  /** Cancelled when the request is over. */
  readonly cancellation: Cancellation;
  /** Counts one attempt about to be sent to `source`; false when the request may send no more (it is cancelled). */
  charge(source: SourceName): boolean;
}

/**
 * How an attempt ended; `cache-hit` and `coalesced` are calls answered without an attempt of their
 * own, from the cache or by sharing an identical call in flight (attempt 0, `ms` the time waited);
 * `aborted` is an attempt sent and then given up because its request's signal aborted.
 */
export type CallOutcome = 'ok' | 'retry' | 'error' | 'breaker-open' | 'reauth' | 'cache-hit' | 'coalesced' | 'aborted';

/** One attempt of one call, as observers see it. Never holds a credential, host or query string. */
export interface CallEvent {
  source: SourceName;
  method: string;
  /** The URL's pathname only. */
  path: string;
  /** 1 for the first attempt of the call; 0 for a call answered from the cache or a shared call. */
  attempt: number;
  /** The upstream's HTTP status; undefined when none came (timeout, reset, nothing sent). */
  status?: number;
  ms: number;
  outcome: CallOutcome;
  code?: UpstreamErrorCode;
}

export interface HttpOptions {
  /** Per attempt, from the first byte sent to the last byte of the body; a deadline may shorten it. */
  timeoutMs: number;
  /** Attempts in flight towards one upstream; the rest wait in FIFO order. Default 64. */
  maxConcurrentPerSource?: number;
  /** Default 64 MiB. */
  maxResponseBytes?: number;
  /** Default `{ maxAttempts: 3, baseMs: 100, capMs: 2000, maxRetryAfterMs: 10_000, random: Math.random }`. */
  retry?: Partial<RetryOptions>;
  /** Per upstream. Default `{ failureThreshold: 5, cooldownMs: 5000 }`. */
  breaker?: Partial<BreakerOptions>;
  /** Per upstream. Default `{ windowMs: 10_000, minRetries: 10, ratio: 0.2 }`. */
  budget?: Partial<RetryBudgetOptions>;
  /** Process-wide observer, told about every attempt as well as the call's own `scope.observe`. */
  onEvent?: (event: CallEvent) => void;
  /** Time for deadlines, backoff, breakers and budgets; tests pass a fake one. Default the system clock. */
  clock?: Clock;
  /**
   * Keeps successful answers for `ttlMs`, per source, credential and URL, and shares identical
   * calls in flight. Off when absent or `ttlMs` is 0.
   */
  cache?: CacheOptions;
  /** The configured secrets: taken out of every upstream error message, whatever an upstream echoes. */
  secrets?: readonly string[];
  /** Replaces the built-in keep-alive Agent (tests pass an undici `MockAgent`); not closed by `close()`. */
  dispatcher?: Dispatcher;
}

export interface HttpRequest {
  url: URL;
  scope: CallScope;
  /** The caller giving up (besides the owner's cancellation); rejects with the signal's reason, not an `UpstreamError`. */
  signal?: AbortSignal | undefined;
}

/** A request on its way through the request path: how it is given up, whichever way the caller said so. */
export interface CallRequest extends HttpRequest {
  cancellation?: Cancellation | undefined;
}

export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

export interface HttpResponse {
  status: number;
  headers: ResponseHeaders;
  json: unknown;
}

/** The one request path of every source: built once at start-up, shared by all clients. */
export interface Http {
  /**
   * Resolves with a 2xx JSON body; rejects with an `UpstreamError` for everything else, after
   * re-authenticating once and retrying transient failures as the scope's deadline allows.
   */
  getJson(source: SourceName, request: HttpRequest): Promise<HttpResponse>;
  breakerState(source: SourceName): BreakerState;
  retryBudget(source: SourceName): RetryBudgetCounters;
  /** All zeros when the cache is off. */
  cacheStats(): CacheStats;
  /** Closes every breaker, empties every retry budget and the cache (for tests). */
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_MAX_CONCURRENT_PER_SOURCE = 64;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const SOURCE_COUNT = 4;

const responseOf = (answer: Answer): HttpResponse => answer.response;

export function createHttp(options: HttpOptions): Http {
  const maxConcurrent = options.maxConcurrentPerSource ?? DEFAULT_MAX_CONCURRENT_PER_SOURCE;
  // The semaphores do the bounding; the pool only has to hold them all, even when every source
  // shares one origin (the embedded simulated cloud).
  const dispatcher = options.dispatcher ?? keepAliveAgent(options.timeoutMs, maxConcurrent * SOURCE_COUNT);
  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  const breaker = { ...DEFAULT_BREAKER, ...options.breaker };
  const budget = { ...DEFAULT_BUDGET, ...options.budget };
  const settings = {
    attempt: { dispatcher, maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, secrets: options.secrets ?? [] },
    timeoutMs: options.timeoutMs,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    clock,
    onEvent: options.onEvent,
  };

  const upstreams = new Map<SourceName, Upstream>();
  const upstream = (source: SourceName): Upstream => {
    let found = upstreams.get(source);
    if (!found) {
      found = { permits: new Semaphore(maxConcurrent), breaker: new CircuitBreaker(breaker, now), budget: new RetryBudget(budget, now) };
      upstreams.set(source, found);
    }
    return found;
  };

  const call = (source: SourceName, request: CallRequest) => runCall(settings, source, upstream(source), request);
  const cache = options.cache !== undefined && options.cache.ttlMs !== 0 ? new UpstreamCache(options.cache, now) : undefined;
  const getJson: Http['getJson'] = (source, request) => {
    const { signal, scope } = request;
    const cancellation = signal === undefined ? scope.owner?.cancellation : Cancellation.of(signal);
    if (cache === undefined) return call(source, { ...request, cancellation }).then(responseOf);
    // The cache follows each caller's signal: one made for the request that has none.
    const follower = { ...request, signal: signal ?? scope.owner?.cancellation.signal };
    return cache.get(source, follower, reporter(options.onEvent, scope.observe, source, request.url.pathname), (shared) => {
      const given = shared === undefined ? undefined : Cancellation.of(shared);
      return call(source, { url: request.url, scope: sharedScope(scope, given), cancellation: given });
    });
  };

  return {
    getJson,
    breakerState: (source) => upstream(source).breaker.state(),
    retryBudget: (source) => upstream(source).budget.counters(),
    cacheStats: () => cache?.stats() ?? { entries: 0, bytes: 0, hits: 0, misses: 0, coalesced: 0 },
    reset() {
      for (const { breaker, budget } of upstreams.values()) {
        breaker.reset();
        budget.reset();
      }
      cache?.clear();
    },
    async close() {
      if (dispatcher !== options.dispatcher) await dispatcher.close();
    },
  };
}

/**
 * The scope of a call the cache shares among identical requests: charged to the request that
 * started it, but given up only when every caller has (the cache's own cancellation), and never
 * refused because that one request has stopped.
 */
function sharedScope(scope: CallScope, cancellation: Cancellation | undefined): CallScope {
  const { owner } = scope;
  if (owner === undefined || cancellation === undefined) return scope;
  return { ...scope, owner: { cancellation, charge: (source) => (owner.charge(source), true) } };
}

function keepAliveAgent(timeoutMs: number, connections: number): Agent {
  return new Agent({
    connections,
    pipelining: 1,
    keepAliveTimeout: 10_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { timeout: timeoutMs },
  });
}

/**
 * `base` (an origin, with a path prefix or not; a trailing slash, query or fragment is dropped) +
 * `template` with `{name}` replaced by its encoded param. Each param stays one literal
 * segment: `encodeURIComponent` handles `/ ? #`, and a param of `.` or `..` is encoded twice, since
 * WHATWG URL treats `%2E` and `%2E%2E` as dot segments and would remove them.
 */
export function buildUrl(
  base: string,
  template: string,
  params: Record<string, string>,
  query?: Record<string, string | number | boolean | undefined>,
): URL {
  const { prefix, pieces } = partsOf(base, template);
  // The pieces alternate literal text and parameter names: text, name, text, …, text.
  let path = prefix;
  pieces.forEach((piece, i) => {
    path += i % 2 === 0 ? piece : encodeSegment(piece, params[piece]);
  });
  let search = '';
  if (query !== undefined) {
    const pairs = new URLSearchParams();
    for (const name in query) {
      const value = query[name];
      if (value !== undefined) pairs.append(name, String(value));
    }
    search = pairs.toString();
  }
  return new URL(search === '' ? path : `${path}?${search}`);
}

interface UrlParts {
  prefix: string;
  pieces: readonly string[];
}

/** Clients build every URL from one base and a few templates: each pair is taken apart once. */
const partsCache = new Map<string, Map<string, UrlParts>>();

function partsOf(base: string, template: string): UrlParts {
  let ofBase = partsCache.get(base);
  if (ofBase === undefined) {
    if (partsCache.size >= 64) partsCache.clear();
    partsCache.set(base, (ofBase = new Map<string, UrlParts>()));
  }
  let parts = ofBase.get(template);
  if (parts === undefined) {
    const prefix = base.replace(/[?#].*$/, '').replace(/\/+$/, '');
    const path = template.startsWith('/') ? template : `/${template}`;
    parts = { prefix, pieces: path.split(/\{([^}]+)\}/) };
    if (ofBase.size < 64) ofBase.set(template, parts);
  }
  return parts;
}

function encodeSegment(name: string, value: string | undefined): string {
  if (value === undefined) throw new TypeError(`buildUrl: no value for path parameter {${name}}`);
  if (value === '') throw new TypeError(`buildUrl: path parameter {${name}} is empty`);
  if (value === '.' || value === '..') return value.replace(/\./g, '%252E');
  return encodeURIComponent(value);
}
