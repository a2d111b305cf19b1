// portgraph (or the naive resolver set) in a process of its own, pointed at the simulated cloud;
// GET /__bench/memory collects garbage and answers the heap and RSS; GET /__bench/cpu answers the
// process's CPU time so far (all threads, GC helpers included) and its main thread's GC pauses.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga } from 'graphql-yoga';
import { limitHeapGrowth } from '../src/heap.js';
import { createPortgraph } from '../src/server.js';
import { DEMO_OS_TOKEN, DEMO_PROJECT_ID, simulatedCloudSettings } from '../src/simulator/index.js';
import { createHttp } from '../src/sources/http.js';
import { HssClient } from '../src/sources/hss.js';
import { NovaClient } from '../src/sources/nova.js';
import { VpcClient } from '../src/sources/vpc.js';
import { tokenAuthenticator } from '../src/context.js';
import { gcPausedMs } from './gc-pauses.js';
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
  return createPortgraph({ ...settings, ...simulatedCloudSettings(simUrl) }).yoga;
}

// Each runs with the heap settings of `npm start`; the bench passes HEAP_FLAGS.
limitHeapGrowth();
const graphql = handler();
const server = createServer((req, res) => {
  if (req.url === '/__bench/cpu') {
    const { user, system } = process.cpuUsage();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ cpuMs: (user + system) / 1000, gcMs: gcPausedMs() }));
    return;
  }
  if (req.url === '/__bench/memory') {
    (globalThis as { gc?: () => void }).gc?.();
    const { heapUsed, heapTotal, external, arrayBuffers, rss } = process.memoryUsage();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ heapUsed, heapTotal, external, arrayBuffers, rss, maxRss: process.resourceUsage().maxRSS * 1024 }));
    return;
  }
  void graphql(req, res);
});
server.listen(0, '127.0.0.1', () => console.log(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`));
process.once('SIGTERM', () => process.exit(0));
