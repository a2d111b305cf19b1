import type { IncomingHttpHeaders } from 'node:http';
import type { FleetIndex } from './fleet-index.js';
import { authorizeHuawei, listOpenPorts, listPortStatistics, listPorts } from './huawei-routes.js';
import { authorizeNova, listInterfaces, listServersDetail, showServer } from './nova-routes.js';
import type { Answer, RouteName, SimSource } from './types.js';
import { authorizeZstack, getVipUsedPorts } from './zstack-routes.js';

export interface RouteContext {
  index: FleetIndex;
  /** Percent-decoded path parameters (`id`, `uuid`). */
  params: Record<string, string>;
  query: Record<string, string>;
  /** `http://<Host header>`: where the caller reached us, for links. */
  baseUrl: string;
  headers: IncomingHttpHeaders;
  osTokens: ReadonlySet<string>;
  zstackSessions: ReadonlySet<string>;
}

type Handler = (ctx: RouteContext) => Answer;

interface Route {
  name: RouteName;
  source: SimSource;
  segments: string[];
  handle: Handler;
}

const route = (name: RouteName, source: SimSource, pattern: string, handle: Handler): Route => ({
  name,
  source,
  segments: pattern.split('/'),
  handle,
});

/** First match wins: literal `detail` is tried before `:id`. */
const ROUTES: Route[] = [
  route('nova.servers.detail', 'nova', '/v2.1/:project/servers/detail', listServersDetail),
  route('nova.server', 'nova', '/v2.1/:project/servers/:id', showServer),
  route('nova.interfaces', 'nova', '/v2.1/:project/servers/:id/os-interface', listInterfaces),
  route('vpc.ports', 'vpc', '/v2/:project/ports', listPorts),
  route('hss.ports', 'hss', '/v5/:project/asset/ports', listOpenPorts),
  route('hss.statistics', 'hss', '/v5/:project/asset/port/statistics', listPortStatistics),
  route('zstack.usedports', 'zstack', '/zstack/v1/vips/:uuid/usedports', getVipUsedPorts),
];

/** Auth runs before the handler; an answer means the request was refused. */
export const AUTHORIZE: Record<SimSource, (ctx: RouteContext) => Answer | undefined> = {
  nova: authorizeNova,
  vpc: authorizeHuawei,
  hss: authorizeHuawei,
  zstack: authorizeZstack,
};

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/**
 * Splits on `/` first and decodes each segment after, so an encoded `/`, `?`, `#` or `..` stays
 * inside one segment (one unknown id) and can never reach another route.
 */
export function matchRoute(rawPath: string, projectId: string): RouteMatch | undefined {
  const segments = decodeSegments(rawPath);
  if (segments === undefined) return undefined;
  for (const r of ROUTES) {
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
    case 'zstack':
      return 'zstack';
    default:
      return 'unknown';
  }
}
