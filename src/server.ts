import { createYoga, type GraphiQLOptions, type YogaServerInstance } from 'graphql-yoga';
import { useArgumentChecks } from './argument-checks.js';
import { DEFAULT_LIMITS, type Config } from './config.js';
import { contextFactory, sessionAuthenticator, tokenAuthenticator, type ConfiguredCredentials, type Context } from './context.js';
import { akSkAuthenticator, PasswordLogin, ZstackLogin, zstackPasswordHash } from './credentials/index.js';
import { createMaskError } from './error-masking.js';
import { EXAMPLE_QUERY } from './example-query.js';
import { useBufferedBodies } from './execution/buffered-body.js';
import { boundedDocumentCache, useDocumentLimits } from './execution/document-limits.js';
import { useJit } from './execution/jit.js';
import { useRequestLimits } from './execution/limits-plugin.js';
import { costAssumptions, type LoaderShared, type Sources } from './loaders/index.js';
import { createLogger, type Logger } from './logging.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createReadiness, type ReadinessReport } from './readiness.js';
import { buildSchema } from './schema.js';
import { securityOptions } from './security/index.js';
import { createHttp, type CallEvent, type Http, type HttpOptions } from './sources/http.js';
import { HssClient } from './sources/hss.js';
import { NovaClient } from './sources/nova.js';
import { VpcClient } from './sources/vpc.js';
import { ZstackClient } from './sources/zstack.js';
import { traceOf, useUpstreamTrace } from './trace.js';

export interface Portgraph {
  yoga: YogaServerInstance<Record<string, never>, Context>;
  http: Http;
  /** Served at `/metrics`. */
  metrics: Metrics;
  /** Served at `/readyz`: per source, configured or not, its breaker and its last call. */
  readiness(): ReadinessReport;
  close(): Promise<void>;
}

export type PortgraphSettings = Pick<
  Config,
  | 'novaUrl'
  | 'vpcUrl'
  | 'hssUrl'
  | 'zstackUrl'
  | 'projectId'
  | 'osToken'
  | 'passwordLogin'
  | 'akSk'
  | 'zstackSessionId'
  | 'zstackAccount'
  | 'upstreamTimeoutMs'
  | 'requestDeadlineMs'
  | 'upstreamCacheTtlMs'
> &
  Partial<Pick<Config, 'host' | 'apiKeys' | 'corsOrigins' | 'graphiql' | 'introspection' | 'limits'>> & {
  logger?: Logger;
  /** Tuning of the request path (retries, breaker, bounds); tests shorten it. */
  http?: Partial<Omit<HttpOptions, 'timeoutMs' | 'onEvent'>>;
};

function createSources(settings: PortgraphSettings, http: Http): Sources {
  const project = settings.projectId ?? '';
  const at = <T>(baseUrl: string | undefined, make: (baseUrl: string) => T) =>
    baseUrl === undefined ? undefined : make(baseUrl);
  return {
    nova: at(settings.novaUrl, (baseUrl) => new NovaClient({ baseUrl, projectId: project, http })),
    vpc: at(settings.vpcUrl, (baseUrl) => new VpcClient({ baseUrl, projectId: project, http })),
    hss: at(settings.hssUrl, (baseUrl) => new HssClient({ baseUrl, projectId: project, http })),
    zstack: at(settings.zstackUrl, (baseUrl) => new ZstackClient({ baseUrl, http })),
  };
}

/**
 * One login is shared by Nova, the ports API and HSS (a Keystone or IAM token serves all three);
 * AK/SK signing, when configured, takes the ports API and HSS. A static token wins over a login.
 */
function createCredentials(settings: PortgraphSettings): ConfiguredCredentials {
  const { osToken, passwordLogin, akSk, projectId = '', zstackSessionId, zstackAccount } = settings;
  const timeoutMs = settings.upstreamTimeoutMs;
  const token =
    osToken !== undefined
      ? tokenAuthenticator(osToken)
      : passwordLogin !== undefined
        ? new PasswordLogin({ ...passwordLogin, projectId, source: 'nova', timeoutMs }).authenticator()
        : undefined;
  const zstack =
    zstackSessionId !== undefined
      ? sessionAuthenticator(zstackSessionId)
      : zstackAccount !== undefined && settings.zstackUrl !== undefined
        ? new ZstackLogin({
            baseUrl: settings.zstackUrl,
            accountName: zstackAccount.name,
            password: zstackAccount.password,
            timeoutMs,
          }).authenticator()
        : undefined;
  return {
    nova: token,
    huawei: akSk !== undefined ? akSkAuthenticator({ ...akSk, projectId }) : token,
    zstack,
  };
}

/** Everything configured that must never appear in an answer or a log line, even echoed by an upstream. */
function configuredSecrets(settings: PortgraphSettings): string[] {
  const { osToken, passwordLogin, akSk, zstackSessionId, zstackAccount } = settings;
  const secrets = [osToken, passwordLogin?.password, akSk?.ak, akSk?.sk, zstackSessionId, ...(settings.apiKeys ?? [])];
  if (zstackAccount !== undefined) {
    // ZStack is sent the password's SHA-512, and may echo that.
    secrets.push(zstackAccount.password, zstackPasswordHash(zstackAccount.password));
  }
  return secrets.filter((secret): secret is string => secret !== undefined);
}

function logCall(logger: Logger, event: CallEvent): void {
  // A 404 is how Nova says a device is not a server, and an aborted call was no longer wanted.
  const quiet = event.outcome === 'ok' || event.outcome === 'cache-hit' || event.outcome === 'coalesced' || event.outcome === 'aborted' || event.code === 'NOT_FOUND';
  // Called for every upstream attempt: build nothing when the level is off.
  if (!logger.isLevelEnabled(quiet ? 'debug' : 'warn')) return;
  const { source, path, status, attempt, code, outcome } = event;
  const fields = { source, path, status, attempt, ms: Math.round(event.ms), code, outcome };
  if (quiet) logger.debug(fields, 'upstream call');
  else logger.warn(fields, `upstream call ${outcome}`);
}

/** The GraphQL server over the configured upstreams. Process-wide things are made here, once. */
export function createPortgraph(settings: PortgraphSettings): Portgraph {
  const logger = settings.logger ?? createLogger('silent');
  const metrics = createMetrics();
  const readiness = createReadiness({
    nova: settings.novaUrl !== undefined,
    vpc: settings.vpcUrl !== undefined,
    hss: settings.hssUrl !== undefined,
    zstack: settings.zstackUrl !== undefined,
  });
  const secrets = configuredSecrets(settings);
  const http = createHttp({
    ...settings.http,
    secrets,
    ...(settings.upstreamCacheTtlMs > 0 && { cache: { ttlMs: settings.upstreamCacheTtlMs } }),
    timeoutMs: settings.upstreamTimeoutMs,
    onEvent: (event) => {
      logCall(logger, event);
      metrics.recordCall(event);
      readiness.record(event);
    },
  });
  const security = securityOptions(settings);
  const limits = settings.limits ?? DEFAULT_LIMITS;
  const shared: LoaderShared = { portWalk: { pages: undefined }, serverWalk: { pages: undefined } };
  const yoga = createYoga<Record<string, never>, Context>({
    schema: buildSchema(),
    context: contextFactory({
      sources: createSources(settings, http),
      shared,
      credentials: createCredentials(settings),
      requestDeadlineMs: settings.requestDeadlineMs,
      limits,
      trace: traceOf,
    }),
    plugins: [...security.plugins, useDocumentLimits(limits), useArgumentChecks(), ...(security.tracing ? [useUpstreamTrace()] : []), useJit(logger), useRequestLimits(limits.maxUpstreamCalls, () => costAssumptions(shared)), useBufferedBodies()],
    maskedErrors: { maskError: createMaskError(logger, secrets) },
    cors: security.cors,
    graphiql: security.graphiql({ title: 'portgraph', defaultQuery: EXAMPLE_QUERY }),
    renderGraphiQL: renderGraphiQLLazily,
    parserAndValidationCache: boundedDocumentCache(),
    // The schema takes no file uploads: no multipart request is read at all.
    multipart: false,
    landingPage: false,
    logging: false,
  });
  return { yoga, http, metrics, readiness: () => readiness.report((source) => http.breakerState(source)), close: () => http.close() };
}

/**
 * GraphiQL's page inlines a 9 MB script that takes about 30 MiB of heap once loaded. It is loaded
 * when someone first opens GraphiQL, so a server that only answers queries never holds it.
 */
async function renderGraphiQLLazily(options: GraphiQLOptions): Promise<string> {
  const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
  return renderGraphiQL(options);
}
