// A quick look at where a fleet walk spends its time: node --cpu-prof --import tsx bench/profile-fleet.ts
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPortgraph } from '../src/server.js';
import { DEMO_OS_TOKEN, DEMO_PROJECT_ID, DEMO_ZSTACK_SESSION } from '../src/simulator/index.js';
import { SERVER_WALK } from '../test/integration/expected.js';
import { startSimProcess } from './sim-process.js';

const sim = await startSimProcess();
const portgraph = createPortgraph({
  novaUrl: sim.url, vpcUrl: sim.url, hssUrl: sim.url, zstackUrl: sim.url, projectId: DEMO_PROJECT_ID,
  osToken: DEMO_OS_TOKEN, zstackSessionId: DEMO_ZSTACK_SESSION, passwordLogin: undefined, akSk: undefined,
  zstackAccount: undefined, upstreamTimeoutMs: 10_000, requestDeadlineMs: 30_000,
});
const server = createServer(portgraph.yoga);
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
const query = `{ servers(first: 1000) { nodes { ${SERVER_WALK} } } }`;
const once = async () => {
  const t = performance.now();
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  await r.text();
  return performance.now() - t;
};
for (let i = 0; i < 5; i++) await once();
const times: number[] = [];
for (let i = 0; i < Number(process.env.N ?? 40); i++) times.push(await once());
times.sort((a, b) => a - b);
console.log('median', times[Math.floor(times.length / 2)]?.toFixed(1), 'ms');
for (const L of [50]) {
  await sim.setLatency(L);
  const t2: number[] = [];
  for (let i = 0; i < 10; i++) t2.push(await once());
  t2.sort((a, b) => a - b);
  console.log(`L=${L} median`, t2[5]?.toFixed(1));
}
server.closeAllConnections();
server.close();
await portgraph.close();
await sim.close();
