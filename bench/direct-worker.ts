// The direct REST client under load in a process of its own: CONCURRENCY loops of fleet walks for
// DURATION_MS, each answer built and serialised as a GraphQL server would send it; it prints the
// walks done, the CPU time they took and its main thread's GC pauses.
import { limitHeapGrowth } from '../src/heap.js';
import { DEMO_OS_TOKEN, DEMO_PROJECT_ID } from '../src/simulator/index.js';
import { createDirectClient } from './direct-client.js';
import { gcPausedMs } from './gc-pauses.js';

// The heap settings of `npm start`, as portgraph has them; the bench passes HEAP_FLAGS.
limitHeapGrowth();

const client = createDirectClient({ url: process.env['SIM_URL'] ?? '', projectId: DEMO_PROJECT_ID, token: DEMO_OS_TOKEN });
const concurrency = Number(process.env['CONCURRENCY'] ?? 8);
const duration = Number(process.env['DURATION_MS'] ?? 10_000);

for (let i = 0; i < 3; i++) JSON.stringify(await client.fleetWalk());
let done = 0;
const started = performance.now();
const cpu = process.cpuUsage();
const gcBefore = gcPausedMs();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() - started < duration) {
      JSON.stringify(await client.fleetWalk());
      done++;
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const { user, system } = process.cpuUsage(cpu);
console.log(JSON.stringify({ requests: done, seconds, cpuMs: (user + system) / 1000, gcMs: gcPausedMs() - gcBefore }));
await client.close();
