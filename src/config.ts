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
  /** Keystone v3 / Huawei IAM password login, used when no OS_TOKEN is set. */
  passwordLogin: PasswordLoginConfig | undefined;
  /** Huawei AK/SK request signing for the ports API and HSS. */
  akSk: { ak: string; sk: string } | undefined;
  zstackSessionId: string | undefined;
  zstackAccount: { name: string; password: string } | undefined;
  upstreamTimeoutMs: number;
  /** The most a GraphQL request may spend waiting on upstreams, retries included. */
  requestDeadlineMs: number;
  upstreamCacheTtlMs: number;
  logLevel: LogLevel;
}

export interface PasswordLoginConfig {
  authUrl: string;
  username: string;
  password: string;
  userDomainName: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

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
    passwordLogin: undefined,
    akSk: undefined,
    zstackSessionId: text('ZSTACK_SESSION_ID'),
    zstackAccount: undefined,
    upstreamTimeoutMs: integer('UPSTREAM_TIMEOUT_MS', 5000, 1, 600_000),
    requestDeadlineMs: integer('REQUEST_DEADLINE_MS', 15_000, 1, 3_600_000),
    upstreamCacheTtlMs: integer('UPSTREAM_CACHE_TTL_MS', 0, 0, 86_400_000),
    logLevel: 'info',
  };
  const level = text('LOG_LEVEL') ?? 'info';
  if ((LOG_LEVELS as readonly string[]).includes(level)) config.logLevel = level as LogLevel;
  else problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${level}"`);

  // Each credential comes as a group: name the missing members rather than failing at the first call.
  const group = (names: string[], what: string): string[] | undefined => {
    const values = names.map(text);
    if (values.every((v) => v === undefined)) return undefined;
    const missing = names.filter((_, i) => values[i] === undefined);
    if (missing.length > 0) {
      problems.push(`${what} needs ${missing.join(' and ')} as well`);
      return undefined;
    }
    return values as string[];
  };
  const login = group(['OS_AUTH_URL', 'OS_USERNAME', 'OS_PASSWORD'], 'password login');
  if (login !== undefined) {
    const authUrl = url('OS_AUTH_URL');
    const [, username = '', password = ''] = login;
    if (authUrl !== undefined) {
      config.passwordLogin = { authUrl, username, password, userDomainName: text('OS_USER_DOMAIN_NAME') ?? 'Default' };
    }
  }
  const akSk = group(['HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK'], 'AK/SK signing');
  if (akSk !== undefined) config.akSk = { ak: akSk[0] ?? '', sk: akSk[1] ?? '' };
  const account = group(['ZSTACK_ACCOUNT_NAME', 'ZSTACK_ACCOUNT_PASSWORD'], 'ZStack login');
  if (account !== undefined) config.zstackAccount = { name: account[0] ?? '', password: account[1] ?? '' };
  if (config.requestDeadlineMs < config.upstreamTimeoutMs) {
    problems.push('REQUEST_DEADLINE_MS must be at least UPSTREAM_TIMEOUT_MS');
  }
  const upstreamNames = ['NOVA_URL', 'VPC_URL', 'HSS_URL', 'ZSTACK_URL'];
  config.demo = upstreamNames.every((name) => text(name) === undefined);

  const needsProject = [config.novaUrl, config.vpcUrl, config.hssUrl].some((u) => u !== undefined);
  if ((needsProject || config.passwordLogin !== undefined) && config.projectId === undefined) {
    problems.push('OS_PROJECT_ID is required when NOVA_URL, VPC_URL, HSS_URL or OS_AUTH_URL is set');
  } else if (config.projectId !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(config.projectId)) {
    problems.push('OS_PROJECT_ID must be 1–256 letters, digits, "-" or "_"');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
