import { attempt, SentAndAborted } from './attempt.js';
import type { AttemptResult, AttemptSettings } from './attempt.js';
import type { Authenticator, OutgoingRequest } from './auth.js';
import type { BreakerTicket, CircuitBreaker, Verdict } from './circuit-breaker.js';
import type { Clock } from './clock.js';
import { UpstreamError } from './errors.js';
import type { SourceName } from './errors.js';
import type { CallEvent, CallRequest, CallScope, HttpResponse } from './http.js';
import { isIdempotent, isTransient, retryDelay } from './retry.js';
import type { RetryOptions } from './retry.js';
import type { RetryBudget } from './retry-budget.js';
import type { Semaphore } from './semaphore.js';

/** What the request path keeps per upstream, for the life of the process. */
export interface Upstream {
  permits: Semaphore;
  breaker: CircuitBreaker;
  budget: RetryBudget;
}

export interface CallSettings {
  attempt: AttemptSettings;
  timeoutMs: number;
  retry: RetryOptions;
  clock: Clock;
  onEvent: ((event: CallEvent) => void) | undefined;
}

/** A call's answer, and the length of its body (what the cache counts). */
export interface Answer {
  response: HttpResponse;
  bytes: number;
}

type Tried = AttemptResult | { ok: false; error: UpstreamError; sent: undefined; paused: true };

const METHOD = 'GET';

/**
 * One call: attempts until one answers, the failure is not worth another, the retries or their
 * budget run out, or the deadline would pass. A refused credential is renewed once, if it can be.
 * The first attempt is chained rather than awaited, so that a call waiting for a permit holds no
 * suspended frame; a failed first attempt goes on to `retry`.
 */
export function runCall(settings: CallSettings, source: SourceName, upstream: Upstream, request: CallRequest): Promise<Answer> {
  const started = settings.clock.now();
  return tryOnce(settings, source, upstream, request, 1).then((tried) =>
    tried.ok ? answered(settings, source, request, 1, tried, started) : retry(settings, source, upstream, request, tried, started),
  );
}

type Answered = Extract<Tried, { ok: true }>;

function answered(settings: CallSettings, source: SourceName, request: CallRequest, number: number, tried: Answered, started: number): Answer {
  report(settings, source, request, { attempt: number, status: tried.response.status, ms: settings.clock.now() - started, outcome: 'ok' });
  return { response: tried.response, bytes: tried.bytes };
}

/** After a failed first attempt: renew, retry or give up, and so on for every attempt after. */
async function retry(
  settings: CallSettings,
  source: SourceName,
  upstream: Upstream,
  request: CallRequest,
  firstTried: Tried,
  firstStarted: number,
): Promise<Answer> {
  const { clock } = settings;
  const { scope, cancellation } = request;
  let retries = 0;
  let refreshed = false;
  let tried = firstTried;
  let started = firstStarted;

  for (let number = 1; ; number++) {
    if (number > 1) {
      started = clock.now();
      tried = await tryOnce(settings, source, upstream, request, number);
    }
    if (tried.ok) return answered(settings, source, request, number, tried, started);
    const ms = clock.now() - started;
    const { error, sent } = tried;
    const event = { attempt: number, status: error.status, ms, code: error.code };
    if ('paused' in tried) {
      report(settings, source, request, { ...event, outcome: 'breaker-open' });
      throw error;
    }
    if (sent !== undefined && error.code === 'UNAUTHENTICATED' && !refreshed && scope.auth?.refresh) {
      refreshed = true;
      const renewal = await renew(scope.auth, sent);
      if (renewal === true) {
        report(settings, source, request, { ...event, outcome: 'reauth' });
        continue;
      }
      if (renewal !== false) {
        report(settings, source, request, { ...event, code: renewal.code, outcome: 'error' });
        throw renewal.forSource(source);
      }
    }
    const wait = sent === undefined ? undefined : retryWait(settings.retry, source, upstream, error, retries + 1, timeLeft(clock, scope));
    if (wait === undefined) {
      report(settings, source, request, { ...event, outcome: 'error' });
      throw error;
    }
    retries++;
    report(settings, source, request, { ...event, outcome: 'retry' });
    await clock.sleep(wait, cancellation?.signal);
  }
}

/** Milliseconds until the scope's deadline; infinite without one. */
function timeLeft(clock: Clock, scope: CallScope): number {
  return scope.deadline === undefined ? Number.POSITIVE_INFINITY : scope.deadline - clock.now();
}

/**
 * Tells the observers about one event of the call. A plain function, not a reporter made per
 * call: a call that queues for a permit then holds nothing for it.
 */
function report(settings: CallSettings, source: SourceName, request: CallRequest, event: ReportedEvent): void {
  announce(settings.onEvent, request.scope.observe, source, request.url.pathname, event);
}

/** The wait before retry number `retry`, or undefined when this failure gets no retry. */
function retryWait(
  options: RetryOptions,
  source: SourceName,
  upstream: Upstream,
  error: UpstreamError,
  retry: number,
  timeLeft: number,
): number | undefined {
  if (!isIdempotent(METHOD) || !isTransient(source, error) || retry >= options.maxAttempts) return undefined;
  // The breaker just opened on this failure: answer with it rather than with the breaker's refusal.
  if (!upstream.breaker.accepting()) return undefined;
  const wait = retryDelay(error, retry, options, timeLeft);
  return wait !== undefined && upstream.budget.trySpend() ? wait : undefined;
}

/**
 * True when the authenticator got a fresh credential after the upstream refused `failed`. An
 * `UpstreamError` from it (its identity service is down) says more than the 401 and replaces it.
 */
async function renew(auth: Authenticator, failed: OutgoingRequest): Promise<boolean | UpstreamError> {
  try {
    return (await auth.refresh?.(failed)) === true;
  } catch (error) {
    return error instanceof UpstreamError ? error : false;
  }
}

/**
 * One attempt, if the breaker lets it go, a permit frees up and the deadline leaves time for it.
 * Not an async function: a call waiting for a permit then holds one promise, not a suspended
 * frame, and under load a thousand calls wait at once.
 */
function tryOnce(settings: CallSettings, source: SourceName, upstream: Upstream, request: CallRequest, number: number): Promise<Tried> {
  // Admitted before queueing for a permit, so a half-open breaker's one probe is claimed at once
  // and every other call fails fast instead of waiting.
  const ticket = upstream.breaker.admit();
  if (ticket === undefined) return Promise.resolve(paused(source));
  const free = upstream.permits.tryAcquire();
  if (free !== undefined) return attemptWithPermit(settings, source, upstream, request, number, ticket, free);
  // Permits are shared in turn among the requests waiting; a call made for no request waits as its own party.
  const party = request.scope.owner ?? request.scope;
  return upstream.permits.acquire(party, request.cancellation, timeLeft(settings.clock, request.scope)).then(
    (release) => {
      if (release !== undefined) return attemptWithPermit(settings, source, upstream, request, number, ticket, release);
      ticket.settle('unknown');
      return outOfTime(source);
    },
    (error: unknown) => {
      ticket.settle('unknown');
      throw error;
    },
  );
}

/** The attempt itself, holding a permit it gives back, and the ticket it settles, when done. */
async function attemptWithPermit(
  settings: CallSettings,
  source: SourceName,
  upstream: Upstream,
  request: CallRequest,
  number: number,
  admitted: BreakerTicket,
  release: () => void,
): Promise<Tried> {
  let ticket: BreakerTicket | undefined = admitted;
  let verdict: Verdict = 'unknown';
  const { owner } = request.scope;
  try {
    // The breaker may have opened while this call queued.
    if (!ticket.isCurrent()) ticket = upstream.breaker.admit();
    if (ticket === undefined) return paused(source);
    const timeoutMs = Math.min(settings.timeoutMs, timeLeft(settings.clock, request.scope));
    if (timeoutMs <= 0) return outOfTime(source);
    if (number === 1) upstream.budget.recordFirstAttempt();
    const started = settings.clock.now();
    try {
      const result = await attempt(settings.attempt, {
        source,
        url: request.url,
        auth: request.scope.auth,
        timeoutMs,
        cancellation: request.cancellation,
        owner,
      });
      verdict = verdictOf(source, result, timeoutMs < settings.timeoutMs);
      return result;
    } catch (error) {
      if (!(error instanceof SentAndAborted)) throw error;
      report(settings, source, request, { attempt: number, ms: settings.clock.now() - started, outcome: 'aborted' });
      throw error.reason;
    }
  } finally {
    ticket?.settle(verdict);
    release();
  }
}

/**
 * What an attempt proved about the upstream. Any answer but a 5xx or 429 proves it alive, and so
 * does a ZStack business error (every one is a 503 with a code). Nothing sent, a timeout cut short
 * by the deadline, or a failure of our own proves nothing.
 */
function verdictOf(source: SourceName, result: AttemptResult, cutShort: boolean): Verdict {
  if (result.ok) return 'alive';
  if (result.sent === undefined) return 'unknown';
  const { status, code, retryable, upstreamCode } = result.error;
  if (status === undefined) {
    if (code === 'UPSTREAM_TIMEOUT') return cutShort ? 'unknown' : 'failed';
    return code === 'UPSTREAM_UNAVAILABLE' && retryable ? 'failed' : 'unknown';
  }
  if (source === 'zstack' && status === 503 && upstreamCode !== undefined) return 'alive';
  return status === 429 || status >= 500 ? 'failed' : 'alive';
}

function paused(source: SourceName): Tried {
  const error = new UpstreamError({
    source,
    code: 'UPSTREAM_UNAVAILABLE',
    message: `${source} is failing, so calls to it are paused for a few seconds`,
    retryable: false,
  });
  return { ok: false, error, sent: undefined, paused: true };
}

function outOfTime(source: SourceName): Tried {
  const error = new UpstreamError({
    source,
    code: 'UPSTREAM_TIMEOUT',
    message: `${source} was not called: the request ran out of time`,
    retryable: true,
  });
  return { ok: false, error, sent: undefined };
}

type ReportedEvent = Omit<CallEvent, 'source' | 'method' | 'path'>;

export type Report = (event: ReportedEvent) => void;

/** Tells the process-wide observer and the call's own about one event of the call. */
export function reporter(
  onEvent: CallSettings['onEvent'],
  observe: CallScope['observe'],
  source: SourceName,
  path: string,
): Report {
  return (event) => announce(onEvent, observe, source, path, event);
}

/** The event, with the call it belongs to, to the process-wide observer and to the call's own. */
function announce(
  onEvent: CallSettings['onEvent'],
  observe: CallScope['observe'],
  source: SourceName,
  path: string,
  event: ReportedEvent,
): void {
  const full: CallEvent = { source, method: METHOD, path, ...event };
  tell(onEvent, full);
  tell(observe, full);
}

function tell(observer: ((event: CallEvent) => void) | undefined, event: CallEvent): void {
  try {
    observer?.(event);
  } catch {
    // An observer's own failure must not fail the call it watches.
  }
}
