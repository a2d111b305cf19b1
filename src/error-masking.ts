import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
import type { Logger } from './logging.js';
import { isUpstreamError } from './sources/errors.js';

function upstreamCause(error: unknown): unknown {
  let cause = error;
  while (cause instanceof GraphQLError && cause.originalError !== undefined) cause = cause.originalError;
  return cause;
}

/**
 * An upstream failure becomes an error a client can act on: `extensions.code` and the source's
 * name, with the path it failed. Anything else unexpected is masked, never with a stack.
 */
export function createMaskError(logger: Logger) {
  return (error: unknown, message: string): Error => maskError(error, message, logger);
}

function maskError(error: unknown, message: string, logger: Logger): Error {
  const cause = upstreamCause(error);
  if (isUpstreamError(cause)) {
    const located = error instanceof GraphQLError ? error : undefined;
    return new GraphQLError(cause.message, {
      nodes: located?.nodes,
      path: located?.path,
      extensions: {
        code: cause.code,
        source: cause.source,
        ...(cause.status !== undefined && { upstreamStatus: cause.status }),
        ...(cause.upstreamCode !== undefined && { upstreamCode: cause.upstreamCode }),
        retryable: cause.retryable,
      },
    });
  }
  const masked = yogaMaskError(error, message, false);
  if (masked !== error) {
    const located = error instanceof GraphQLError ? error : undefined;
    logger.error({ err: cause, path: located?.path?.join('.') }, 'unexpected error, masked');
  }
  return masked;
}
