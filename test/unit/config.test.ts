import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('configuration', () => {
  it('runs in demo mode with nothing configured', () => {
    expect(loadConfig({})).toMatchObject({ demo: true, port: 4000, host: '127.0.0.1', upstreamTimeoutMs: 5000 });
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
      'OS_PROJECT_ID is required when NOVA_URL, VPC_URL, HSS_URL or OS_AUTH_URL is set',
    ]);
    expect((error as Error).message).not.toContain('secret-token');
    expect((error as Error).message).not.toContain('pw@');
  });

  it('reads an openrc password login, AK/SK and a ZStack account', () => {
    const config = loadConfig({
      NOVA_URL: 'https://nova.example',
      OS_AUTH_URL: 'https://keystone.example:5000/v3',
      OS_USERNAME: 'demo',
      OS_PASSWORD: 'p@ss word',
      OS_PROJECT_ID: 'abc123',
      HUAWEICLOUD_SDK_AK: 'AK123',
      HUAWEICLOUD_SDK_SK: 'SK456',
      ZSTACK_URL: 'http://zstack.example:8080',
      ZSTACK_ACCOUNT_NAME: 'admin',
      ZSTACK_ACCOUNT_PASSWORD: 'zpw',
    });
    expect(config.passwordLogin).toEqual({
      authUrl: 'https://keystone.example:5000/v3',
      username: 'demo',
      password: 'p@ss word',
      userDomainName: 'Default',
    });
    expect(config.akSk).toEqual({ ak: 'AK123', sk: 'SK456' });
    expect(config.zstackAccount).toEqual({ name: 'admin', password: 'zpw' });
  });

  it('names the missing half of a credential, never its value', () => {
    expect(() => loadConfig({ OS_AUTH_URL: 'https://k/v3', OS_USERNAME: 'u', OS_PROJECT_ID: 'p' })).toThrow(
      /password login needs OS_PASSWORD as well/,
    );
    let message = '';
    try {
      loadConfig({ HUAWEICLOUD_SDK_SK: 'very-secret-sk', ZSTACK_ACCOUNT_PASSWORD: 'zpw-secret', LOG_LEVEL: 'loud' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('AK/SK signing needs HUAWEICLOUD_SDK_AK as well');
    expect(message).toContain('ZStack login needs ZSTACK_ACCOUNT_NAME as well');
    expect(message).toContain('LOG_LEVEL must be one of');
    expect(message).not.toMatch(/very-secret-sk|zpw-secret/);
  });
});
