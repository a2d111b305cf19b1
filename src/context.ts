import { GraphQLError } from 'graphql';
import type { YogaInitialContext } from 'graphql-yoga';
import { RequestLimits, type CallLimits } from './execution/request-limits.js';
import { createLoaders, type Credentials, type LoaderShared, type Loaders, type Sources } from './loaders/index.js';
import { credentialId, headerAuth, type Authenticator } from './sources/auth.js';
import type { SourceName } from './sources/errors.js';
import type { CallEvent } from './sources/http.js';

export interface Context {
  loaders: Loaders;
  /** What the request may still spend; cancelling it gives up the request's upstream calls. */
  limits: RequestLimits;
}

/** The credentials configured at start-up: static tokens, logins and signers, shared by all requests. */
export interface ConfiguredCredentials {
  nova: Authenticator | undefined;
  /** The ports API and HSS. */
  huawei: Authenticator | undefined;
  zstack: Authenticator | undefined;
}

/** What the server holds for its lifetime and hands to every request's context. */
export interface ContextDeps {
  sources: Sources;
  shared: LoaderShared;
  credentials: ConfiguredCredentials;
  requestDeadlineMs: number;
  limits: CallLimits;
  /** The request's trace: told about every attempt as it is sent, and about every event of its calls. */
  trace?: (request: Request) => RequestTrace;
}

export interface RequestTrace {
  countSent(source: SourceName): void;
  record(event: CallEvent): void;
}

// Huawei tokens run to many KB; anything far beyond that is not a token.
const MAX_TOKEN_LENGTH = 100_000;

export function tokenAuthenticator(token: string): Authenticator {
  return headerAuth(credentialId('token', token), 'X-Auth-Token', token);
}

export function sessionAuthenticator(session: string): Authenticator {
  return headerAuth(credentialId('zstack-session', session), 'Authorization', `OAuth ${session}`);
}

/**
 * The caller's own X-Auth-Token, when it sends one, serves its request at Nova, the ports API and
 * HSS instead of the configured credentials: it is who the caller is.
 */
export function requestCredentials(request: Request, deps: ContextDeps, now = Date.now()): Credentials {
  const passed = request.headers.get('x-auth-token')?.trim();
  if (passed !== undefined && passed.length > MAX_TOKEN_LENGTH) {
    // Never served with the configured credentials instead: the caller meant its own.
    throw new GraphQLError(`X-Auth-Token is longer than ${MAX_TOKEN_LENGTH} characters; no token is`, {
      extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
    });
  }
  const own = passed !== undefined && passed !== '' ? tokenAuthenticator(passed) : undefined;
  return {
    nova: own ?? deps.credentials.nova,
    huawei: own ?? deps.credentials.huawei,
    zstack: deps.credentials.zstack,
    deadline: now + deps.requestDeadlineMs,
  };
}

export function contextFactory(deps: ContextDeps) {
  return ({ request }: YogaInitialContext): Context => {
    const trace = deps.trace?.(request);
    const limits = new RequestLimits(deps.limits, request.signal, trace && ((source) => trace.countSent(source)));
    const credentials = { ...requestCredentials(request, deps), observe: trace && ((event: CallEvent) => trace.record(event)), owner: limits };
    return { loaders: createLoaders(deps.sources, credentials, deps.shared), limits };
  };
}
