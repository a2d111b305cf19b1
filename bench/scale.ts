// The bench's sections on a fleet of 1,000 servers: the fleet walk within the default request
// limits, and a one-server walk's latency while such walks run (fair share of the permits).
import type { Fleet } from '../src/simulator/index.js';
import { median, percentile, post, postForAnswer, showCalls, table, timeRuns } from './harness.js';
import type { SimProcess } from './sim-process.js';
import { SERVER_WALK } from '../test/integration/expected.js';

export const SCALE_SERVERS = 1000;
const FLEET_WALK = `{ servers(first: ${SCALE_SERVERS}) { nodes { ${SERVER_WALK} } } }`;
const ONE_SERVER = `query ($id: ID!) { server(id: $id) { ${SERVER_WALK} } }`;

/** Wall time, calls, estimate and result nodes of the 1,000-server fleet walk at each latency, with the default limits. */
export async function limitsAtScale(url: string, sim: SimProcess, latencies: number[], rounds: number): Promise<string> {
  const rows: string[][] = [];
  for (const latency of latencies) {
    await sim.setLatency(latency);
    const times = await timeRuns(() => post(url, FLEET_WALK), rounds);
    const answer = await postForAnswer(url, FLEET_WALK, undefined, { 'x-portgraph-trace': '1' });
    const upstream = answer.extensions?.['upstream'] as { calls: Record<string, number>; estimatedCalls: number; resultNodes: number } | undefined;
    const servers = (answer.data?.servers?.nodes as unknown[] | undefined)?.length ?? 0;
    rows.push([
      String(latency),
      median(times).toFixed(1),
      percentile(times, 95).toFixed(1),
      String(servers),
      String(answer.errors?.length ?? 0),
      showCalls(upstream?.calls),
      String(upstream?.estimatedCalls ?? '—'),
      String(upstream?.resultNodes ?? '—'),
    ]);
    console.error(`  measured the ${SCALE_SERVERS}-server fleet walk at L=${latency}`);
  }
  return table(['L ms', 'median ms', 'p95 ms', 'servers', 'errors', 'upstream calls', 'estimated calls', 'result nodes'], rows);
}

/**
 * A one-server walk, alone and while 1,000-server fleet walks run one after another beside it,
 * each holding every permit towards Nova and HSS for most of its time.
 */
export async function fairShare(url: string, sim: SimProcess, fleet: Fleet, latency: number, rounds: number): Promise<string> {
  await sim.setLatency(latency);
  const small = () => post(url, ONE_SERVER, { id: fleet.special.multiInterfaceServerId });
  const alone = await timeRuns(small, rounds);
  let running = true;
  let largeWalks = 0;
  const large = (async () => {
    while (running) {
      await post(url, FLEET_WALK);
      largeWalks++;
    }
  })();
  // Let the first large walk take its permits before the small ones start.
  await new Promise((resolve) => setTimeout(resolve, 3 * latency));
  const beside = await timeRuns(small, rounds);
  running = false;
  await large;
  const row = (name: string, times: number[]) => [name, median(times).toFixed(1), percentile(times, 95).toFixed(1), `${(median(times) / median(alone)).toFixed(2)}×`];
  return [
    table(['one-server walk', 'median ms', 'p95 ms', 'vs alone'], [row('alone', alone), row(`beside ${SCALE_SERVERS}-server fleet walks`, beside)]),
    '',
    `${largeWalks} fleet walks of ${SCALE_SERVERS} servers ran beside the ${rounds + 1} one-server walks.`,
  ].join('\n');
}
