import { GraphQLError, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { estimateCalls, type CostAssumptions } from '../rules/cost.js';
import type { RequestLimits } from './request-limits.js';

interface LimitedContext {
  limits: RequestLimits;
}

/**
 * Refuses, before any upstream call, an operation whose estimated calls pass `maxUpstreamCalls`;
 * stops one that passes a limit while it runs (see RequestLimits), answering at once with the
 * refusal and leaving behind what it had gathered; and, once an operation is answered, gives up
 * its calls still queued or in flight (a prefetch for a server that turned out not to exist).
 * Listed after the executor plugins, so it wraps whichever executor they chose.
 */
export function useRequestLimits(maxUpstreamCalls: number, assumptions: () => CostAssumptions): Plugin<LimitedContext> {
  return {
    onExecute({ args, executeFn, setExecuteFn, setResultAndStopExecution }) {
      const estimate = estimateCalls(
        args.schema as GraphQLSchema,
        args.document as DocumentNode,
        args.operationName as string | null | undefined,
        (args.variableValues ?? {}) as Record<string, unknown>,
        assumptions(),
      );
      if (estimate.total > maxUpstreamCalls) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(
              `The query would make about ${estimate.total} upstream calls, more than the ${maxUpstreamCalls} one request may make (MAX_UPSTREAM_CALLS). Ask for fewer items (first), fewer aliases or fewer representations.`,
              { extensions: { code: 'QUERY_TOO_EXPENSIVE', estimatedCalls: estimate.total, estimatedBySource: estimate.bySource, maxUpstreamCalls } },
            ),
          ],
        });
        return;
      }
      const execute = executeFn as (args: ExecutionArgs) => ExecutionResult | Promise<ExecutionResult>;
      setExecuteFn(async (executionArgs: ExecutionArgs) => {
        const { limits } = executionArgs.contextValue as LimitedContext;
        try {
          const outcome = await Promise.race([execute(executionArgs), limits.refused]);
          const refusal = limits.refusal;
          return refusal === undefined && !(outcome instanceof GraphQLError) ? outcome : { data: null, errors: [refusal ?? outcome] };
        } finally {
          limits.finish();
        }
      });
    },
  };
}
