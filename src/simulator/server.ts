import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleControl } from './control.js';
import { faultAnswer, malformedAnswer, JSON_TYPE, requestIdHex, text, writeAnswer } from './envelopes.js';
import { FaultQueue } from './faults.js';
import { buildFleetIndex, type FleetIndex } from './fleet-index.js';
import { DEMO_OS_TOKEN, DEMO_ZSTACK_SESSION, generateFleet, type Fleet } from './fleet.js';
import { AUTHORIZE, matchRoute, sourceOfPath, type RouteContext, type RouteMatch } from './routes.js';
import type { Answer, CallLogEntry, Fault, RouteName, SimSource } from './types.js';
import { oauthSession } from './zstack-routes.js';

export type { Answer, CallLogEntry, Fault, RouteName, SimSource } from './types.js';

export interface SimulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Default generateFleet(). Treated as immutable once the simulator has started. */
  fleet?: Fleet;
  /** Accepted X-Auth-Token values for nova/vpc/hss; default [DEMO_OS_TOKEN]. */
  osTokens?: string[];
  /** Accepted ZStack sessions; default [DEMO_ZSTACK_SESSION]. */
  zstackSessions?: string[];
  /** Added before every answer; default 0. */
  latencyMs?: number;
  /**
   * Most log entries kept; past it the oldest tenth is dropped. Default 100,000, so a long-running
   * demo does not grow without bound.
   */
  logLimit?: number;
}

export interface Simulator {
  /** 'http://127.0.0.1:PORT', no trailing slash. */
  url: string;
  projectId: string;
  fleet: Fleet;
  /** Every upstream request in arrival order (control requests are not logged). */
  log: CallLogEntry[];
  clearLog(): void;
  setLatency(ms: number): void;
  /** Several faults may be queued; the first matching one with times left applies. */
  inject(route: RouteName | '*', fault: Fault): void;
  clearFaults(): void;
  /** Closes the listener and every open socket. */
  close(): Promise<void>;
}

/** Starts the simulated cloud: Nova, the Huawei ports API, HSS and ZStack on one loopback port. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = new SimulatedCloud(options);
  await sim.listen(options.host ?? '127.0.0.1', options.port ?? 0);
  return sim;
}

const MAX_HEADER_BYTES = 64 * 1024; // Huawei tokens run to several KB.
const DEFAULT_LOG_LIMIT = 100_000;

class SimulatedCloud implements Simulator {
  url = '';
  readonly projectId: string;
  readonly fleet: Fleet;
  readonly log: CallLogEntry[] = [];
  private readonly index: FleetIndex;
  private readonly faults = new FaultQueue();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly osTokens: ReadonlySet<string>;
  private readonly zstackSessions: ReadonlySet<string>;
  private latencyMs: number;
  private readonly logLimit: number;
  private readonly server: Server;

  constructor(options: SimulatorOptions) {
    this.fleet = options.fleet ?? generateFleet();
    this.projectId = this.fleet.projectId;
    this.index = buildFleetIndex(this.fleet);
    this.osTokens = new Set(options.osTokens ?? [DEMO_OS_TOKEN]);
    this.zstackSessions = new Set(options.zstackSessions ?? [DEMO_ZSTACK_SESSION]);
    this.latencyMs = options.latencyMs ?? 0;
    this.logLimit = Math.max(1, options.logLimit ?? DEFAULT_LOG_LIMIT);
    this.server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => this.handle(req, res));
  }

  // Arrow properties, so the methods survive being destructured off the simulator.
  clearLog = (): void => {
    this.log.length = 0;
  };

  setLatency = (ms: number): void => {
    this.latencyMs = Math.max(0, ms);
  };

  inject = (route: RouteName | '*', fault: Fault): void => {
    this.faults.add(route, fault);
  };

  clearFaults = (): void => {
    this.faults.clear();
  };

  close = async (): Promise<void> => {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  };

  async listen(host: string, port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    this.url = `http://${urlHost(host)}:${address.port}`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    try {
      this.dispatch(req, res);
    } catch (err) {
      this.fail(res, err);
    }
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    if (path === '/__sim' || path.startsWith('/__sim/')) {
      handleControl(req, res, path, this).catch((err: unknown) => this.fail(res, err));
      return;
    }

    const query = Object.fromEntries(new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1)));
    const match = req.method === 'GET' ? matchRoute(path, this.projectId) : undefined;
    const source = match?.route.source ?? sourceOfPath(path);
    const entry: CallLogEntry = {
      at: Date.now(),
      source,
      route: match?.route.name ?? 'unknown',
      method: req.method ?? 'GET',
      path,
      query,
      status: 0,
      ...credentialOf(req.headers, source),
    };
    this.log.push(entry);
    if (this.log.length > this.logLimit) this.log.splice(0, Math.ceil(this.logLimit / 10));

    const fault = match && this.faults.take(match.route.name, { path, query });
    const delay = this.latencyMs + (fault?.delayMs ?? 0);
    const answer = (): void => this.answer(req, res, entry, match, fault);
    if (delay <= 0) {
      answer();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      answer();
    }, delay);
    this.timers.add(timer);
  }

  private answer(
    req: IncomingMessage,
    res: ServerResponse,
    entry: CallLogEntry,
    match: RouteMatch | undefined,
    fault: Fault | undefined,
  ): void {
    if (res.destroyed || req.socket.destroyed) return;
    if (fault?.reset) {
      req.socket.destroy();
      return;
    }
    try {
      const baseUrl = req.headers.host ? `http://${req.headers.host}` : this.url;
      const answer =
        match === undefined
          ? text(404, `404 Not Found\n\nNo upstream route for ${entry.method} ${entry.path}\n`)
          : this.routeAnswer(match, fault, this.context(req, match, entry.query, baseUrl));
      entry.status = answer.status;
      writeAnswer(res, answer, sourceHeaders(entry.source), fault?.headers);
    } catch (err) {
      entry.status = 500;
      this.fail(res, err);
    }
  }

  /** A fault replaces the whole answer, auth included: it stands for the gateway or network failing. */
  private routeAnswer(match: RouteMatch, fault: Fault | undefined, ctx: RouteContext): Answer {
    const { source, name } = match.route;
    if (fault?.malformed) return malformedAnswer(name);
    if (fault?.body !== undefined) {
      return { status: fault.status ?? 200, body: fault.body, contentType: fault.contentType ?? JSON_TYPE };
    }
    if (fault?.status !== undefined) return faultAnswer(source, fault.status, ctx.baseUrl);
    return AUTHORIZE[source](ctx) ?? match.route.handle(ctx);
  }

  private context(
    req: IncomingMessage,
    match: RouteMatch,
    query: Record<string, string>,
    baseUrl: string,
  ): RouteContext {
    return {
      index: this.index,
      params: match.params,
      query,
      baseUrl,
      headers: req.headers,
      osTokens: this.osTokens,
      zstackSessions: this.zstackSessions,
    };
  }

  private fail(res: ServerResponse, err: unknown): void {
    if (res.headersSent || res.destroyed) return;
    writeAnswer(res, text(500, `simulator error: ${err instanceof Error ? err.message : String(err)}`));
  }
}

/** The credential a request carried, preferring the kind its upstream uses. */
function credentialOf(
  headers: IncomingHttpHeaders,
  source: SimSource | 'unknown',
): Pick<CallLogEntry, 'auth' | 'credential'> {
  const token = headers['x-auth-token'];
  const byToken =
    typeof token === 'string' && token !== '' ? { auth: 'x-auth-token' as const, credential: token } : undefined;
  const session = oauthSession(headers.authorization);
  const bySession = session !== undefined ? { auth: 'oauth' as const, credential: session } : undefined;
  return (source === 'zstack' ? (bySession ?? byToken) : (byToken ?? bySession)) ?? { auth: 'none' };
}

function sourceHeaders(source: SimSource | 'unknown'): Record<string, string> | undefined {
  switch (source) {
    case 'nova': {
      const id = `req-${randomUUID()}`;
      return { 'x-openstack-request-id': id, 'x-compute-request-id': id };
    }
    case 'vpc':
    case 'hss':
      return { 'x-request-id': requestIdHex() };
    default:
      return undefined;
  }
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
