import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics } from 'prom-client';
import { ConfigError, loadConfig, type Config } from './config.js';
import { limitHeapGrowth } from './heap.js';
import { createHttpServer } from './http-server.js';
import { createLogger } from './logging.js';
import { createPortgraph } from './server.js';
import { simulatedCloudSettings, startSimulator } from './simulator/index.js';

/** How long requests in flight may take to finish after SIGTERM or SIGINT. */
const DRAIN_GRACE_MS = 10_000;

/** How each source is reached and authenticated: kinds only, never a value. */
function describeSources(config: Config): Record<string, string> {
  const token = config.osToken !== undefined ? 'OS_TOKEN' : config.passwordLogin !== undefined ? 'password login' : 'caller X-Auth-Token only';
  const huawei = config.akSk !== undefined ? 'AK/SK signing' : token;
  const zstack = config.zstackSessionId !== undefined ? 'ZSTACK_SESSION_ID' : config.zstackAccount !== undefined ? 'account login' : 'none';
  const state = (url: string | undefined, auth: string) => (url === undefined ? 'not configured' : `configured, ${auth}`);
  return {
    nova: state(config.novaUrl, token),
    vpc: state(config.vpcUrl, huawei),
    hss: state(config.hssUrl, huawei),
    zstack: state(config.zstackUrl, zstack),
  };
}

async function main(): Promise<void> {
  limitHeapGrowth();
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

  // Demo mode: the simulated cloud runs in this process and the real clients talk to it over HTTP.
  const simulator = config.demo ? await startSimulator() : undefined;
  if (simulator !== undefined) {
    config = { ...config, ...simulatedCloudSettings(simulator.url, simulator.projectId) };
  }

  const portgraph = createPortgraph({ ...config, logger });
  collectDefaultMetrics({ register: portgraph.metrics.registry });
  const edge = createHttpServer(portgraph, { host: config.host });
  const { server } = edge;
  server.once('error', (error: NodeJS.ErrnoException) => {
    console.error(`portgraph cannot listen on ${config.host}:${config.port}: ${error.code ?? error.message}`);
    process.exit(1);
  });
  server.listen(config.port, config.host, () => {
    const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const { port } = server.address() as AddressInfo; // PORT=0 picks one
    console.log(`portgraph serves GraphQL and GraphiQL at http://${shown}:${port}/graphql`);
    if (simulator !== undefined) {
      console.log(`demo mode: no upstream configured, so the embedded simulated cloud answers at ${simulator.url}`);
    }
    logger.info({ demo: config.demo, sources: describeSources(config) }, 'portgraph started');
  });

  const stop = async (signal: NodeJS.Signals) => {
    logger.info({ signal, graceMs: DRAIN_GRACE_MS }, 'draining: finishing the requests in flight');
    const { cutOff } = await edge.drain(DRAIN_GRACE_MS);
    // A request cut off may still hold upstream calls, which closing the pools would wait for.
    if (cutOff === 0) await Promise.all([portgraph.close(), simulator?.close()]);
    logger.info({ cutOff }, 'portgraph stopped');
    process.exit(0);
  };
  process.once('SIGINT', (signal) => void stop(signal));
  process.once('SIGTERM', (signal) => void stop(signal));
}

await main();
