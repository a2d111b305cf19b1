// Standalone simulated cloud for demos and manual testing: `npm run simulator`.
import {
  DEMO_AKSK,
  DEMO_OS_TOKEN,
  DEMO_USER,
  DEMO_ZSTACK_ACCOUNT,
  DEMO_ZSTACK_SESSION,
  generateFleet,
  startSimulator,
} from './index.js';

const port = Number(process.env.SIM_PORT ?? 4010);
const host = process.env.SIM_HOST ?? '127.0.0.1';
const latencyMs = Number(process.env.SIM_LATENCY_MS ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  throw new Error(`SIM_PORT must be a port number, got ${process.env.SIM_PORT}`);
}
if (!Number.isFinite(latencyMs) || latencyMs < 0) {
  throw new Error(`SIM_LATENCY_MS must be a number >= 0, got ${process.env.SIM_LATENCY_MS}`);
}

const servers = Number(process.env.SIM_SERVERS ?? 0);
if (!Number.isInteger(servers) || servers < 0) {
  throw new Error(`SIM_SERVERS must be a whole number, got ${process.env.SIM_SERVERS}`);
}

const sim = await startSimulator({ host, port, latencyMs, fleet: generateFleet(42, { servers }) });
const { url, projectId, fleet } = sim;
const line = (env: Record<string, string>): string =>
  Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
const upstreams = { NOVA_URL: url, VPC_URL: url, HSS_URL: url, ZSTACK_URL: url, OS_PROJECT_ID: projectId };
const staticEnv = { ...upstreams, OS_TOKEN: DEMO_OS_TOKEN, ZSTACK_SESSION_ID: DEMO_ZSTACK_SESSION };
const loginEnv = {
  ...upstreams,
  OS_AUTH_URL: `${url}/v3`,
  OS_USERNAME: DEMO_USER.name,
  OS_PASSWORD: DEMO_USER.password,
  OS_USER_DOMAIN_NAME: DEMO_USER.domain,
  ZSTACK_ACCOUNT_NAME: DEMO_ZSTACK_ACCOUNT.name,
  ZSTACK_ACCOUNT_PASSWORD: DEMO_ZSTACK_ACCOUNT.password,
  HUAWEICLOUD_SDK_AK: DEMO_AKSK.ak,
  HUAWEICLOUD_SDK_SK: DEMO_AKSK.sk,
};

console.log(`portgraph simulator listening on ${url}${latencyMs > 0 ? ` (latency ${latencyMs} ms)` : ''}
  project  ${projectId}
  fleet    ${fleet.servers.length} servers, ${fleet.ports.length} ports, ${fleet.vips.length} VIPs

Credentials it accepts:
  token    ${DEMO_OS_TOKEN}   (X-Auth-Token for Nova, ports, HSS; never expires)
  session  ${DEMO_ZSTACK_SESSION}   (Authorization: OAuth <session> for ZStack; never expires)
  user     ${DEMO_USER.name} / ${DEMO_USER.password}, domain ${DEMO_USER.domain}
           (POST ${url}/v3/auth/tokens; tokens last 1 h)
  account  ${DEMO_ZSTACK_ACCOUNT.name} / ${DEMO_ZSTACK_ACCOUNT.password}
           (PUT ${url}/zstack/v1/accounts/login with the SHA-512 hex; sessions idle out after 2 h)
  AK/SK    ${DEMO_AKSK.ak} / ${DEMO_AKSK.sk}   (SDK-HMAC-SHA256 signatures for ports and HSS)

Point portgraph at it with static credentials:
  ${line(staticEnv)}

or with logins and AK/SK signing:
  ${line(loginEnv)}

Control: GET|DELETE ${url}/__sim/log, PUT ${url}/__sim/latency {"ms":50}, PUT|DELETE ${url}/__sim/faults,
         POST ${url}/__sim/expire-tokens, GET ${url}/__sim/logins`);

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
