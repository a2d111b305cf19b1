import { createServer } from 'node:http';
import { ConfigError, loadConfig, type Config } from './config.js';
import { limitHeapGrowth } from './heap.js';
import { createLogger } from './logging.js';
import { createPortgraph } from './server.js';
import { simulatedCloudSettings, startSimulator } from './simulator/index.js';

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
  const server = createServer(portgraph.yoga);
  server.once('error', (error: NodeJS.ErrnoException) => {
    console.error(`portgraph cannot listen on ${config.host}:${config.port}: ${error.code ?? error.message}`);
    process.exit(1);
  });
  server.listen(config.port, config.host, () => {
    const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    console.log(`portgraph serves GraphQL and GraphiQL at http://${shown}:${config.port}/graphql`);
    if (simulator !== undefined) {
      console.log(`demo mode: no upstream configured, so the embedded simulated cloud answers at ${simulator.url}`);
    }
    logger.info({ demo: config.demo, sources: describeSources(config) }, 'portgraph started');
  });

  const stop = () => {
    server.close();
    server.closeAllConnections();
    void Promise.all([portgraph.close(), simulator?.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
