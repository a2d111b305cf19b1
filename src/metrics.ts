import { Counter, Histogram, Registry } from 'prom-client';
import type { CallEvent } from './sources/http.js';

/** What `/metrics` serves: one registry per portgraph instance, never prom-client's global one. */
export interface Metrics {
  registry: Registry;
  /** One upstream attempt, or a call answered from the cache or by a shared call. */
  recordCall(event: CallEvent): void;
  /** One HTTP request to the GraphQL endpoint, as answered (`aborted` when the client left first). */
  recordRequest(status: number | 'aborted', seconds: number): void;
}

interface Uncounted {
  source: string;
  outcome: string;
  count: number;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createMetrics(): Metrics {
  const registry = new Registry();
  const requests = new Counter({
    name: 'portgraph_graphql_requests_total',
    help: 'HTTP requests to the GraphQL endpoint, by status answered',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const requestSeconds = new Histogram({
    name: 'portgraph_graphql_request_duration_seconds',
    help: 'Time from receiving a GraphQL request to the end of its answer',
    buckets: SECONDS,
    registers: [registry],
  });
  // Counted in plain numbers as calls happen, and handed to prom-client when it is scraped: its
  // labelled inc() hashes the labels every time, and a fleet walk makes over a hundred calls.
  const uncounted = new Map<string, Map<string, Uncounted>>();
  new Counter({
    name: 'portgraph_upstream_calls_total',
    help: 'Upstream attempts by how they ended (ok, retry, error, breaker-open, reauth, aborted), and calls answered without one (cache-hit, coalesced)',
    labelNames: ['source', 'outcome'] as const,
    registers: [registry],
    collect() {
      for (const outcomes of uncounted.values()) {
        for (const entry of outcomes.values()) {
          if (entry.count > 0) this.inc({ source: entry.source, outcome: entry.outcome }, entry.count);
          entry.count = 0;
        }
      }
    },
  });
  const callSeconds = new Histogram({
    name: 'portgraph_upstream_call_duration_seconds',
    help: 'Time of one upstream attempt, waiting for a permit included',
    labelNames: ['source'] as const,
    buckets: SECONDS,
    registers: [registry],
  });

  const timers = new Map<string, ReturnType<typeof callSeconds.labels>>();
  const secondsOf = (source: string) => {
    let child = timers.get(source);
    if (child === undefined) timers.set(source, (child = callSeconds.labels(source)));
    return child;
  };

  return {
    registry,
    recordCall(event) {
      const { source, outcome } = event;
      let outcomes = uncounted.get(source);
      if (outcomes === undefined) uncounted.set(source, (outcomes = new Map<string, Uncounted>()));
      const entry = outcomes.get(outcome);
      if (entry === undefined) outcomes.set(outcome, { source, outcome, count: 1 });
      else entry.count++;
      // Nothing was sent for an answer from the cache or a shared call (attempt 0), nor past an open breaker.
      if (event.attempt > 0 && event.outcome !== 'breaker-open') secondsOf(source).observe(event.ms / 1000);
    },
    recordRequest(status, seconds) {
      requests.inc({ status: String(status) });
      requestSeconds.observe(seconds);
    },
  };
}
