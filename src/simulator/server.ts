import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSdkSigned, parseSdkAuthorization } from './aksk-verify.js';
import { handleControl, type ControlTarget } from './control.js';
import { MAX_BODY_BYTES, readBody } from './request-body.js';
import {
  faultAnswer,
  malformedAnswer,
  mergeHeaders,
  JSON_TYPE,
  requestIdHex,
  text,
  writeAnswer,
} from './envelopes.js';
import { FaultQueue } from './faults.js';
import { buildFleetIndex, type FleetIndex } from './fleet-index.js';
import { DEMO_OS_TOKEN, DEMO_ZSTACK_SESSION, generateFleet, type Fleet } from './fleet.js';
import {
  DEFAULT_SESSION_TTL_MS,
  DEFAULT_TOKEN_TTL_MS,
  DEMO_AKSK,
  DEMO_USER,
  DEMO_ZSTACK_ACCOUNT,
  Identity,
  type SimAkSk,
  type SimUser,
  type SimZstackAccount,
} from './identity.js';
import { streamOversize } from './oversize.js';
import { matchRoute, sourceOfPath, type RequestInfo, type RouteMatch } from './routes.js';
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
  /**
   * The fleet each credential sees, keyed by a static token, a Keystone user name, an AK, a static
   * ZStack session or a ZStack account name; every other credential sees `fleet`. All must share
   * `fleet`'s project id (generateFleet's variants do).
   */
  fleets?: Record<string, Fleet>;
  /** Accepted X-Auth-Token values for nova/vpc/hss that never expire; default [DEMO_OS_TOKEN]. */
  osTokens?: string[];
  /** Accepted ZStack sessions that never expire; default [DEMO_ZSTACK_SESSION]. */
  zstackSessions?: string[];
  /** Who may log in at `POST /v3/auth/tokens`; default [DEMO_USER]. */
  users?: SimUser[];
  /** Lifetime of an issued Keystone token; default 3,600,000 (1 h). */
  tokenTtlMs?: number;
  /** Who may log in at `PUT /zstack/v1/accounts/login`; default [DEMO_ZSTACK_ACCOUNT]. */
  zstackAccounts?: SimZstackAccount[];
  /** Idle lifetime of an issued ZStack session, renewed by every call it makes; default 7,200,000 (2 h). */
  sessionTtlMs?: number;
  /** Keys accepted for SDK-HMAC-SHA256 signatures on the ports API and HSS; default [DEMO_AKSK]. */
  akSk?: SimAkSk[];
  /** Added before every answer; default 0. */
  latencyMs?: number;
  /** Nova's `[api] max_limit`: the largest `servers/detail` page it serves; default 1000. */
  novaMaxLimit?: number;
  /**
   * Most log entries kept; past it the oldest tenth is dropped. Default 100,000, so a long-running
   * demo does not grow without bound.
   */
  logLimit?: number;
}

export interface Simulator extends ControlTarget {
  /** 'http://127.0.0.1:PORT', no trailing slash. */
  url: string;
  projectId: string;
  fleet: Fleet;
  /**
   * Stops accepting connections and drops open ones, keeping all state: until `startListening()`
   * every connection to `url` is refused.
   */
  stopListening(): Promise<void>;
  /** Listens again on the same host and port, so `url` stays valid. */
  startListening(): Promise<void>;
  /** Closes the listener and every open socket. */
  close(): Promise<void>;
}

/**
 * Starts the simulated cloud: Keystone, Nova, the Huawei ports API, HSS and ZStack on one loopback
 * port.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = new SimulatedCloud(options);
  await sim.listen(options.host ?? '127.0.0.1', options.port ?? 0);
  return sim;
}

// Callers' Huawei tokens run to 100 KB, and portgraph passes them on (context.ts).
const MAX_HEADER_BYTES = 128 * 1024;
const DEFAULT_LOG_LIMIT = 100_000;
const EMPTY = Buffer.alloc(0);

class SimulatedCloud implements Simulator {
  url = '';
  readonly projectId: string;
  readonly fleet: Fleet;
  readonly log: CallLogEntry[] = [];
  private readonly index: FleetIndex;
  private readonly indexByPrincipal = new Map<string, FleetIndex>();
  private readonly identity: Identity;
  private readonly faults = new FaultQueue();
  private readonly timers = new Set<NodeJS.Timeout>();
  private latencyMs: number;
  private readonly novaMaxLimit: number | undefined;
  private readonly logLimit: number;
  private readonly server: Server;
  private bound: { host: string; port: number } | undefined;

  constructor(options: SimulatorOptions) {
    this.fleet = options.fleet ?? generateFleet();
    this.projectId = this.fleet.projectId;
    this.index = buildFleetIndex(this.fleet);
    const byFleet = new Map<Fleet, FleetIndex>([[this.fleet, this.index]]);
    for (const [principal, fleet] of Object.entries(options.fleets ?? {})) {
      if (fleet.projectId !== this.projectId) {
        throw new Error(`fleets['${principal}'] has project ${fleet.projectId}, not ${this.projectId}`);
      }
      let index = byFleet.get(fleet);
      if (index === undefined) byFleet.set(fleet, (index = buildFleetIndex(fleet)));
      this.indexByPrincipal.set(principal, index);
    }
    this.identity = new Identity({
      osTokens: options.osTokens ?? [DEMO_OS_TOKEN],
      zstackSessions: options.zstackSessions ?? [DEMO_ZSTACK_SESSION],
      users: options.users ?? [DEMO_USER],
      tokenTtlMs: options.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS,
      zstackAccounts: options.zstackAccounts ?? [DEMO_ZSTACK_ACCOUNT],
      sessionTtlMs: options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
      akSk: options.akSk ?? [DEMO_AKSK],
    });
    this.latencyMs = options.latencyMs ?? 0;
    this.novaMaxLimit = options.novaMaxLimit;
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

  expireTokens = (): void => {
    this.identity.expireAll(Date.now());
  };

  logins = (): { keystone: number; zstack: number } => this.identity.logins();

  stopListening = async (): Promise<void> => {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  };

  startListening = async (): Promise<void> => {
    if (this.server.listening || this.bound === undefined) return;
    await this.listen(this.bound.host, this.bound.port);
  };

  close = async (): Promise<void> => {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.stopListening();
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
    this.bound = { host, port: address.port };
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
    const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
    if (path === '/__sim' || path.startsWith('/__sim/')) {
      handleControl(req, res, path, this).catch((err: unknown) => this.fail(res, err));
      return;
    }

    const query = Object.fromEntries(new URLSearchParams(rawQuery));
    const method = req.method ?? 'GET';
    const match = matchRoute(method, path, this.projectId);
    const source = match?.route.source ?? sourceOfPath(path);
    const entry: CallLogEntry = {
      at: Date.now(),
      source,
      route: match?.route.name ?? 'unknown',
      method,
      path,
      query,
      status: 0,
      ...credentialOf(req.headers, source),
    };
    this.log.push(entry);
    if (this.log.length > this.logLimit) this.log.splice(0, Math.ceil(this.logLimit / 10));

    const fault = match && this.faults.take(match.route.name, { path, query });
    const delay = this.latencyMs + (fault?.delayMs ?? 0);
    const proceed = (body: Buffer | undefined): void => {
      const answer = (): void => this.answer(req, res, entry, { match, fault, rawQuery, body });
      if (delay <= 0) {
        answer();
        return;
      }
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        answer();
      }, delay);
      this.timers.add(timer);
    };
    // Bodies matter to the login routes and to AK/SK signatures; a bodiless GET stays synchronous.
    if (match === undefined || !hasBody(req.headers)) proceed(EMPTY);
    else readBody(req).then(proceed, (err: unknown) => this.fail(res, err));
  }

  private answer(
    req: IncomingMessage,
    res: ServerResponse,
    entry: CallLogEntry,
    call: { match: RouteMatch | undefined; fault: Fault | undefined; rawQuery: string; body: Buffer | undefined },
  ): void {
    const { match, fault } = call;
    if (res.destroyed || req.socket.destroyed) return;
    if (fault?.reset) {
      req.socket.destroy();
      return;
    }
    const base = sourceHeaders(entry.source);
    if (fault?.oversizeBytes !== undefined) {
      entry.status = 200;
      streamOversize(res, fault.oversizeBytes, mergeHeaders(JSON_TYPE, base, fault.headers));
      return;
    }
    try {
      let answer: Answer;
      if (match === undefined) {
        answer = text(404, `404 Not Found\n\nNo upstream route for ${entry.method} ${entry.path}\n`);
      } else if (call.body === undefined) {
        answer = text(413, `request body over ${MAX_BODY_BYTES} bytes`);
      } else {
        answer = this.routeAnswer(match, fault, {
          method: entry.method,
          rawPath: entry.path,
          rawQuery: call.rawQuery,
          params: match.params,
          query: entry.query,
          baseUrl: req.headers.host ? `http://${req.headers.host}` : this.url,
          headers: req.headers,
          body: call.body,
          now: Date.now(),
        });
      }
      entry.status = answer.status;
      if (answer.principal !== undefined) entry.principal = answer.principal;
      writeAnswer(res, answer, base, fault?.headers);
    } catch (err) {
      entry.status = 500;
      this.fail(res, err);
    }
  }

  /** A fault replaces the whole answer, auth included: it stands for the gateway or network failing. */
  private routeAnswer(match: RouteMatch, fault: Fault | undefined, req: RequestInfo): Answer {
    const { source, name } = match.route;
    if (fault?.malformed) return malformedAnswer(name);
    if (fault?.body !== undefined) {
      return { status: fault.status ?? 200, body: fault.body, contentType: fault.contentType ?? JSON_TYPE };
    }
    if (fault?.status !== undefined) return faultAnswer(source, fault.status, req.baseUrl);

    const auth = match.route.authorize?.(req, this.identity);
    if (auth !== undefined && 'refused' in auth) return auth.refused;
    const principal = auth?.principal;
    const index = (principal === undefined ? undefined : this.indexByPrincipal.get(principal)) ?? this.index;
    const answer = match.route.handle({ ...req, index, identity: this.identity, projectId: this.projectId, novaMaxLimit: this.novaMaxLimit });
    if (answer.principal === undefined && principal !== undefined) return { ...answer, principal };
    return answer;
  }

  private fail(res: ServerResponse, err: unknown): void {
    if (res.headersSent || res.destroyed) return;
    writeAnswer(res, text(500, `simulator error: ${err instanceof Error ? err.message : String(err)}`));
  }
}

function hasBody(headers: IncomingHttpHeaders): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

/** The credential a request carried, preferring the kind its upstream uses. */
function credentialOf(
  headers: IncomingHttpHeaders,
  source: SimSource | 'unknown',
): Pick<CallLogEntry, 'auth' | 'credential'> {
  if ((source === 'vpc' || source === 'hss') && isSdkSigned(headers.authorization)) {
    const ak = parseSdkAuthorization(headers.authorization)?.ak;
    return ak === undefined ? { auth: 'aksk' } : { auth: 'aksk', credential: ak };
  }
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
    case 'keystone':
      return { 'x-openstack-request-id': `req-${randomUUID()}` };
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
