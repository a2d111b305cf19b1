// npm run bench: wall time of the bench queries over the simulated cloud at injected latencies,
// next to the design's critical-path floor, with upstream calls by source. It prints; it never asserts.
import { SERVER_WALK } from '../test/integration/expected.js';
import { startStack, type Stack } from '../test/support/stack.js';

interface BenchQuery {
  name: string;
  /** Dependent upstream round trips the design allows (DESIGN.md, "How fast it must be"). */
  layers: number;
  text: (stack: Stack) => { query: string; variables?: Record<string, unknown> };
}

const QUERIES: BenchQuery[] = [
  {
    name: 'one server walk',
    layers: 1,
    text: (stack) => ({
      query: `query ($id: ID!) { server(id: $id) { ${SERVER_WALK} } }`,
      variables: { id: stack.sim.fleet.special.multiInterfaceServerId },
    }),
  },
  {
    name: 'fleet walk',
    layers: 3,
    text: () => ({ query: `{ servers(first: 1000) { nodes { ${SERVER_WALK} } } }` }),
  },
];

const LATENCIES = (process.env['BENCH_LATENCIES'] ?? '0,50').split(',').map(Number);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 15);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function measure(stack: Stack, bench: BenchQuery) {
  const { query, variables } = bench.text(stack);
  for (let i = 0; i < 2; i++) await stack.query(query, variables);
  stack.sim.clearLog();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    const { body } = await stack.query(query, variables);
    times.push(performance.now() - start);
    if (body.errors) throw new Error(`bench query failed: ${JSON.stringify(body.errors[0])}`);
  }
  const counts = stack.callCounts();
  const perRun = Object.fromEntries(Object.entries(counts).map(([source, n]) => [source, n / ROUNDS]));
  times.sort((a, b) => a - b);
  return { median: percentile(times, 50), p95: percentile(times, 95), perRun };
}

const rows: string[][] = [];
for (const latency of LATENCIES) {
  const stack = await startStack({ simulator: { latencyMs: latency }, portgraph: { upstreamTimeoutMs: 10_000 } });
  try {
    for (const bench of QUERIES) {
      const { median, p95, perRun } = await measure(stack, bench);
      const floor = bench.layers * latency;
      const calls = ['nova', 'vpc', 'hss', 'zstack']
        .filter((s) => perRun[s] !== undefined)
        .map((s) => `${s} ${perRun[s]}`)
        .join(', ');
      rows.push([bench.name, `${latency}`, median.toFixed(1), p95.toFixed(1), `${floor} (${bench.layers}×L)`, (median - floor).toFixed(1), calls]);
    }
  } finally {
    await stack.close();
  }
}

const header = ['query', 'L ms', 'median ms', 'p95 ms', 'floor ms', 'over floor ms', 'upstream calls per query'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log(`portgraph bench — ${ROUNDS} rounds per cell, Node ${process.version}, simulated cloud on 127.0.0.1\n`);
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of rows) console.log(line(row));
