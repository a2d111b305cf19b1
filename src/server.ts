import { createYoga, type GraphiQLOptions, type YogaServerInstance } from 'graphql-yoga';
import { useArgumentChecks } from './argument-checks.js';
import type { Config } from './config.js';
import { contextFactory, sessionAuthenticator, tokenAuthenticator, type ConfiguredCredentials, type Context } from './context.js';
import { akSkAuthenticator, PasswordLogin, ZstackLogin } from './credentials/index.js';
import { createMaskError } from './error-masking.js';
import { EXAMPLE_QUERY } from './example-query.js';
import { useBufferedBodies } from './execution/buffered-body.js';
import { useJit } from './execution/jit.js';
import type { Sources } from './loaders/index.js';
import { createLogger, type Logger } from './logging.js';
import { buildSchema } from './schema.js';
import { createHttp, type CallEvent, type Http, type HttpOptions } from './sources/http.js';
import { HssClient } from './sources/hss.js';
import { NovaClient } from './sources/nova.js';
import { VpcClient } from './sources/vpc.js';
import { ZstackClient } from './sources/zstack.js';
import { traceOf, useUpstreamTrace } from './trace.js';

export interface Portgraph {
  yoga: YogaServerInstance<Record<string, never>, Context>;
  http: Http;
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

function logCall(logger: Logger, event: CallEvent): void {
  const quiet = event.outcome === 'ok' || event.outcome === 'cache-hit' || event.outcome === 'coalesced';
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
  const http = createHttp({
    ...settings.http,
    ...(settings.upstreamCacheTtlMs > 0 && { cache: { ttlMs: settings.upstreamCacheTtlMs } }),
    timeoutMs: settings.upstreamTimeoutMs,
    onEvent: (event) => logCall(logger, event),
  });
  const yoga = createYoga<Record<string, never>, Context>({
    schema: buildSchema(),
    context: contextFactory({
      sources: createSources(settings, http),
      shared: { portWalk: { pages: undefined } },
      credentials: createCredentials(settings),
      requestDeadlineMs: settings.requestDeadlineMs,
      observe: (request) => (event) => traceOf(request).record(event),
    }),
    plugins: [useArgumentChecks(), useUpstreamTrace(), useJit(logger), useBufferedBodies()],
    maskedErrors: { maskError: createMaskError(logger) },
    graphiql: { title: 'portgraph', defaultQuery: EXAMPLE_QUERY },
    renderGraphiQL: renderGraphiQLLazily,
    landingPage: false,
    logging: false,
  });
  return { yoga, http, close: () => http.close() };
}

/**
 * GraphiQL's page inlines a 9 MB script that takes about 30 MiB of heap once loaded. It is loaded
 * when someone first opens GraphiQL, so a server that only answers queries never holds it.
 */
async function renderGraphiQLLazily(options: GraphiQLOptions): Promise<string> {
  const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
  return renderGraphiQL(options);
}
