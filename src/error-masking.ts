import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
import type { Logger } from './logging.js';
import { redact } from './redaction.js';
import { RequestStopped } from './execution/request-limits.js';
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
export function createMaskError(logger: Logger, secrets: readonly string[] = []) {
  return (error: unknown, message: string): Error => maskError(error, message, logger, secrets);
}

function maskError(error: unknown, message: string, logger: Logger, secrets: readonly string[]): Error {
  const cause = upstreamCause(error);
  if (isUpstreamError(cause)) {
    const located = error instanceof GraphQLError ? error : undefined;
    // The message may carry an upstream's own words. A call's error was scrubbed as it was made
    // (before its text was cut short); this last pass covers the rest, logins' errors among them.
    return new GraphQLError(redact(cause.message, secrets), {
      nodes: located?.nodes,
      path: located?.path,
      extensions: {
        code: cause.code,
        source: cause.source,
        ...(cause.status !== undefined && { upstreamStatus: cause.status }),
        ...(cause.upstreamCode !== undefined && { upstreamCode: redact(cause.upstreamCode, secrets) }),
        retryable: cause.retryable,
        ...(cause.retryAfterMs !== undefined && { retryAfterMs: cause.retryAfterMs }),
      },
    });
  }
  if (cause instanceof RequestStopped) {
    // The request's client went away, or the request passed a limit and is answered as a whole.
    const located = error instanceof GraphQLError ? error : undefined;
    return new GraphQLError('The request was stopped before this field was resolved', {
      nodes: located?.nodes,
      path: located?.path,
      extensions: { code: 'REQUEST_STOPPED', reason: cause.why },
    });
  }
  const masked = yogaMaskError(error, message, false);
  if (masked !== error) {
    const located = error instanceof GraphQLError ? error : undefined;
    logger.error({ err: cause, path: located?.path?.join('.') }, 'unexpected error, masked');
  }
  return masked;
}
