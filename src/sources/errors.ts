/** The upstreams portgraph reads. The name appears in every error a client sees. */
export type SourceName = 'nova' | 'vpc' | 'hss' | 'zstack';

/** What a client can act on; this is `extensions.code` in the GraphQL response. */
export type UpstreamErrorCode =
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_REQUEST'
  | 'RATE_LIMITED'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_BAD_RESPONSE'
  | 'SOURCE_NOT_CONFIGURED';

export interface UpstreamErrorInit {
  source: SourceName;
  code: UpstreamErrorCode;
  /** HTTP status the upstream answered with; undefined when no answer came (timeout, reset). */
  status?: number | undefined;
  /** The upstream's own error code (`HSS.0001`, `APIGW.0308`, `itemNotFound`, `SYS.1003`…). */
  upstreamCode?: string | undefined;
  /** Safe to show a client: never a token, URL with credentials or stack. */
  message: string;
  retryable: boolean;
  /** How long the upstream asked us to wait (`Retry-After`, Nova `overLimit.retryAfter`), if it said. */
  retryAfterMs?: number | undefined;
  /** The transport error behind this one, for debugging; never part of the message. */
  cause?: unknown;
}

/** Every failure of an upstream call, mapped once at the source boundary. */
export class UpstreamError extends Error {
  readonly source: SourceName;
  readonly code: UpstreamErrorCode;
  readonly status: number | undefined;
  readonly upstreamCode: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(init: UpstreamErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'UpstreamError';
    this.source = init.source;
    this.code = init.code;
    this.status = init.status;
    this.upstreamCode = init.upstreamCode;
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** The same failure told as the given source's: a shared login fails the field that needed it. */
  forSource(source: SourceName): UpstreamError {
    if (source === this.source) return this;
    const { code, status, upstreamCode, retryable, retryAfterMs, message, cause } = this;
    return new UpstreamError({ source, code, status, upstreamCode, retryable, retryAfterMs, message, cause });
  }
}

export function isUpstreamError(e: unknown): e is UpstreamError {
  return e instanceof UpstreamError;
}

export function notConfigured(source: SourceName): UpstreamError {
  return new UpstreamError({
    source,
    code: 'SOURCE_NOT_CONFIGURED',
    message: `The ${source} source is not configured on this server`,
    retryable: false,
  });
}
