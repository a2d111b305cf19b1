import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';
import { useApiKeys } from './api-keys.js';
import { corsOption, useVaryOnOrigin } from './cors.js';

export interface SecuritySettings {
  apiKeys?: string[];
  corsOrigins?: string[];
  graphiql?: boolean;
  introspection?: boolean;
}

/**
 * Any of these proves the request was preflighted: a browser sends none of them cross-site
 * without asking first. `Authorization` is not one: a browser adds cached Basic or Negotiate
 * credentials to a cross-site form post by itself.
 */
export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-auth-token'];

/** GraphQL's own introspection rule; `__typename` and federation's `_service { sdl }` still answer. */
function useNoIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

/**
 * Who may query the graph, and what a browser may do with it (DESIGN.md, "Safe by default"). The
 * Host check against DNS rebinding is the HTTP edge's (src/http-server.ts).
 */
export function securityOptions(settings: SecuritySettings) {
  const { apiKeys = [], corsOrigins = [], graphiql = true, introspection = true } = settings;
  const plugins: Plugin[] = [useCSRFPrevention({ requestHeaders: CSRF_HEADERS })];
  if (apiKeys.length > 0) plugins.push(useApiKeys(apiKeys));
  if (corsOrigins.length > 0) plugins.push(useVaryOnOrigin());
  if (!introspection) plugins.push(useNoIntrospection());
  return {
    plugins,
    cors: corsOption(corsOrigins),
    graphiql: (options: GraphiQLOptions): GraphiQLOptions | false =>
      graphiql && {
        ...options,
        // GraphiQL sends subscriptions as GETs, which CSRF prevention refuses without a header.
        additionalHeaders: { 'x-graphql-yoga-csrf': 'graphiql' },
        // A key typed into GraphiQL's headers stays in the page, not in the browser's storage.
        ...(apiKeys.length > 0 && { headers: JSON.stringify({ Authorization: 'Bearer <API key>' }, null, 2), shouldPersistHeaders: false }),
      },
    /** The upstream trace shows how portgraph works inside: only where the schema may be explored. */
    tracing: introspection,
  };
}
