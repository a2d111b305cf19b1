import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// Only what this test sets reaches the process: nothing inherited may configure portgraph.
const CONFIG_VARIABLE = /^(OS_|HUAWEICLOUD_|ZSTACK_|(NOVA|VPC|HSS)_URL$|API_KEYS$|CORS_ORIGINS$|GRAPHIQL$|INTROSPECTION$|HOST$|PORT$|NODE_ENV$)/;

function runMain(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !CONFIG_VARIABLE.test(name)));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

describe('start-up', () => {
  it('refuses to listen beyond loopback with configured credentials and no API_KEYS', async () => {
    const { code, output } = await runMain({
      HOST: '0.0.0.0',
      PORT: '0',
      NOVA_URL: 'http://127.0.0.1:9',
      OS_PROJECT_ID: 'p1',
      OS_TOKEN: 'gAAAA-start-up-secret-token',
    });
    expect(code).toBeGreaterThan(0);
    expect(output).toMatch(/HOST is not a loopback address.*set API_KEYS/);
    expect(output).not.toContain('start-up-secret');
    expect(output).not.toContain('portgraph serves');
  });
});
