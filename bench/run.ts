// npm run bench: portgraph against its critical-path floor, the minimal upstream calls, a direct
// REST client and a naive resolver set, over the simulated cloud at injected latencies. It prints a
// table and never asserts; `npm run bench -- --write` also records it in BENCH.md.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { DEFAULT_LIMITS } from '../src/config.js';
import { HEAP_FLAGS, HEAP_GROWING_PERCENT } from '../src/heap.js';
import { generateFleet, DEMO_OS_TOKEN, DEMO_PROJECT_ID, type CallLogEntry } from '../src/simulator/index.js';
import { createDirectClient } from './direct-client.js';
import { BENCH_QUERIES, variablesFor, type BenchQuery } from './queries.js';
import { startSimProcess, type SimProcess } from './sim-process.js';
import { client, median, percentile, post, showCalls, startWorker, stop, table, timeRuns } from './harness.js';
import { fairShare, limitsAtScale, SCALE_SERVERS } from './scale.js';
import { spawnScript } from './spawn-script.js';

const env = (name: string, fallback: string) => process.env[name] ?? fallback;
const LATENCIES = env('BENCH_LATENCIES', '0,20,50').split(',').map(Number);
const ROUNDS = Number(env('BENCH_ROUNDS', '30'));
const NAIVE_ROUNDS = Number(env('BENCH_NAIVE_ROUNDS', '5'));
const CONCURRENCY = Number(env('BENCH_CONCURRENCY', '8'));
const DURATION_MS = Number(env('BENCH_DURATION_MS', '10000'));
const MEMORY_ROUNDS = Number(env('BENCH_MEMORY_ROUNDS', '10'));
const MEMORY_REQUESTS = Number(env('BENCH_MEMORY_REQUESTS', '1000'));
const WRITE = process.argv.includes('--write');
const SCALE_ROUNDS = Number(env('BENCH_SCALE_ROUNDS', '5'));
const BASELINE = process.env['BENCH_BASELINE'];
const AB_TURNS = Number(env('BENCH_AB_TURNS', '3'));

const fleet = generateFleet();

/**
 * The fleet walk's latency at L = 50 and its throughput at L = 0, measured for portgraph and for
 * the baseline build (`BENCH_BASELINE`: a checkout of an earlier commit, built with `npm run
 * build`) in turns, so that the machine's drift during the run falls on both alike.
 */
async function beforeAndAfter(sim: SimProcess, url: string, fleetWalk: BenchQuery): Promise<string> {
  const baseline = await startWorker({ file: join(BASELINE ?? '', 'dist/bench/portgraph-worker.js') }, { SIM_URL: sim.url, MODE: 'portgraph' }, [...HEAP_FLAGS]);
  try {
    const builds = [
      { name: 'before (BENCH_BASELINE)', url: baseline.url, latencies: [] as number[], rates: [] as number[], cpu: [] as number[] },
      { name: 'after (this checkout)', url, latencies: [] as number[], rates: [] as number[], cpu: [] as number[] },
    ];
    for (let turn = 0; turn < AB_TURNS; turn++) {
      await sim.setLatency(50);
      for (const build of builds) build.latencies.push(...(await timeWalks(build.url, fleetWalk, Math.ceil(ROUNDS / AB_TURNS))));
      await sim.setLatency(0);
      for (const build of builds) {
        const { rate, cpuPerWalk } = await load(build.url, fleetWalk, {});
        build.rates.push(rate);
        build.cpu.push(cpuPerWalk);
      }
      console.error(`  before and after, turn ${turn + 1}`);
    }
    const [before, after] = builds;
    const rows = builds.map((b) => [b.name, median(b.latencies).toFixed(1), b.rates.map((r) => r.toFixed(1)).join(', '), median(b.rates).toFixed(1), median(b.cpu).toFixed(1)]);
    const change = (a: number, b: number) => `${(((a - b) / b) * 100).toFixed(1)} %`;
    return [
      `## Before and after, in the same run (fleet walk of ${fleet.servers.length} servers)\n`,
      `The baseline is ${BASELINE ?? ''}${commitOf(BASELINE)}, built and run with the same heap settings; the two builds take turns (${AB_TURNS} turns of ${Math.ceil(ROUNDS / AB_TURNS)} walks at L = 50 and ${DURATION_MS / 1000} s of load at L = 0 each).\n`,
      table(['build', 'median ms at L = 50', 'walks/s at L = 0, each turn', 'median walks/s', 'CPU ms per walk'], rows),
      '',
      before !== undefined && after !== undefined
        ? `After against before: latency ${change(median(after.latencies), median(before.latencies))}, throughput ${change(median(after.rates), median(before.rates))}.\n`
        : '',
    ].join('\n');
  } finally {
    await stop(baseline.child);
  }
}

/** ` (commit abc1234)` for a git checkout, else nothing. */
function commitOf(dir: string | undefined): string {
  try {
    return dir === undefined ? '' : ` (commit ${execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()})`;
  } catch {
    return '';
  }
}

/** One whole walk: every GraphQL request of it, one after another. */
async function walk(url: string, bench: BenchQuery): Promise<unknown[]> {
  const pages: unknown[] = [];
  let after: string | null = null;
  do {
    const data = await post(url, bench.requests(after).query, variablesFor(bench, fleet, after));
    pages.push(data);
    after = bench.next(data);
  } while (after !== null);
  return pages;
}

async function timeWalks(url: string, bench: BenchQuery, rounds: number): Promise<number[]> {
  return timeRuns(() => walk(url, bench), rounds);
}

function countBySource(log: CallLogEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of log) counts[entry.source] = (counts[entry.source] ?? 0) + 1;
  return counts;
}


/** Wall times of the direct client's own walk, its answer serialised as portgraph's would be. */
async function timeDirect(walk: () => Promise<unknown>, rounds: number): Promise<number[]> {
  JSON.stringify(await walk());
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    JSON.stringify(await walk());
    times.push(performance.now() - started);
  }
  return times;
}

async function callsOfOneWalk(sim: SimProcess, url: string, bench: BenchQuery) {
  await sim.clearLog();
  await walk(url, bench);
  return countBySource(await sim.log());
}

/** The worker's CPU time so far (all threads) and its main thread's GC pauses so far. */
async function usage(url: string): Promise<{ cpuMs: number; gcMs: number }> {
  return (await (await fetch(url.replace('/graphql', '/__bench/cpu'))).json()) as { cpuMs: number; gcMs: number };
}

/** Walks per second under load, and the worker's CPU and GC pause milliseconds per walk. */
async function load(url: string, bench: BenchQuery, options: { duration?: number; amount?: number }) {
  const { query, variables } = bench.requests(null);
  const before = await usage(url);
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables: variablesFor(bench, fleet, null) ?? variables }),
    connections: CONCURRENCY,
    ...(options.amount === undefined ? { duration: (options.duration ?? DURATION_MS) / 1000 } : { amount: options.amount }),
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`load run had ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  const after = await usage(url);
  const walks = result.requests.total;
  return { rate: walks / result.duration, cpuPerWalk: (after.cpuMs - before.cpuMs) / walks, gcPerWalk: (after.gcMs - before.gcMs) / walks };
}

async function main(): Promise<void> {
  const sections: string[] = [];
  const say = (text: string) => {
    console.log(text);
    sections.push(text);
  };
  const sim = await startSimProcess();
  const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
  // Every measured process runs with the V8 heap settings `npm start` uses, so that they compare
  // the code and not the settings.
  const pg = await startWorker({ script: 'portgraph-worker.ts' }, { SIM_URL: sim.url, MODE: 'portgraph' }, [...HEAP_FLAGS, '--expose-gc', ...nodeArgs]);
  const naive = await startWorker({ script: 'portgraph-worker.ts' }, { SIM_URL: sim.url, MODE: 'naive' }, [...HEAP_FLAGS]);
  try {
    const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
    say(
      `# portgraph bench\n\nMachine: ${machine}. The simulated cloud, portgraph and the direct client each run in a process of their own on 127.0.0.1; portgraph, the naive set and the direct client's throughput worker all run with the V8 heap settings of \`npm start\` (${HEAP_FLAGS.join(' ')}, heap growth capped at ${HEAP_GROWING_PERCENT} %).\n`,
    );

    // 1. Latency against the floor, calls against the minimum, and the naive set beside them.
    const fleetWalk = BENCH_QUERIES.find((q) => q.name === 'fleet walk');
    if (fleetWalk === undefined) throw new Error('no fleet walk');
    const rows: string[][] = [];
    const directClient = createDirectClient({ url: sim.url, projectId: DEMO_PROJECT_ID, token: DEMO_OS_TOKEN });
    for (const latency of LATENCIES) {
      await sim.setLatency(latency);
      for (const bench of BENCH_QUERIES) {
        const times = await timeWalks(pg.url, bench, ROUNDS);
        const calls = await callsOfOneWalk(sim, pg.url, bench);
        const minimum = countBySource(bench.minimumCalls(fleet, DEMO_PROJECT_ID).map((c) => ({ source: c.route.split('.')[0] }) as CallLogEntry));
        const naiveTimes = await timeWalks(naive.url, bench, NAIVE_ROUNDS);
        const naiveCalls = await callsOfOneWalk(sim, naive.url, bench);
        const direct = bench.direct;
        const directTimes = direct === undefined ? undefined : await timeDirect(() => direct(directClient, fleet), ROUNDS);
        const floor = bench.layers(fleet) * latency;
        rows.push([
          bench.name,
          String(latency),
          median(times).toFixed(1),
          percentile(times, 95).toFixed(1),
          `${floor} (${bench.layers(fleet)}×L)`,
          (median(times) - floor).toFixed(1),
          directTimes === undefined ? '—' : median(directTimes).toFixed(1),
          showCalls(calls),
          showCalls(minimum),
          median(naiveTimes).toFixed(1),
          showCalls(naiveCalls),
        ]);
        console.error(`  measured ${bench.name} at L=${latency}`);
      }
    }
    await directClient.close();
    say(`## Latency and upstream calls (${ROUNDS} walks per cell; naive ${NAIVE_ROUNDS})\n`);
    say(
      'The direct column is the hand-written REST client making the same calls in the same layers, in the bench process, without an HTTP hop of its own; the subnet walk has none, since the REST client reads 2000-port pages where GraphQL pages are 1000.\n',
    );
    say(
      table(
        ['query', 'L ms', 'median ms', 'p95 ms', 'floor ms', 'over floor', 'direct median ms', 'upstream calls', 'minimum', 'naive median ms', 'naive calls'],
        rows,
      ) + '\n',
    );

    // 2. Throughput at L = 0: portgraph, the direct client, the naive set and the two floors under the same load.
    await sim.setLatency(0);
    const direct = spawnScript(import.meta.url, './direct-worker.ts', [...HEAP_FLAGS], {
      env: { ...process.env, SIM_URL: sim.url, CONCURRENCY: String(CONCURRENCY), DURATION_MS: String(DURATION_MS) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let directOut = '';
    direct.stdout?.on('data', (chunk: Buffer) => (directOut += chunk.toString()));
    await new Promise((resolve) => direct.once('exit', resolve));
    const directResult = JSON.parse(directOut.trim().split('\n').at(-1) ?? '{}') as {
      requests: number;
      seconds: number;
      cpuMs: number;
      gcMs: number;
    };
    const directRate = directResult.requests / directResult.seconds;
    const directCpu = directResult.cpuMs / directResult.requests;
    const directGc = directResult.gcMs / directResult.requests;
    const row = (name: string, { rate, cpuPerWalk, gcPerWalk }: Awaited<ReturnType<typeof load>>) => [
      name,
      rate.toFixed(1),
      `${(rate / directRate).toFixed(2)}×`,
      cpuPerWalk.toFixed(1),
      gcPerWalk.toFixed(1),
    ];
    const throughput = [
      ['direct REST client', directRate.toFixed(1), '1.00×', directCpu.toFixed(1), directGc.toFixed(1)],
      row('portgraph', await load(pg.url, fleetWalk, {})),
      row('naive resolver set', await load(naive.url, fleetWalk, {})),
    ];
    for (const [mode, name] of [
      ['http', 'floor: the direct client behind plain node:http'],
      ['graphql', "floor: the direct client behind portgraph's GraphQL layer"],
    ] as const) {
      const floorWorker = await startWorker({ script: 'floor-worker.ts' }, { SIM_URL: sim.url, MODE: mode }, [...HEAP_FLAGS]);
      try {
        throughput.push(row(name, await load(floorWorker.url, fleetWalk, {})));
      } finally {
        await stop(floorWorker.child);
      }
    }
    say(`## Fleet-walk throughput at L = 0 (${CONCURRENCY} concurrent clients, ${DURATION_MS / 1000} s each)\n`);
    say(
      "CPU ms per walk is the measured process's CPU time, all threads, over the walks it served; it moves less with the machine's other load than walks/s does. GC pause ms per walk is the time its main thread stood still for garbage collection; GC helper threads' work is in the CPU column only.\n",
    );
    say(
      'The direct REST client runs its walks in a loop in its own process and answers no one. The two floors answer the same HTTP clients portgraph answers, with the direct client doing the upstream work: behind plain node:http (what answering over HTTP costs), and behind the GraphQL layer portgraph is built on (Yoga, its schema, its graphql-jit and buffered-body plugins, one resolver handing back the direct client\'s answer). portgraph adds its own work (loaders, checks, retries, the trace) to the second floor\'s, but its upstream path is leaner than the direct client\'s (undici\'s dispatch interface, where the direct client uses its request API and body streams), so it can come out above that floor.\n',
    );
    say(table(['client', 'walks/s', 'vs direct', 'CPU ms per walk', 'GC pause ms per walk'], throughput) + '\n');

    // 3. Memory: rounds of fleet walks, heap after gc() each round, peak RSS.
    const memoryRows: string[][] = [];
    const heaps: number[] = [];
    let peakRss = 0;
    for (let round = 1; round <= MEMORY_ROUNDS; round++) {
      await load(pg.url, fleetWalk, { amount: MEMORY_REQUESTS });
      const memory = (await (await fetch(pg.url.replace('/graphql', '/__bench/memory'))).json()) as {
        heapUsed: number;
        heapTotal: number;
        external: number;
        rss: number;
        maxRss: number;
      };
      heaps.push(memory.heapUsed);
      peakRss = Math.max(peakRss, memory.maxRss);
      const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
      memoryRows.push([String(round), mib(memory.heapUsed), mib(memory.heapTotal), mib(memory.external), mib(memory.rss)]);
      console.error(`  memory round ${round}`);
    }
    const growth = heaps.length >= 2 ? ((heaps.at(-1) ?? 0) - (heaps[1] ?? 0)) / 2 ** 20 : NaN;
    say(`## Memory: ${MEMORY_ROUNDS} rounds of ${MEMORY_REQUESTS} fleet walks (portgraph process)\n`);
    say(table(['round', 'heap used after gc MiB', 'heap total MiB', 'external MiB', 'RSS MiB'], memoryRows) + '\n');
    say(`Heap growth from round 2 to round ${MEMORY_ROUNDS}: ${growth.toFixed(2)} MiB. Peak RSS: ${(peakRss / 2 ** 20).toFixed(1)} MiB.\n`);

    // 4. A fleet of 1,000 servers: its walk within the default limits, and a small walk beside it.
    const scaleSim = await startSimProcess(SCALE_SERVERS);
    const scalePg = await startWorker({ script: 'portgraph-worker.ts' }, { SIM_URL: scaleSim.url, MODE: 'portgraph' }, [...HEAP_FLAGS]);
    try {
      say(`## A fleet of ${SCALE_SERVERS} servers, with the default request limits\n`);
      say(
        `The fleet walk asks for every server's interfaces, fixed IPs and open ports (${SCALE_ROUNDS} walks per row). Estimated calls are what portgraph reckons before the walk runs, from its arguments; result nodes are the objects and leaves of the answer, counted as it is built. The defaults allow ${DEFAULT_LIMITS.maxUpstreamCalls} calls and ${DEFAULT_LIMITS.maxResponseNodes} nodes.\n`,
      );
      say((await limitsAtScale(scalePg.url, scaleSim, [0, 50], SCALE_ROUNDS)) + '\n');
      say(`### Fair share: a one-server walk beside fleet walks of ${SCALE_SERVERS} servers, at L = 50\n`);
      say((await fairShare(scalePg.url, scaleSim, generateFleet(42, { servers: SCALE_SERVERS }), 50, ROUNDS)) + '\n');
    } finally {
      await Promise.all([stop(scalePg.child), scaleSim.close()]);
    }

    // 5. Before and after, in the same run: a built checkout of an earlier commit beside this one.
    if (BASELINE !== undefined) say(await beforeAndAfter(sim, pg.url, fleetWalk));
  } finally {
    await Promise.all([stop(pg.child), stop(naive.child), sim.close(), client.close()]);
  }
  if (WRITE) writeFileSync(join(process.cwd(), 'BENCH.md'), `${sections.join('\n')}\n`);
}

await main();
