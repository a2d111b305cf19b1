export type SimSource = 'nova' | 'vpc' | 'hss' | 'zstack';

export type RouteName =
  | 'nova.servers.detail'
  | 'nova.server'
  | 'nova.interfaces'
  | 'vpc.ports'
  | 'hss.ports'
  | 'hss.statistics'
  | 'zstack.usedports';

export const ROUTE_NAMES: readonly RouteName[] = [
  'nova.servers.detail',
  'nova.server',
  'nova.interfaces',
  'vpc.ports',
  'hss.ports',
  'hss.statistics',
  'zstack.usedports',
];

export interface Fault {
  /** Extra delay before answering (with nothing else set: answer normally after the delay). */
  delayMs?: number;
  /** Answer with this status and a body in the route's documented error shape, unless `body` is given. */
  status?: number;
  /** Raw body to send (status defaults to 200), e.g. an HTML error page, truncated JSON, ''. */
  body?: string;
  /** With `body`; default 'application/json'. */
  contentType?: string;
  /** Extra response headers, e.g. { 'retry-after': '1' }. */
  headers?: Record<string, string>;
  /** Destroy the socket without answering (connection reset). */
  reset?: boolean;
  /** 200 with a body that is not JSON. */
  malformed?: boolean;
  /** How many matching requests it applies to; default: every one until cleared. */
  times?: number;
  /** Only these requests. */
  match?: (req: { path: string; query: Record<string, string> }) => boolean;
}

export interface CallLogEntry {
  /** Date.now() at arrival. */
  at: number;
  source: SimSource | 'unknown';
  route: RouteName | 'unknown';
  method: string;
  /** The raw path as received, without the query string (percent-encoding preserved). */
  path: string;
  query: Record<string, string>;
  /** Status answered (0 for reset, or while the answer is pending). */
  status: number;
  auth: 'x-auth-token' | 'oauth' | 'none';
  /** The token or session it carried. */
  credential?: string;
}

/** One HTTP answer, before the simulator adds its per-source headers. */
export interface Answer {
  status: number;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
}
