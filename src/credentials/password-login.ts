import type { Dispatcher } from 'undici';
import { credentialId } from '../sources/auth.js';
import type { Authenticator } from '../sources/auth.js';
import type { SourceName } from '../sources/errors.js';
import { codeForStatus, headerValue, isRecord, loginError, parseJson, sendLogin, upstreamMessage } from './login-http.js';
import type { LoginAnswer, LoginCall } from './login-http.js';
import { LoginSession, headerOf } from './login-session.js';
import type { Session } from './login-session.js';

export interface PasswordLoginOptions {
  /** `OS_AUTH_URL`, the Keystone v3 / Huawei IAM root, e.g. `https://iam.example/v3`. */
  authUrl: string;
  username: string;
  password: string;
  userDomainName: string;
  projectId: string;
  /** The source whose calls this token authorizes; named in every login error. */
  source: SourceName;
  timeoutMs: number;
  /** Default: undici's global dispatcher. */
  dispatcher?: Dispatcher | undefined;
  /** Epoch ms; tests travel in time with it. */
  now?: (() => number) | undefined;
}

const TOKEN_HEADER = 'X-Auth-Token';
const MAX_RENEWAL_MARGIN_MS = 5 * 60 * 1000;
const RENEWAL_MARGIN_SHARE = 0.1;

/**
 * A project-scoped Keystone v3 (or Huawei IAM) token from a password login, renewed before
 * `expires_at` and after a 401, one login at a time for the whole process.
 */
export class PasswordLogin {
  readonly #options: PasswordLoginOptions;
  readonly #now: () => number;
  readonly #session: LoginSession;
  readonly #authenticator: Authenticator;

  constructor(options: PasswordLoginOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#session = new LoginSession(() => this.#login(), this.#now);
    const session = this.#session;
    this.#authenticator = {
      id: credentialId('keystone', `${options.authUrl}\n${options.username}\n${options.projectId}`),
      async authorize(req) {
        req.headers[TOKEN_HEADER] = await session.secret();
      },
      refresh: (failed) => session.refresh(headerOf(failed, TOKEN_HEADER)),
    };
  }

  authenticator(): Authenticator {
    return this.#authenticator;
  }

  async #login(): Promise<Session> {
    const o = this.#options;
    const call: LoginCall = {
      source: o.source,
      service: 'the identity service',
      url: `${o.authUrl.replace(/\/+$/, '')}/auth/tokens`,
      method: 'POST',
      headers: { 'Content-Type': 'application/json;charset=utf8', Accept: 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: o.username, password: o.password, domain: { name: o.userDomainName } } },
          },
          scope: { project: { id: o.projectId } },
        },
      }),
      timeoutMs: o.timeoutMs,
      dispatcher: o.dispatcher,
      secrets: [o.password],
    };
    const startedAt = this.#now();
    const answer = await sendLogin(call);
    if (answer.status !== 201 && answer.status !== 200) throw refused(call, answer);

    const token = headerValue(answer.headers, 'x-subject-token');
    if (token === undefined || token === '') throw badAnswer(call, answer.status, 'no X-Subject-Token header');
    const body = parseJson(answer.text);
    const tokenBody = isRecord(body) && isRecord(body.token) ? body.token : undefined;
    const expiresAt = parseTime(tokenBody?.expires_at);
    if (expiresAt === undefined) throw badAnswer(call, answer.status, 'no readable token.expires_at');
    // Lifetime by the server's own clock when it says when it issued the token, so a skewed local
    // clock does not shift renewal; else by ours.
    const issuedAt = parseTime(tokenBody?.issued_at);
    const lifetime = issuedAt !== undefined && issuedAt < expiresAt ? expiresAt - issuedAt : expiresAt - startedAt;
    return { secret: token, renewAt: startedAt + lifetime - renewalMargin(lifetime) };
  }
}

/** min(5 min, 10 % of the lifetime): a 1 h token renews with 5 min left, a 60 s token with 6 s. */
function renewalMargin(lifetimeMs: number): number {
  return Math.min(MAX_RENEWAL_MARGIN_MS, Math.max(0, lifetimeMs) * RENEWAL_MARGIN_SHARE);
}

/** Keystone writes `2015-11-07T02:58:43.578887Z`; a time without a zone is UTC, as Keystone means it. */
function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(value)
    ? value
    : /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/.test(value)
      ? `${value}Z`
      : undefined;
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

function refused(call: LoginCall, answer: LoginAnswer) {
  const { code, retryable } = codeForStatus(answer.status);
  const body = parseJson(answer.text);
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const said = typeof error?.message === 'string' ? upstreamMessage(error.message, call.secrets) : undefined;
  return loginError(call, code, said === undefined ? `${answer.status}` : `${answer.status} ${said}`, {
    status: answer.status,
    retryable,
  });
}

function badAnswer(call: LoginCall, status: number, what: string) {
  return loginError(call, 'UPSTREAM_BAD_RESPONSE', `${status} with ${what}`, { status, retryable: false });
}
