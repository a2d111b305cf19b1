import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_AKSK, DEMO_USER, DEMO_ZSTACK_ACCOUNT } from '../../src/simulator/index.js';

let child: ChildProcess;
let output = '';

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts'], {
    env: { ...process.env, SIM_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner in time:\n${output}`)), 20_000);
    child.stderr?.on('data', (chunk: string) => (output += chunk));
    child.stdout?.on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('Control:')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}:\n${output}`)));
  });
});

afterAll(async () => {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
});

/** `NAME=value` pairs from the "with logins" line of the banner. */
function loginEnv(): Record<string, string> {
  const line = output.split('\n').find((l) => l.includes('OS_AUTH_URL=')) ?? '';
  return Object.fromEntries(line.trim().split(' ').map((pair) => pair.split('=') as [string, string]));
}

describe('npm run simulator', () => {
  it('prints the demo user, ZStack account and AK/SK with the env vars that use them', () => {
    const env = loginEnv();
    const url = env.NOVA_URL ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env).toEqual({
      NOVA_URL: url,
      VPC_URL: url,
      HSS_URL: url,
      ZSTACK_URL: url,
      OS_PROJECT_ID: expect.stringMatching(/^[0-9a-f]{32}$/),
      OS_AUTH_URL: `${url}/v3`,
      OS_USERNAME: DEMO_USER.name,
      OS_PASSWORD: DEMO_USER.password,
      OS_USER_DOMAIN_NAME: DEMO_USER.domain,
      ZSTACK_ACCOUNT_NAME: DEMO_ZSTACK_ACCOUNT.name,
      ZSTACK_ACCOUNT_PASSWORD: DEMO_ZSTACK_ACCOUNT.password,
      HUAWEICLOUD_SDK_AK: DEMO_AKSK.ak,
      HUAWEICLOUD_SDK_SK: DEMO_AKSK.sk,
    });
    expect(output).toContain('OS_TOKEN=demo-os-token ZSTACK_SESSION_ID=demo-zstack-session');
  });

  it('accepts the printed logins', async () => {
    const env = loginEnv();
    const keystone = await fetch(`${env.OS_AUTH_URL}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: {
              user: { name: env.OS_USERNAME, password: env.OS_PASSWORD, domain: { name: env.OS_USER_DOMAIN_NAME } },
            },
          },
          scope: { project: { id: env.OS_PROJECT_ID } },
        },
      }),
    });
    expect(keystone.status).toBe(201);
    const hash = createHash('sha512')
      .update(env.ZSTACK_ACCOUNT_PASSWORD ?? '')
      .digest('hex');
    const zstack = await fetch(`${env.ZSTACK_URL}/zstack/v1/accounts/login`, {
      method: 'PUT',
      body: JSON.stringify({ logInByAccount: { accountName: env.ZSTACK_ACCOUNT_NAME, password: hash } }),
    });
    expect(zstack.status).toBe(200);
  });
});
