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

describe('safe by default', () => {
  const LIVE = { NOVA_URL: 'https://nova.example', OS_PROJECT_ID: 'p1', OS_TOKEN: 'gAAAA-live-secret-token' };
  const KEY = 'k3y-0123456789abcdef';
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env);
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
    return [];
  };

  it('listens on 127.0.0.1 unless told otherwise', () => {
    expect(loadConfig(LIVE).host).toBe('127.0.0.1');
  });

  it('refuses to serve configured credentials beyond loopback without API_KEYS, naming HOST and API_KEYS only', () => {
    for (const credentials of [
      { OS_TOKEN: 'gAAAA-live-secret-token' },
      { OS_TOKEN: '', OS_AUTH_URL: 'https://k.example/v3', OS_USERNAME: 'ops', OS_PASSWORD: 'hunter2-secret' },
      { OS_TOKEN: '', HUAWEICLOUD_SDK_AK: 'AKSECRET', HUAWEICLOUD_SDK_SK: 'SK-very-secret' },
      { OS_TOKEN: '', ZSTACK_URL: 'http://zs.example:8080', ZSTACK_SESSION_ID: 'zs-session-secret' },
    ]) {
      for (const host of ['0.0.0.0', '::', '10.0.0.5', 'portgraph.example.com']) {
        let error: unknown;
        try {
          loadConfig({ ...LIVE, ...credentials, HOST: host });
        } catch (e) {
          error = e;
        }
        expect(error, host).toBeInstanceOf(ConfigError);
        const message = (error as Error).message;
        expect(message).toMatch(/HOST\b.*API_KEYS/);
        expect(message).not.toMatch(/secret|hunter2|AKSECRET/);
      }
    }
  });

  it('serves beyond loopback once API_KEYS is set', () => {
    expect(loadConfig({ ...LIVE, HOST: '0.0.0.0', API_KEYS: `${KEY}, ${KEY}-second` })).toMatchObject({
      host: '0.0.0.0',
      apiKeys: [KEY, `${KEY}-second`],
    });
  });

  it('lets loopback names, demo mode and pass-through-only live mode listen without API_KEYS', () => {
    for (const host of ['localhost', '127.0.0.2', '::1', '[::1]']) expect(loadConfig({ ...LIVE, HOST: host }).host).toBe(host);
    expect(loadConfig({ HOST: '0.0.0.0' })).toMatchObject({ demo: true, host: '0.0.0.0', apiKeys: [] });
    // Without configured credentials every request is served with the caller's own X-Auth-Token.
    expect(loadConfig({ NOVA_URL: 'https://nova.example', OS_PROJECT_ID: 'p1', HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('turns GraphiQL and introspection on, except in live mode with NODE_ENV=production', () => {
    const switches = (env: Record<string, string>) => {
      const { graphiql, introspection } = loadConfig(env);
      return { graphiql, introspection };
    };
    const on = { graphiql: true, introspection: true };
    const off = { graphiql: false, introspection: false };
    expect(switches({})).toEqual(on);
    expect(switches({ NODE_ENV: 'production' })).toEqual(on);
    expect(switches(LIVE)).toEqual(on);
    expect(switches({ ...LIVE, NODE_ENV: 'development' })).toEqual(on);
    expect(switches({ ...LIVE, NODE_ENV: 'production' })).toEqual(off);
    expect(switches({ ...LIVE, NODE_ENV: 'production', GRAPHIQL: 'true' })).toEqual({ graphiql: true, introspection: false });
    expect(switches({ INTROSPECTION: 'false', GRAPHIQL: 'false' })).toEqual(off);
  });

  it('reads CORS_ORIGINS as origins', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://dash.example/, http://localhost:3000' }).corsOrigins).toEqual([
      'https://dash.example',
      'http://localhost:3000',
    ]);
    expect(loadConfig({}).corsOrigins).toEqual([]);
  });

  it('refuses bad values, naming the variable and never printing a key', () => {
    const problems = problemsOf({
      GRAPHIQL: 'yes',
      INTROSPECTION: '1',
      API_KEYS: 'short-secret',
      CORS_ORIGINS: 'https://dash.example/app, *, null',
    });
    expect(problems).toEqual([
      'API_KEYS must be comma-separated keys of at least 16 characters each, without spaces',
      'CORS_ORIGINS must list origins such as https://dash.example.com (scheme, host and port only); got "https://dash.example/app"',
      'CORS_ORIGINS must list origins such as https://dash.example.com (scheme, host and port only); got "*"',
      'CORS_ORIGINS must list origins such as https://dash.example.com (scheme, host and port only); got "null"',
      'GRAPHIQL must be true or false; got "yes"',
      'INTROSPECTION must be true or false; got "1"',
    ]);
    expect(problems.join('\n')).not.toContain('short-secret');
    expect(problemsOf({ API_KEYS: `${KEY},short` })).toHaveLength(1);
  });
});
