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
  /** Bearer keys every GraphQL request must carry (`API_KEYS`); empty means none is asked for. */
  apiKeys: string[];
  /** Origins allowed to read answers cross-origin (`CORS_ORIGINS`); empty means no CORS headers at all. */
  corsOrigins: string[];
  /** Serve GraphiQL at `/graphql` to browsers. */
  graphiql: boolean;
  /** Answer `__schema` and `__type`; tracing (`X-Portgraph-Trace`, `Server-Timing`) follows it. */
  introspection: boolean;
  limits: RequestLimitsConfig;
}

/** What one GraphQL request may cost (DESIGN.md, "Safe by default"). */
export interface RequestLimitsConfig {
  /** Upstream calls: estimated before the request runs, counted while it runs. */
  maxUpstreamCalls: number;
  /** Result nodes (objects and leaves) in one answer, counted while it runs. */
  maxResponseNodes: number;
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
}

export const DEFAULT_LIMITS: RequestLimitsConfig = {
  maxUpstreamCalls: 3000,
  maxResponseNodes: 1_000_000,
  maxDepth: 10,
  maxAliases: 30,
  maxTokens: 5000,
};

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
  const flag = (name: string, fallback: boolean) => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    problems.push(`${name} must be true or false; got "${raw}"`);
    return fallback;
  };
  const list = (name: string) => (text(name) ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
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
    host: text('HOST') ?? '127.0.0.1',
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
    apiKeys: apiKeys(list('API_KEYS'), problems),
    corsOrigins: origins(list('CORS_ORIGINS'), problems),
    graphiql: true,
    introspection: true,
    limits: {
      maxUpstreamCalls: integer('MAX_UPSTREAM_CALLS', DEFAULT_LIMITS.maxUpstreamCalls, 1, 1_000_000),
      maxResponseNodes: integer('MAX_RESPONSE_NODES', DEFAULT_LIMITS.maxResponseNodes, 1, 100_000_000),
      maxDepth: integer('MAX_DEPTH', DEFAULT_LIMITS.maxDepth, 1, 100),
      maxAliases: integer('MAX_ALIASES', DEFAULT_LIMITS.maxAliases, 0, 10_000),
      maxTokens: integer('MAX_TOKENS', DEFAULT_LIMITS.maxTokens, 10, 1_000_000),
    },
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
  // GraphiQL and introspection are for exploring; a production deployment of a real cloud hides them.
  const exploring = config.demo || text('NODE_ENV') !== 'production';
  config.graphiql = flag('GRAPHIQL', exploring);
  config.introspection = flag('INTROSPECTION', exploring);
  if (!config.demo && holdsCredentials(config) && !isLoopbackHost(config.host) && config.apiKeys.length === 0) {
    problems.push(
      'HOST is not a loopback address and credentials are configured: set API_KEYS as well, so that only callers holding a key are answered with those credentials',
    );
  }

  const needsProject = [config.novaUrl, config.vpcUrl, config.hssUrl].some((u) => u !== undefined);
  if ((needsProject || config.passwordLogin !== undefined) && config.projectId === undefined) {
    problems.push('OS_PROJECT_ID is required when NOVA_URL, VPC_URL, HSS_URL or OS_AUTH_URL is set');
  } else if (config.projectId !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(config.projectId)) {
    problems.push('OS_PROJECT_ID must be 1–256 letters, digits, "-" or "_"');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** True for the names and addresses that reach this machine only. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare.endsWith('.localhost') || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** Whether any request would be served with credentials of the operator's (not the caller's own token). */
function holdsCredentials(config: Config): boolean {
  return (
    config.osToken !== undefined ||
    config.passwordLogin !== undefined ||
    config.akSk !== undefined ||
    config.zstackSessionId !== undefined ||
    config.zstackAccount !== undefined
  );
}

// A key is compared whole; a short one could be guessed, and a key with a comma could not be listed.
function apiKeys(keys: string[], problems: string[]): string[] {
  if (keys.some((key) => key.length < 16 || /\s/.test(key))) {
    problems.push('API_KEYS must be comma-separated keys of at least 16 characters each, without spaces');
    return [];
  }
  return keys;
}

function origins(values: string[], problems: string[]): string[] {
  const found: string[] = [];
  for (const value of values) {
    let origin: string | undefined;
    try {
      const parsed = new URL(value);
      if ((parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === value.replace(/\/$/, '')) origin = parsed.origin;
    } catch {
      origin = undefined;
    }
    if (origin === undefined) problems.push(`CORS_ORIGINS must list origins such as https://dash.example.com (scheme, host and port only); got "${value}"`);
    else found.push(origin);
  }
  return found;
}
