import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_OS_TOKEN, DEMO_ZSTACK_SESSION, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { postQuery, send, WALK } from './support.js';

let child: ChildProcess | undefined;
let sim: Simulator | undefined;
afterEach(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
  child = undefined;
  await sim?.close();
  sim = undefined;
});

/** portgraph in live mode over `sim`, as its own process; resolves with its origin once it listens. */
async function startPortgraph(sim: Simulator): Promise<{ process: ChildProcess; origin: string; exit: Promise<number | null> }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(OS_|HUAWEICLOUD_|ZSTACK_|API_KEYS$|REDIS_URL$)|_URL$|_RATE_LIMIT$/.test(name)) env[name] = value;
  }
  Object.assign(env, {
    HOST: '127.0.0.1',
    PORT: '0',
    NOVA_URL: sim.url,
    VPC_URL: sim.url,
    HSS_URL: sim.url,
    ZSTACK_URL: sim.url,
    OS_PROJECT_ID: sim.projectId,
    OS_TOKEN: DEMO_OS_TOKEN,
    ZSTACK_SESSION_ID: DEMO_ZSTACK_SESSION,
    // What is tested is the drain: no budget or background refresh of its own in the way.
    HSS_RATE_LIMIT: 'off',
    COLLECTOR: 'off',
    LOG_LEVEL: 'info',
  });
  const started = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child = started;
  const exit = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));
  let output = '';
  const origin = await new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /portgraph serves GraphQL and GraphiQL at (http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(output);
      if (found?.[1] !== undefined) resolve(found[1]);
    };
    started.stdout.on('data', read);
    started.stderr.on('data', read);
    void exit.then((code) => reject(new Error(`portgraph exited with ${code} before listening:\n${output}`)));
  });
  return { process: started, origin, exit };
}

describe('SIGTERM', () => {
  it('finishes the five walks in flight, reports not ready meanwhile, and exits 0', async () => {
    sim = await startSimulator({ latencyMs: 400 });
    const portgraph = await startPortgraph(sim);
    const url = `${portgraph.origin}/graphql`;
    const id = sim.fleet.special.multiInterfaceServerId;

    const walks = Array.from({ length: 5 }, () =>
      postQuery(url, WALK, { id }).catch((error: Error) => ({ status: 0, headers: {}, text: error.message })),
    );
    // Each walk makes three calls at once (Nova's server and interfaces, HSS's open ports).
    while (sim.log.length < 15) await new Promise((resolve) => setTimeout(resolve, 5));
    portgraph.process.kill('SIGTERM');

    let ready = await send(`${portgraph.origin}/readyz`);
    while (ready.status === 200) ready = await send(`${portgraph.origin}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text).status).toBe('draining');
    const refused = await postQuery(url, WALK, { id });
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.text).errors[0].extensions.code).toBe('SHUTTING_DOWN');

    const answers = await Promise.all(walks);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      const body = JSON.parse(answer.text);
      expect(body.errors).toBeUndefined();
      expect(body.data.server.name).toBe('lb-01');
      expect(body.data.server.interfaces.length).toBeGreaterThan(1);
      expect(body.data.server.openPorts.length).toBeGreaterThan(0);
    }

    const graceOver = new Promise((resolve) => setTimeout(() => resolve('still running after the grace'), 10_000).unref());
    expect(await Promise.race([portgraph.exit, graceOver])).toBe(0);
    expect(sim.log).toHaveLength(15);
  }, 20_000);
});
