import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { credentialId } from '../sources/auth.js';
import type { Authenticator } from '../sources/auth.js';
import type { UpstreamErrorCode } from '../sources/errors.js';
import { codeForStatus, isRecord, loginError, parseJson, sendLogin, upstreamMessage } from './login-http.js';
import type { LoginAnswer, LoginCall } from './login-http.js';
import { LoginSession, headerOf } from './login-session.js';
import type { Session } from './login-session.js';

export interface ZstackLoginOptions {
  /** `ZSTACK_URL`, e.g. `http://mn:8080`; the API lives under `/zstack/v1`. */
  baseUrl: string;
  accountName: string;
  password: string;
  timeoutMs: number;
  /** Default: undici's global dispatcher. */
  dispatcher?: Dispatcher | undefined;
  /** Epoch ms; sessions slide on the server, so it only feeds the shared session logic. */
  now?: (() => number) | undefined;
}

const SCHEME = 'OAuth ';

/** ZStack answers every business failure with 503 and an `{"error":{code}}`; these are not outages. */
const LOGIN_ERRORS: Readonly<Record<string, { code: UpstreamErrorCode; retryable: boolean }>> = {
  'ID.1000': { code: 'UNAUTHENTICATED', retryable: false },
  'ID.1002': { code: 'FORBIDDEN', retryable: false },
  'ID.1006': { code: 'RATE_LIMITED', retryable: true },
};

/** What ZStack's login is sent instead of the password: its SHA-512, in hex. */
export function zstackPasswordHash(password: string): string {
  return createHash('sha512').update(password, 'utf8').digest('hex');
}

/**
 * One ZStack account session for the whole process. The server slides its expiry on every call
 * and caps sessions per account, so it is reused until ZStack refuses it (503 `ID.1001`).
 */
export class ZstackLogin {
  readonly #options: ZstackLoginOptions;
  readonly #passwordHash: string;
  readonly #authenticator: Authenticator;

  constructor(options: ZstackLoginOptions) {
    this.#options = options;
    this.#passwordHash = zstackPasswordHash(options.password);
    const session = new LoginSession(() => this.#login(), options.now ?? Date.now);
    this.#authenticator = {
      id: credentialId('zstack-account', `${options.baseUrl}\n${options.accountName}`),
      async authorize(req) {
        req.headers.Authorization = SCHEME + (await session.secret());
      },
      refresh: (failed) => {
        const header = headerOf(failed, 'Authorization');
        return session.refresh(header?.startsWith(SCHEME) ? header.slice(SCHEME.length) : undefined);
      },
    };
  }

  authenticator(): Authenticator {
    return this.#authenticator;
  }

  async #login(): Promise<Session> {
    const o = this.#options;
    const call: LoginCall = {
      source: 'zstack',
      service: 'ZStack',
      url: `${o.baseUrl.replace(/\/+$/, '')}/zstack/v1/accounts/login`,
      method: 'PUT',
      headers: { 'Content-Type': 'application/json;charset=UTF-8', Accept: 'application/json' },
      body: JSON.stringify({ logInByAccount: { accountName: o.accountName, password: this.#passwordHash } }),
      timeoutMs: o.timeoutMs,
      dispatcher: o.dispatcher,
      secrets: [o.password, this.#passwordHash],
    };
    const answer = await sendLogin(call);
    const body = parseJson(answer.text);
    if (answer.status !== 200) throw refused(call, answer, body);
    const inventory = isRecord(body) && isRecord(body.inventory) ? body.inventory : undefined;
    const uuid = inventory?.uuid;
    if (typeof uuid !== 'string' || uuid === '') {
      throw loginError(call, 'UPSTREAM_BAD_RESPONSE', '200 with no inventory.uuid', { status: 200, retryable: false });
    }
    return { secret: uuid };
  }
}

function refused(call: LoginCall, answer: LoginAnswer, body: unknown) {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const upstreamCode = typeof error?.code === 'string' ? error.code : undefined;
  const { code, retryable } =
    (upstreamCode !== undefined ? LOGIN_ERRORS[upstreamCode] : undefined) ?? codeForStatus(answer.status);
  // Framework failures (400/404/500) come as plain text, not the envelope.
  const said = upstreamMessage(
    typeof error?.description === 'string' ? error.description : error === undefined ? answer.text : undefined,
    call.secrets,
  );
  const detail = [String(answer.status), upstreamCode, said].filter((part) => part !== undefined).join(' ');
  return loginError(call, code, detail, { status: answer.status, upstreamCode, retryable });
}
