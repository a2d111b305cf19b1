import type { Plugin, YogaServerOptions } from 'graphql-yoga';

type CorsOption = YogaServerOptions<Record<string, never>, object>['cors'];

/** What a listed origin may send: the body type, the keys and tokens, and the CSRF headers. */
const ALLOWED_HEADERS = [
  'content-type',
  'authorization',
  'x-auth-token',
  'x-graphql-yoga-csrf',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'x-portgraph-trace',
];

/**
 * Only a listed origin gets CORS headers, and then only its own origin back. With none listed,
 * Yoga's CORS is off: it would otherwise echo any Origin, `null` included. The list is checked
 * here rather than handed to Yoga as `origin: [...]`, which grants an unlisted origin `null` (what
 * a sandboxed page sends). Callers authenticate with headers, never cookies: no credentials.
 */
export function corsOption(origins: readonly string[]): CorsOption {
  if (origins.length === 0) return false;
  const listed = new Set(origins);
  return (request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !listed.has(origin)) return false;
    return { origin, methods: ['GET', 'POST'], allowedHeaders: ALLOWED_HEADERS, credentials: false, maxAge: 600 };
  };
}

/** The CORS headers of an answer depend on its Origin, so caches must keep one answer per origin. */
export function useVaryOnOrigin(): Plugin {
  return {
    onResponse({ response }) {
      response.headers.append('Vary', 'Origin');
    },
  };
}
