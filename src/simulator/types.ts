export type SimSource = 'nova' | 'vpc' | 'hss' | 'zstack' | 'keystone';

export type RouteName =
  | 'nova.servers.detail'
  | 'nova.server'
  | 'nova.interfaces'
  | 'vpc.ports'
  | 'hss.ports'
  | 'hss.statistics'
  | 'zstack.usedports'
  | 'zstack.login'
  | 'keystone.tokens';

export const ROUTE_NAMES: readonly RouteName[] = [
  'nova.servers.detail',
  'nova.server',
  'nova.interfaces',
  'vpc.ports',
  'hss.ports',
  'hss.statistics',
  'zstack.usedports',
  'zstack.login',
  'keystone.tokens',
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
  /**
   * 200 `application/json`, streamed in chunks without a content-length: a valid JSON array of
   * exactly this many bytes (at least 2), for testing a client's response size cap.
   */
  oversizeBytes?: number;
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
  auth: 'x-auth-token' | 'oauth' | 'aksk' | 'none';
  /** The token or session it carried, or the AK it was signed with. */
  credential?: string;
  /**
   * Who the request was authenticated as: the Keystone user name, the AK, the ZStack account name,
   * or the static token or session itself. Absent when it was refused, faulted or not authenticated.
   */
  principal?: string;
}

/** One HTTP answer, before the simulator adds its per-source headers. */
export interface Answer {
  status: number;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
  /** For the call log: who a login answered for. */
  principal?: string;
}
