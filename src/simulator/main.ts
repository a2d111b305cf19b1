// Standalone simulated cloud for demos and manual testing: `npm run simulator`.
import { DEMO_OS_TOKEN, DEMO_ZSTACK_SESSION, startSimulator } from './index.js';

const port = Number(process.env.SIM_PORT ?? 4010);
const host = process.env.SIM_HOST ?? '127.0.0.1';
const latencyMs = Number(process.env.SIM_LATENCY_MS ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  throw new Error(`SIM_PORT must be a port number, got ${process.env.SIM_PORT}`);
}
if (!Number.isFinite(latencyMs) || latencyMs < 0) {
  throw new Error(`SIM_LATENCY_MS must be a number >= 0, got ${process.env.SIM_LATENCY_MS}`);
}

const sim = await startSimulator({ host, port, latencyMs });
const { url, projectId, fleet } = sim;
const env = {
  NOVA_URL: url,
  VPC_URL: url,
  HSS_URL: url,
  ZSTACK_URL: url,
  OS_PROJECT_ID: projectId,
  OS_TOKEN: DEMO_OS_TOKEN,
  ZSTACK_SESSION_ID: DEMO_ZSTACK_SESSION,
};
console.log(`portgraph simulator listening on ${url}${latencyMs > 0 ? ` (latency ${latencyMs} ms)` : ''}
  project  ${projectId}
  token    ${DEMO_OS_TOKEN}   (X-Auth-Token for Nova, ports, HSS)
  session  ${DEMO_ZSTACK_SESSION}   (Authorization: OAuth <session> for ZStack)
  fleet    ${fleet.servers.length} servers, ${fleet.ports.length} ports, ${fleet.vips.length} VIPs

Point portgraph at it:
  ${Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')}

Control: GET|DELETE ${url}/__sim/log, PUT ${url}/__sim/latency {"ms":50}, PUT|DELETE ${url}/__sim/faults`);

let closing = false;
const shutdown = (signal: string): void => {
  if (closing) return;
  closing = true;
  console.log(`\n${signal}: closing simulator`);
  sim.close().then(
    () => (process.exitCode = 0),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
};
process.once('SIGINT', () => shutdown('SIGINT'));
process.once('SIGTERM', () => shutdown('SIGTERM'));
