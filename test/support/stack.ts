import type { AddressInfo } from 'node:net';
import { createHttpServer, type HttpEdge, type HttpServerOptions } from '../../src/http-server.js';
import { createLogger } from '../../src/logging.js';
import { createPortgraph, type Portgraph, type PortgraphSettings } from '../../src/server.js';
import {
  simulatedCloudSettings,
  startSimulator,
  type CallLogEntry,
  type SimSource,
  type Simulator,
  type SimulatorOptions,
} from '../../src/simulator/index.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
}

export interface Stack {
  sim: Simulator;
  portgraph: Portgraph;
  /** Every log line portgraph wrote, as JSON text. */
  logs: string[];
  /** portgraph's GraphQL endpoint. */
  url: string;
  /** 'http://127.0.0.1:PORT', for the operations endpoints. */
  origin: string;
  /** The node:http server in front of Yoga, and its drain. */
  edge: HttpEdge;
  query<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** The simulated cloud's calls since the last reset, optionally of one source. */
  calls(source?: SimSource): CallLogEntry[];
  /** Calls per source, e.g. { nova: 61, hss: 63 }. */
  callCounts(): Record<string, number>;
  close(): Promise<void>;
}

/** The simulated cloud and portgraph in live mode pointed at it, both on 127.0.0.1, over real HTTP. */
export async function startStack(
  options: {
    simulator?: SimulatorOptions;
    /** Settings over the defaults; a function when they need the simulated cloud's URL. */
    portgraph?: Partial<PortgraphSettings> | ((sim: Simulator) => Partial<PortgraphSettings>);
    /** The HTTP edge's limits and timeouts; tests shorten them. */
    http?: Partial<HttpServerOptions>;
  } = {},
): Promise<Stack> {
  const sim = await startSimulator(options.simulator);
  const logs: string[] = [];
  const settings: PortgraphSettings = {
    ...simulatedCloudSettings(sim.url, sim.projectId),
    upstreamTimeoutMs: 2000,
    requestDeadlineMs: 10_000,
    upstreamCacheTtlMs: 0,
    logger: createLogger('debug', { write: (line: string) => void logs.push(line) }),
    ...(typeof options.portgraph === 'function' ? options.portgraph(sim) : options.portgraph),
  };
  const portgraph = createPortgraph(settings);
  // The edge listens on 127.0.0.1 whatever the settings say; `host` there stands for the configured HOST.
  const edge = createHttpServer(portgraph, { host: settings.host ?? '127.0.0.1', ...options.http });
  const { server } = edge;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `${origin}/graphql`;

  return {
    sim,
    portgraph,
    logs,
    url,
    origin,
    edge,
    async query(query, variables, headers) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse<never>['body'] };
    },
    calls: (source) => sim.log.filter((entry) => source === undefined || entry.source === source),
    callCounts() {
      const counts: Record<string, number> = {};
      for (const entry of sim.log) counts[entry.source] = (counts[entry.source] ?? 0) + 1;
      return counts;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await portgraph.close();
      await sim.close();
    },
  };
}

/** Every (path + sorted query) that was called more than once: the N+1 and repeat detector. */
export function repeatedCalls(log: readonly CallLogEntry[]): string[] {
  const seen = new Map<string, number>();
  for (const entry of log) {
    const query = Object.entries(entry.query).sort(([a], [b]) => (a < b ? -1 : 1));
    const key = `${entry.method} ${entry.path}?${new URLSearchParams(query).toString()}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([key, n]) => `${key} ×${n}`);
}
