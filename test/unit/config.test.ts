import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('configuration', () => {
  it('runs in demo mode with nothing configured', () => {
    expect(loadConfig({})).toMatchObject({ demo: true, port: 4000, host: '0.0.0.0', upstreamTimeoutMs: 5000 });
  });

  it('reads live mode from the contract names', () => {
    const config = loadConfig({
      NOVA_URL: 'https://nova.example:8774/',
      HSS_URL: 'https://hss.example',
      OS_PROJECT_ID: '0123456789abcdef0123456789abcdef',
      OS_TOKEN: 'gAAAA-token',
      PORT: '8080',
      UPSTREAM_TIMEOUT_MS: '2500',
    });
    expect(config).toMatchObject({
      demo: false,
      novaUrl: 'https://nova.example:8774',
      hssUrl: 'https://hss.example',
      vpcUrl: undefined,
      zstackUrl: undefined,
      port: 8080,
      upstreamTimeoutMs: 2500,
    });
  });

  it('reports every problem at once, with the variable names and without secrets', () => {
    let error: unknown;
    try {
      loadConfig({ NOVA_URL: 'ftp://x', VPC_URL: 'not a url', HSS_URL: 'https://user:pw@h', PORT: '99999', OS_TOKEN: 'secret-token' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      'PORT must be a whole number from 0 to 65535; got "99999"',
      'NOVA_URL must be an http(s) URL; got a ftp: URL',
      'VPC_URL must be an http(s) URL; got something that is not a URL',
      'HSS_URL must not carry credentials; use OS_TOKEN or ZSTACK_SESSION_ID',
      'OS_PROJECT_ID is required when NOVA_URL, VPC_URL or HSS_URL is set',
    ]);
    expect((error as Error).message).not.toContain('secret-token');
    expect((error as Error).message).not.toContain('pw@');
  });
});
