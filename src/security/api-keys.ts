import { createHash, timingSafeEqual } from 'node:crypto';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

const digest = (value: string) => createHash('sha256').update(value).digest();

function unauthenticated(message: string, challenge: string) {
  return createGraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': challenge } } },
  });
}

/**
 * Every GraphQL request must carry `Authorization: Bearer <key>` with one of the keys. It is checked
 * before the request is parsed, so a refused request costs no upstream call. GraphiQL's page is served
 * earlier, in Yoga's onRequest, and holds no data.
 */
export function useApiKeys(keys: readonly string[]): Plugin {
  // Digests have one length whatever the key's, so timingSafeEqual applies and tells nothing of it.
  const digests = keys.map(digest);
  return {
    onRequestParse({ request }) {
      const presented = /^Bearer +(\S+) *$/i.exec(request.headers.get('authorization') ?? '')?.[1];
      if (presented === undefined) {
        throw unauthenticated('An API key is required: send Authorization: Bearer <key>', 'Bearer realm="portgraph"');
      }
      const candidate = digest(presented);
      if (!digests.some((key) => timingSafeEqual(key, candidate))) {
        throw unauthenticated('The API key is not valid', 'Bearer realm="portgraph", error="invalid_token"');
      }
    },
  };
}
