import type { YogaInitialContext } from 'graphql-yoga';
import { createLoaders, type Credentials, type LoaderShared, type Loaders, type Sources } from './loaders/index.js';
import { credentialId, headerAuth, type Authenticator } from './sources/auth.js';

export interface Context {
  loaders: Loaders;
}

/** What the server holds for its lifetime and hands to every request's context. */
export interface ContextDeps {
  sources: Sources;
  shared: LoaderShared;
  osToken: string | undefined;
  zstackSessionId: string | undefined;
}

// Huawei tokens run to many KB; anything far beyond that is not a token.
const MAX_TOKEN_LENGTH = 100_000;

/** The caller's own X-Auth-Token, when it sends one, replaces the configured token for its request. */
export function requestCredentials(request: Request, deps: ContextDeps): Credentials {
  const passed = request.headers.get('x-auth-token')?.trim();
  const token = passed !== undefined && passed !== '' && passed.length <= MAX_TOKEN_LENGTH ? passed : deps.osToken;
  const openstack = token === undefined ? undefined : tokenAuth('X-Auth-Token', 'os', token);
  return {
    nova: openstack,
    huawei: openstack,
    zstack:
      deps.zstackSessionId === undefined
        ? undefined
        : tokenAuth('Authorization', 'zstack', `OAuth ${deps.zstackSessionId}`),
  };
}

function tokenAuth(header: string, kind: string, value: string): Authenticator {
  return headerAuth(credentialId(kind, value), header, value);
}

export function contextFactory(deps: ContextDeps) {
  return ({ request }: YogaInitialContext): Context => ({
    loaders: createLoaders(deps.sources, requestCredentials(request, deps), deps.shared),
  });
}
