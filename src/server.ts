import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { useArgumentChecks } from './argument-checks.js';
import type { Config } from './config.js';
import { contextFactory, type Context } from './context.js';
import { maskError } from './error-masking.js';
import { EXAMPLE_QUERY } from './example-query.js';
import type { Sources } from './loaders/index.js';
import { buildSchema } from './schema.js';
import { createHttp, type Http } from './sources/http.js';
import { HssClient } from './sources/hss.js';
import { NovaClient } from './sources/nova.js';
import { VpcClient } from './sources/vpc.js';
import { ZstackClient } from './sources/zstack.js';

export interface Portgraph {
  yoga: YogaServerInstance<Record<string, never>, Context>;
  close(): Promise<void>;
}

export type UpstreamSettings = Pick<
  Config,
  'novaUrl' | 'vpcUrl' | 'hssUrl' | 'zstackUrl' | 'projectId' | 'osToken' | 'zstackSessionId' | 'upstreamTimeoutMs'
>;

function createSources(config: UpstreamSettings, http: Http): Sources {
  const project = config.projectId ?? '';
  const at = <T>(baseUrl: string | undefined, make: (baseUrl: string) => T) =>
    baseUrl === undefined ? undefined : make(baseUrl);
  return {
    nova: at(config.novaUrl, (baseUrl) => new NovaClient({ baseUrl, projectId: project, http })),
    vpc: at(config.vpcUrl, (baseUrl) => new VpcClient({ baseUrl, projectId: project, http })),
    hss: at(config.hssUrl, (baseUrl) => new HssClient({ baseUrl, projectId: project, http })),
    zstack: at(config.zstackUrl, (baseUrl) => new ZstackClient({ baseUrl, http })),
  };
}

/** The GraphQL server over the configured upstreams. Process-wide things are made here, once. */
export function createPortgraph(config: UpstreamSettings): Portgraph {
  const http = createHttp({ timeoutMs: config.upstreamTimeoutMs });
  const sources = createSources(config, http);
  const yoga = createYoga<Record<string, never>, Context>({
    schema: buildSchema(),
    context: contextFactory({
      sources,
      shared: { portWalk: { pages: undefined } },
      osToken: config.osToken,
      zstackSessionId: config.zstackSessionId,
    }),
    plugins: [useArgumentChecks()],
    maskedErrors: { maskError },
    graphiql: { title: 'portgraph', defaultQuery: EXAMPLE_QUERY },
    renderGraphiQL,
    landingPage: false,
    logging: false,
  });
  return { yoga, close: () => http.close() };
}
