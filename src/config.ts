// The only module that reads the environment. Every problem is reported at start-up, all at once.

export interface Config {
  port: number;
  host: string;
  /** Demo mode: no upstream configured, so the embedded simulated cloud serves all four. */
  demo: boolean;
  novaUrl: string | undefined;
  vpcUrl: string | undefined;
  hssUrl: string | undefined;
  zstackUrl: string | undefined;
  projectId: string | undefined;
  osToken: string | undefined;
  zstackSessionId: string | undefined;
  upstreamTimeoutMs: number;
  upstreamCacheTtlMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const NOT_YET_SUPPORTED = [
  'OS_AUTH_URL',
  'OS_USERNAME',
  'OS_PASSWORD',
  'ZSTACK_ACCOUNT_NAME',
  'ZSTACK_ACCOUNT_PASSWORD',
  'HUAWEICLOUD_SDK_AK',
  'HUAWEICLOUD_SDK_SK',
];

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const text = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}; got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const url = (name: string) => {
    const raw = text(name);
    if (raw === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      problems.push(`${name} must be an http(s) URL; got something that is not a URL`);
      return undefined;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      problems.push(`${name} must be an http(s) URL; got a ${parsed.protocol} URL`);
    } else if (parsed.username !== '' || parsed.password !== '') {
      problems.push(`${name} must not carry credentials; use OS_TOKEN or ZSTACK_SESSION_ID`);
    } else if (parsed.search !== '' || parsed.hash !== '') {
      problems.push(`${name} must be a base URL without query or fragment`);
    }
    return raw.replace(/\/+$/, '');
  };

  const config: Config = {
    port: integer('PORT', 4000, 0, 65535),
    host: text('HOST') ?? '0.0.0.0',
    demo: false,
    novaUrl: url('NOVA_URL'),
    vpcUrl: url('VPC_URL'),
    hssUrl: url('HSS_URL'),
    zstackUrl: url('ZSTACK_URL'),
    projectId: text('OS_PROJECT_ID'),
    osToken: text('OS_TOKEN'),
    zstackSessionId: text('ZSTACK_SESSION_ID'),
    upstreamTimeoutMs: integer('UPSTREAM_TIMEOUT_MS', 5000, 1, 600_000),
    upstreamCacheTtlMs: integer('UPSTREAM_CACHE_TTL_MS', 0, 0, 86_400_000),
  };
  const upstreamNames = ['NOVA_URL', 'VPC_URL', 'HSS_URL', 'ZSTACK_URL'];
  config.demo = upstreamNames.every((name) => text(name) === undefined);

  const needsProject = [config.novaUrl, config.vpcUrl, config.hssUrl].some((u) => u !== undefined);
  if (needsProject && config.projectId === undefined) {
    problems.push('OS_PROJECT_ID is required when NOVA_URL, VPC_URL or HSS_URL is set');
  } else if (config.projectId !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(config.projectId)) {
    problems.push('OS_PROJECT_ID must be 1–256 letters, digits, "-" or "_"');
  }
  for (const name of NOT_YET_SUPPORTED) {
    if (text(name) !== undefined) {
      problems.push(`${name} is not supported by this version; set OS_TOKEN / ZSTACK_SESSION_ID instead`);
    }
  }
  if (config.upstreamCacheTtlMs > 0) {
    problems.push('UPSTREAM_CACHE_TTL_MS is not supported by this version; leave it unset or 0');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
