import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** A Keystone / Huawei IAM user the simulator accepts at `POST /v3/auth/tokens`. */
export interface SimUser {
  name: string;
  password: string;
  /** When set, the login must name this domain. */
  domain?: string;
}

/** A ZStack account; `password` is plaintext, the login must send its SHA-512 hex. */
export interface SimZstackAccount {
  name: string;
  password: string;
}

/** A Huawei access key and its secret. */
export interface SimAkSk {
  ak: string;
  sk: string;
}

export const DEMO_USER: Readonly<Required<SimUser>> = Object.freeze({
  name: 'demo',
  password: 'demo-password',
  domain: 'Default',
});

export const DEMO_ZSTACK_ACCOUNT: Readonly<SimZstackAccount> = Object.freeze({
  name: 'admin',
  password: 'demo-zstack-password',
});

/** Shaped like a real pair: a 20-character AK and a 40-character SK. */
export const DEMO_AKSK: Readonly<SimAkSk> = Object.freeze({
  ak: 'PGSIMDEMOACCESSKEY01',
  sk: 'pgSimDemoSecretKey0123456789abcdefABCDEF',
});

export const DEFAULT_TOKEN_TTL_MS = 3_600_000;
export const DEFAULT_SESSION_TTL_MS = 7_200_000;

/** Past this many issued tokens (or sessions), expired ones are dropped, then the oldest. */
const MAX_ISSUED = 10_000;

export interface IdentityOptions {
  osTokens: readonly string[];
  zstackSessions: readonly string[];
  users: readonly SimUser[];
  tokenTtlMs: number;
  zstackAccounts: readonly SimZstackAccount[];
  sessionTtlMs: number;
  akSk: readonly SimAkSk[];
}

export interface IssuedToken {
  token: string;
  user: SimUser;
  userId: string;
  issuedAt: number;
  expiresAt: number;
}

export interface IssuedSession {
  session: string;
  accountUuid: string;
  expiresAt: number;
}

export type TokenCheck = { ok: true; principal: string } | { ok: false; expired: boolean };

interface Issued {
  principal: string;
  expiresAt: number;
}

/**
 * Every credential the simulated cloud knows: static tokens and sessions (which never expire),
 * the users, accounts and keys that can log in or sign, and what those logins issued.
 */
export class Identity {
  private readonly staticTokens: ReadonlySet<string>;
  private readonly staticSessions: ReadonlySet<string>;
  private readonly users: readonly SimUser[];
  private readonly accountHashes: ReadonlyMap<string, string>;
  private readonly secrets: ReadonlyMap<string, string>;
  private readonly tokens = new Map<string, Issued>();
  private readonly sessions = new Map<string, Issued>();
  private readonly counts = { keystone: 0, zstack: 0 };

  constructor(private readonly options: IdentityOptions) {
    this.staticTokens = new Set(options.osTokens);
    this.staticSessions = new Set(options.zstackSessions);
    this.users = options.users.map((u) => ({ ...u }));
    this.accountHashes = new Map(options.zstackAccounts.map((a) => [a.name, sha512Hex(a.password)]));
    this.secrets = new Map(options.akSk.map((k) => [k.ak, k.sk]));
  }

  /** The user these credentials name, or undefined for an unknown user, wrong password or domain. */
  findUser(name: string, password: string, domain: string | undefined): SimUser | undefined {
    return this.users.find(
      (u) => u.name === name && u.password === password && (u.domain === undefined || u.domain === domain),
    );
  }

  issueToken(user: SimUser, now: number): IssuedToken {
    // Fernet-sized: long enough to look real, short enough to keep the call log small.
    const token = `gAAAAAB${randomBytes(132).toString('base64url')}`;
    const expiresAt = now + this.options.tokenTtlMs;
    remember(this.tokens, token, { principal: user.name, expiresAt }, now);
    this.counts.keystone += 1;
    return { token, user, userId: stableId(`user:${user.domain ?? ''}:${user.name}`), issuedAt: now, expiresAt };
  }

  /** An `X-Auth-Token`: a static one, or an issued one that has not expired. */
  checkToken(token: string, now: number): TokenCheck {
    if (this.staticTokens.has(token)) return { ok: true, principal: token };
    const issued = this.tokens.get(token);
    if (issued === undefined) return { ok: false, expired: false };
    return now < issued.expiresAt ? { ok: true, principal: issued.principal } : { ok: false, expired: true };
  }

  /** A new session when `passwordHash` is the SHA-512 hex of the account's password. */
  issueSession(accountName: string, passwordHash: string, now: number): IssuedSession | undefined {
    const expected = this.accountHashes.get(accountName);
    if (expected === undefined || expected !== passwordHash) return undefined;
    const session = randomUUID().replaceAll('-', '');
    const expiresAt = now + this.options.sessionTtlMs;
    remember(this.sessions, session, { principal: accountName, expiresAt }, now);
    this.counts.zstack += 1;
    return { session, accountUuid: stableId(`zstack-account:${accountName}`), expiresAt };
  }

  /** The account a live session belongs to (renewing it: ZStack sessions slide), or undefined. */
  checkSession(session: string, now: number): string | undefined {
    if (this.staticSessions.has(session)) return session;
    const issued = this.sessions.get(session);
    if (issued === undefined || now >= issued.expiresAt) return undefined;
    issued.expiresAt = now + this.options.sessionTtlMs;
    return issued.principal;
  }

  secretOf(ak: string): string | undefined {
    return this.secrets.get(ak);
  }

  /** Every issued token and session expires now; static ones are untouched. */
  expireAll(now: number): void {
    for (const issued of [...this.tokens.values(), ...this.sessions.values()]) {
      issued.expiresAt = Math.min(issued.expiresAt, now);
    }
  }

  logins(): { keystone: number; zstack: number } {
    return { ...this.counts };
  }
}

function remember(map: Map<string, Issued>, key: string, value: Issued, now: number): void {
  if (map.size >= MAX_ISSUED) {
    for (const [k, v] of map) if (v.expiresAt <= now) map.delete(k);
    for (const k of map.keys()) {
      if (map.size < MAX_ISSUED) break;
      map.delete(k);
    }
  }
  map.set(key, value);
}

export function sha512Hex(text: string): string {
  return createHash('sha512').update(text, 'utf8').digest('hex');
}

/** 32 hex characters derived from `seed`, so ids stay the same across restarts. */
function stableId(seed: string): string {
  return createHash('sha256').update(seed, 'utf8').digest('hex').slice(0, 32);
}
