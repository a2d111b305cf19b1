import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUERY } from '../../src/example-query.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let child: ChildProcess;
let base: string;
let output = '';

// `npm start` runs exactly this: the demo mode with nothing configured.
beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1' };
  for (const name of ['NOVA_URL', 'VPC_URL', 'HSS_URL', 'ZSTACK_URL', 'OS_TOKEN', 'OS_PROJECT_ID']) delete env[name];
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // The two start-up lines are separate writes and may reach the pipe in separate chunks.
  const started = () => output.includes('portgraph serves') && output.includes('demo mode:');
  for (let i = 0; i < 200 && !started(); i++) await new Promise((r) => setTimeout(r, 100));
  expect(output).toContain(`portgraph serves GraphQL and GraphiQL at http://127.0.0.1:${port}/graphql`);
});

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

describe('npm start with nothing configured', () => {
  it('says it runs over the embedded simulated cloud', () => {
    expect(output).toMatch(/demo mode: .*simulated cloud answers at http:\/\/127\.0\.0\.1:\d+/);
  });

  it('serves GraphiQL from the package itself, opening with the example walk', async () => {
    const response = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<title>portgraph</title>');
    expect(html).toContain('ServerWalk');
    expect(html).not.toMatch(/<script[^>]+src="https?:\/\//);
    expect(html).not.toMatch(/unpkg\.com|jsdelivr|cdnjs/);
  });

  it('answers the example query over the demo fleet without errors', async () => {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: EXAMPLE_QUERY }),
    });
    const body = (await response.json()) as { data: any; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data.servers.nodes).toHaveLength(3);
    expect(body.data.servers.nodes[0].interfaces.length).toBeGreaterThan(0);
    expect(body.data.openPortStatistics.nodes).toHaveLength(5);
  });
});
