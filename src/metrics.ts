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
  const calls = new Counter({
    name: 'portgraph_upstream_calls_total',
    help: 'Upstream attempts by how they ended (ok, retry, error, breaker-open, reauth), and calls answered without one (cache-hit, coalesced)',
    labelNames: ['source', 'outcome'] as const,
    registers: [registry],
  });
  const callSeconds = new Histogram({
    name: 'portgraph_upstream_call_duration_seconds',
    help: 'Time of one upstream attempt, waiting for a permit included',
    labelNames: ['source'] as const,
    buckets: SECONDS,
    registers: [registry],
  });

  return {
    registry,
    recordCall(event) {
      calls.inc({ source: event.source, outcome: event.outcome });
      // Nothing was sent for an answer from the cache or a shared call (attempt 0), nor past an open breaker.
      if (event.attempt > 0 && event.outcome !== 'breaker-open') callSeconds.observe({ source: event.source }, event.ms / 1000);
    },
    recordRequest(status, seconds) {
      requests.inc({ status: String(status) });
      requestSeconds.observe(seconds);
    },
  };
}
