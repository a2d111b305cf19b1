import { GraphQLError, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { estimateCalls, type CallEstimate, type CostAssumptions } from '../rules/cost.js';
import type { RequestLimits } from './request-limits.js';

interface LimitedContext {
  limits: RequestLimits;
}

/** Estimates of operations without variables, which clients send again and again, by document. */
const estimates = new WeakMap<DocumentNode, Map<string, CallEstimate>>();

function estimateOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
  assume: CostAssumptions,
): CallEstimate {
  if (Object.keys(variables).length > 0) return estimateCalls(schema, document, operationName, variables, assume);
  const key = `${operationName ?? ''} ${assume.portListPages} ${assume.serverListPages}`;
  let known = estimates.get(document);
  if (known === undefined) estimates.set(document, (known = new Map<string, CallEstimate>()));
  let estimate = known.get(key);
  if (estimate === undefined) known.set(key, (estimate = estimateCalls(schema, document, operationName, variables, assume)));
  return estimate;
}

/**
 * Refuses, before any upstream call, an operation whose estimated calls pass `maxUpstreamCalls`;
 * answers one that passed a limit while it ran (see RequestLimits) with the refusal alone, leaving
 * behind what it had gathered; and, once an operation is answered, gives up its calls still queued
 * or in flight (a prefetch for a server that turned out not to exist).
 * Listed after the executor plugins, so it wraps whichever executor they chose.
 */
export function useRequestLimits(maxUpstreamCalls: number, assumptions: () => CostAssumptions): Plugin<LimitedContext> {
  return {
    onExecute({ args, executeFn, setExecuteFn, setResultAndStopExecution }) {
      const { limits } = args.contextValue as LimitedContext;
      const estimate = estimateOf(
        args.schema as GraphQLSchema,
        args.document as DocumentNode,
        args.operationName as string | null | undefined,
        (args.variableValues ?? {}) as Record<string, unknown>,
        assumptions(),
      );
      limits.estimate = estimate;
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
      setExecuteFn((executionArgs: ExecutionArgs) => {
        // Once stopped, a request's calls are cancelled and its lists answer nothing, so what is
        // left of its execution ends at once; its answer is then the refusal alone.
        return Promise.resolve(execute(executionArgs)).then(
          (result) => {
            limits.finish();
            const refusal = limits.refusal;
            return refusal === undefined ? result : { data: null, errors: [refusal] };
          },
          (error: unknown) => {
            limits.finish();
            throw error;
          },
        );
      });
    },
  };
}
