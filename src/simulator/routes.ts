import type { IncomingHttpHeaders } from 'node:http';
import type { FleetIndex } from './fleet-index.js';
import { authorizeHuawei, listOpenPorts, listPortStatistics, listPorts } from './huawei-routes.js';
import type { Identity } from './identity.js';
import { createToken } from './keystone-routes.js';
import { authorizeNova, listInterfaces, listServersDetail, showServer } from './nova-routes.js';
import type { Answer, RouteName, SimSource } from './types.js';
import { authorizeZstack, getVipUsedPorts, logInByAccount } from './zstack-routes.js';

/** One request as received, before anyone has looked at its credentials. */
export interface RequestInfo {
  method: string;
  /** The path as received (percent-encoding preserved), without the query string. */
  rawPath: string;
  /** The query string as received, without `?`. */
  rawQuery: string;
  /** Percent-decoded path parameters (`id`, `uuid`). */
  params: Record<string, string>;
  query: Record<string, string>;
  /** `http://<Host header>`: where the caller reached us, for links. */
  baseUrl: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Date.now() when the answer is being made. */
  now: number;
}

export interface RouteContext extends RequestInfo {
  /** The fleet the authenticated caller sees. */
  index: FleetIndex;
  identity: Identity;
  projectId: string;
  /** Nova's page cap, when the simulator was given one. */
  novaMaxLimit?: number | undefined;
}

/** Who the request is from, or the answer refusing it. */
export type AuthResult = { principal: string } | { refused: Answer };

type Authorizer = (req: RequestInfo, identity: Identity) => AuthResult;
type Handler = (ctx: RouteContext) => Answer;

interface Route {
  name: RouteName;
  source: SimSource;
  method: 'GET' | 'POST' | 'PUT';
  segments: string[];
  /** Runs before the handler; none for the login routes. */
  authorize: Authorizer | undefined;
  handle: Handler;
}

const route = (
  name: RouteName,
  source: SimSource,
  method: Route['method'],
  pattern: string,
  authorize: Authorizer | undefined,
  handle: Handler,
): Route => ({ name, source, method, segments: pattern.split('/'), authorize, handle });

/** First match wins: literal `detail` is tried before `:id`. */
const ROUTES: Route[] = [
  route('nova.servers.detail', 'nova', 'GET', '/v2.1/:project/servers/detail', authorizeNova, listServersDetail),
  route('nova.server', 'nova', 'GET', '/v2.1/:project/servers/:id', authorizeNova, showServer),
  route('nova.interfaces', 'nova', 'GET', '/v2.1/:project/servers/:id/os-interface', authorizeNova, listInterfaces),
  route('vpc.ports', 'vpc', 'GET', '/v2/:project/ports', authorizeHuawei, listPorts),
  route('hss.ports', 'hss', 'GET', '/v5/:project/asset/ports', authorizeHuawei, listOpenPorts),
  route('hss.statistics', 'hss', 'GET', '/v5/:project/asset/port/statistics', authorizeHuawei, listPortStatistics),
  route('zstack.usedports', 'zstack', 'GET', '/zstack/v1/vips/:uuid/usedports', authorizeZstack, getVipUsedPorts),
  route('zstack.login', 'zstack', 'PUT', '/zstack/v1/accounts/login', undefined, logInByAccount),
  route('keystone.tokens', 'keystone', 'POST', '/v3/auth/tokens', undefined, createToken),
];

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/**
 * Splits on `/` first and decodes each segment after, so an encoded `/`, `?`, `#` or `..` stays
 * inside one segment (one unknown id) and can never reach another route.
 */
export function matchRoute(method: string, rawPath: string, projectId: string): RouteMatch | undefined {
  const segments = decodeSegments(rawPath);
  if (segments === undefined) return undefined;
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const params = matchSegments(r.segments, segments, projectId);
    if (params !== undefined) return { route: r, params };
  }
  return undefined;
}

function decodeSegments(rawPath: string): string[] | undefined {
  try {
    return rawPath.split('/').map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

function matchSegments(pattern: string[], actual: string[], projectId: string): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] ?? '';
    const a = actual[i] ?? '';
    if (!p.startsWith(':')) {
      if (p !== a) return undefined;
    } else if (a === '' || (p === ':project' && a !== projectId)) {
      return undefined;
    } else {
      params[p.slice(1)] = a;
    }
  }
  return params;
}

/** Which upstream an unmatched path was aimed at, for the call log. */
export function sourceOfPath(rawPath: string): SimSource | 'unknown' {
  const first = rawPath.split('/')[1];
  switch (first) {
    case 'v2.1':
      return 'nova';
    case 'v2':
      return 'vpc';
    case 'v5':
      return 'hss';
    case 'v3':
      return 'keystone';
    case 'zstack':
      return 'zstack';
    default:
      return 'unknown';
  }
}
