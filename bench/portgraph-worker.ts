// portgraph (or the naive resolver set) in a process of its own, pointed at the simulated cloud,
// with the bench's CPU and memory routes (see bench-server.ts).
import { createYoga } from 'graphql-yoga';
import { limitHeapGrowth } from '../src/heap.js';
import { createHttpServer } from '../src/http-server.js';
import { createPortgraph } from '../src/server.js';
import { DEMO_OS_TOKEN, DEMO_PROJECT_ID, simulatedCloudSettings } from '../src/simulator/index.js';
import { createHttp } from '../src/sources/http.js';
import { HssClient } from '../src/sources/hss.js';
import { NovaClient } from '../src/sources/nova.js';
import { VpcClient } from '../src/sources/vpc.js';
import { tokenAuthenticator } from '../src/context.js';
import { listenWithBenchRoutes } from './bench-server.js';
import { buildNaiveSchema, type NaiveContext } from './naive-resolvers.js';

const simUrl = process.env['SIM_URL'] ?? '';
const mode = process.env['MODE'] ?? 'portgraph';
const settings = { upstreamTimeoutMs: 30_000, requestDeadlineMs: 120_000, upstreamCacheTtlMs: 0 };

function handler() {
  if (mode === 'naive') {
    const http = createHttp({ timeoutMs: settings.upstreamTimeoutMs });
    const base = { baseUrl: simUrl, projectId: DEMO_PROJECT_ID, http };
    const clients = { nova: new NovaClient(base), vpc: new VpcClient(base), hss: new HssClient(base) };
    const auth = tokenAuthenticator(DEMO_OS_TOKEN);
    return createYoga<Record<string, never>, NaiveContext>({
      schema: buildNaiveSchema(),
      context: () => ({ ...clients, scope: { auth, deadline: Date.now() + settings.requestDeadlineMs } }),
      graphiql: false,
      logging: false,
    });
  }
  // portgraph as `npm start` serves it: behind its HTTP edge, with the default limits.
  return createHttpServer(createPortgraph({ ...settings, ...simulatedCloudSettings(simUrl) }), { host: '127.0.0.1' }).handle;
}

// Each runs with the heap settings of `npm start`; the bench passes HEAP_FLAGS.
limitHeapGrowth();
const graphql = handler();
listenWithBenchRoutes((req, res) => void graphql(req, res));
