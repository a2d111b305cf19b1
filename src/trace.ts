import type { Plugin } from 'graphql-yoga';
import type { RequestLimits } from './execution/request-limits.js';
import type { CallEvent } from './sources/http.js';

/** What one GraphQL request asked of the upstreams. */
export interface UpstreamSummary {
  /** Attempts sent, per source, retries and re-authentications included, counted as they are sent. */
  calls: Record<string, number>;
  /** Attempts sent and then given up, their request answered or gone. */
  aborted: number;
  cacheHits: number;
  coalesced: number;
  retries: number;
  reauthentications: number;
  failures: number;
  /** From the first upstream call's start to the last one's end. */
  timeMs: number;
}

export class UpstreamTrace {
  readonly #started = performance.now();
  readonly #calls: Record<string, number> = {};
  #cacheHits = 0;
  #coalesced = 0;
  #retries = 0;
  #reauth = 0;
  #failures = 0;
  #aborted = 0;
  #first = Infinity;
  #last = -Infinity;

  countSent(source: string): void {
    this.#calls[source] = (this.#calls[source] ?? 0) + 1;
  }

  record(event: CallEvent): void {
    const end = performance.now();
    this.#first = Math.min(this.#first, end - event.ms);
    this.#last = Math.max(this.#last, end);
    if (event.outcome === 'cache-hit') this.#cacheHits++;
    else if (event.outcome === 'coalesced') this.#coalesced++;
    if (event.outcome === 'aborted') this.#aborted++;
    if (event.outcome === 'retry') this.#retries++;
    if (event.outcome === 'reauth') this.#reauth++;
    if (event.outcome === 'error' || event.outcome === 'breaker-open') this.#failures++;
  }

  summary(): UpstreamSummary {
    return {
      calls: { ...this.#calls },
      aborted: this.#aborted,
      cacheHits: this.#cacheHits,
      coalesced: this.#coalesced,
      retries: this.#retries,
      reauthentications: this.#reauth,
      failures: this.#failures,
      timeMs: this.#last < this.#first ? 0 : round(this.#last - this.#first),
    };
  }

  /** `Server-Timing`: the request's own time and the span of its upstream calls. */
  serverTiming(): string {
    const { calls, timeMs, cacheHits } = this.summary();
    const count = Object.values(calls).reduce((a, b) => a + b, 0);
    return `total;dur=${round(performance.now() - this.#started)}, upstream;dur=${timeMs};desc="${count} calls, ${cacheHits} cache hits"`;
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

const traces = new WeakMap<Request, UpstreamTrace>();

/** The trace of a request, made when its first upstream call reports. */
export function traceOf(request: Request): UpstreamTrace {
  let trace = traces.get(request);
  if (trace === undefined) traces.set(request, (trace = new UpstreamTrace()));
  return trace;
}

/**
 * Every response gets `Server-Timing`; with `X-Portgraph-Trace: 1` the result also carries
 * `extensions.upstream`, the calls the request made.
 */
export function useUpstreamTrace(): Plugin<{ request: Request; limits?: RequestLimits }> {
  return {
    onRequest({ request }) {
      traceOf(request);
    },
    onExecute({ args }) {
      const { request, limits } = args.contextValue;
      if (request.headers.get('x-portgraph-trace') !== '1') return;
      return {
        onExecuteDone({ result, setResult }) {
          if (!('data' in result || 'errors' in result)) return;
          // What the request was estimated to cost beside what it spent.
          const spent = limits === undefined ? {} : { estimatedCalls: limits.estimate?.total, resultNodes: limits.nodes };
          setResult({ ...result, extensions: { ...result.extensions, upstream: { ...traceOf(request).summary(), ...spent } } });
        },
      };
    },
    onResponse({ request, response }) {
      response.headers.set('Server-Timing', traceOf(request).serverTiming());
    },
  };
}
