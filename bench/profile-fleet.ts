// A quick look at where a fleet walk spends its time: node --cpu-prof --import tsx bench/profile-fleet.ts
import type { AddressInfo } from 'node:net';
import { createHttpServer } from '../src/http-server.js';
import { createPortgraph } from '../src/server.js';
import { simulatedCloudSettings } from '../src/simulator/index.js';
import { SERVER_WALK } from '../test/integration/expected.js';
import { startSimProcess } from './sim-process.js';

const sim = await startSimProcess();
const portgraph = createPortgraph({
  ...simulatedCloudSettings(sim.url),
  upstreamTimeoutMs: 10_000,
  requestDeadlineMs: 30_000,
  upstreamCacheTtlMs: 0,
});
const { server } = createHttpServer(portgraph, { host: '127.0.0.1' });
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
const query = `{ servers(first: 1000) { nodes { ${SERVER_WALK} } } }`;
const once = async () => {
  const t = performance.now();
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  await r.text();
  return performance.now() - t;
};
const summary = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]?.toFixed(1);
  return `median ${at(0.5)} ms, p95 ${at(0.95)} ms (${times.length} walks)`;
};
const walks = async (n: number) => {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(await once());
  return times;
};
await walks(5);
console.log('L=0', summary(await walks(Number(process.env.N ?? 30))));
await sim.setLatency(50);
await walks(2);
console.log('L=50', summary(await walks(Number(process.env.N50 ?? 15))));
server.closeAllConnections();
server.close();
await portgraph.close();
await sim.close();
