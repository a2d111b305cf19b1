export { credentialId, headerAuth } from './auth.js';
export type { Authenticator, OutgoingRequest } from './auth.js';
export { UpstreamError, isUpstreamError, notConfigured } from './errors.js';
export type { SourceName, UpstreamErrorCode, UpstreamErrorInit } from './errors.js';
export {
  classifyStatus,
  errorParsers,
  parseHuaweiError,
  parseNovaError,
  parseZstackError,
} from './error-envelopes.js';
export type { ErrorParser, ParsedError } from './error-envelopes.js';
export { DEFAULT_MAX_CONCURRENT_PER_SOURCE, DEFAULT_MAX_RESPONSE_BYTES, buildUrl, createHttp } from './http.js';
export type {
  BreakerOptions,
  BreakerState,
  CacheOptions,
  CacheStats,
  CallEvent,
  CallOutcome,
  CallScope,
  Clock,
  Http,
  HttpOptions,
  HttpRequest,
  HttpResponse,
  ResponseHeaders,
  RetryBudgetCounters,
  RetryBudgetOptions,
  RetryOptions,
} from './http.js';
export { DEFAULT_CACHE_MAX_BYTES, DEFAULT_CACHE_MAX_ENTRIES } from './upstream-cache.js';
export { NOVA_MAX_LIMIT, NovaClient } from './nova.js';
export type { NovaClientOptions } from './nova.js';
export { VPC_MAX_LIMIT, VpcClient } from './vpc.js';
export type { ListAllPortsOptions, VpcClientOptions } from './vpc.js';
export { HSS_MAX_LIMIT, HSS_MAX_OFFSET, HSS_MIN_LIMIT, HssClient } from './hss.js';
export type { HssClientOptions, HssOpenPortQuery } from './hss.js';
export { ZstackClient } from './zstack.js';
export type { ZstackClientOptions, ZstackProtocol } from './zstack.js';
export type * from './records.js';
