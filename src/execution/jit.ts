import {
  GraphQLError,
  visit,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  type GraphQLSchema,
  type SourceLocation,
  type VariableDefinitionNode,
  getOperationAST,
  getVariableValues,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { makeExecute, type Plugin } from 'graphql-yoga';
import type { Logger } from '../logging.js';

/**
 * Built-in scalars and enums go into the answer as the resolvers give them, without graphql-js's
 * output coercion, which graphql-jit runs per leaf with an error path and location built for each
 * (a fleet walk has some 15,000 leaves). Nothing is lost: every leaf value is already of its
 * GraphQL type. Upstream fields are checked when a body is decoded (strings as strings, integers
 * within a 32-bit Int, see src/sources/shape.ts), and enums come from the rule functions, which
 * return the enum's own names.
 */
const LEAVES_AS_THEY_ARE = { disableLeafSerialization: true };

/**
 * Larger documents run on the default executor: compiling costs time and memory in proportion to
 * the document, and pays off only for the small documents clients send again and again.
 */
const MAX_COMPILED_TEXT = 32 * 1024;

interface Compiled {
  query: CompiledQuery;
  variables: readonly VariableDefinitionNode[];
}

/**
 * Runs each operation through a function graphql-jit compiles for it once (Yoga's parse cache hands
 * back the same document for the same query text). An operation graphql-jit cannot compile, and a
 * request whose variables do not coerce, run on the default executor, which answers them as before.
 * Not @envelop/graphql-jit: it bundles graphql-jit 0.8.7, which puts a field selected beside a
 * fragment out of query order.
 */
export function useJit(logger: Logger): Plugin {
  const compiled = new WeakMap<DocumentNode, Map<string, Compiled | null>>();

  function compile(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): Compiled | null {
    const operation = getOperationAST(document, operationName);
    if (operation == null || (document.loc?.source.body.length ?? 0) > MAX_COMPILED_TEXT) return null;
    const result = compileQuery(schema, document, operationName, LEAVES_AS_THEY_ARE);
    if (!isCompiledQuery(result)) {
      logger.warn({ errors: result.errors?.map((e) => e.message) }, 'graphql-jit could not compile an operation');
      return null;
    }
    return { query: result, variables: operation.variableDefinitions ?? [] };
  }

  function compiledFor(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): Compiled | null {
    let operations = compiled.get(document);
    if (operations === undefined) compiled.set(document, (operations = new Map<string, Compiled | null>()));
    let found = operations.get(operationName ?? '');
    if (found === undefined) operations.set(operationName ?? '', (found = compile(schema, document, operationName)));
    return found;
  }

  return {
    onExecute({ args, setExecuteFn }) {
      const schema = args.schema as GraphQLSchema;
      const document = args.document as DocumentNode;
      const found = compiledFor(schema, document, (args.operationName as string | null) ?? undefined);
      if (found === null) return;
      const inputs = (args.variableValues ?? {}) as Record<string, unknown>;
      if (found.variables.length > 0 && getVariableValues(schema, found.variables, inputs).errors !== undefined) return;
      setExecuteFn(
        makeExecute(async ({ rootValue, contextValue, variableValues }: ExecutionArgs) =>
          withErrorNodes(await found.query.query(rootValue, contextValue, variableValues), document),
        ),
      );
    },
  };
}

/**
 * graphql-jit's errors carry `locations` but not the AST nodes that error masking rebuilds errors
 * from; the fields are found again by where they start in the query text. Errors come first, as
 * graphql-js orders them.
 */
function withErrorNodes(result: ExecutionResult, document: DocumentNode): ExecutionResult {
  const { errors, data, extensions } = result;
  if (errors === undefined) return result;
  const body = document.loc?.source.body;
  const located = errors.map((error) => {
    if (error.nodes !== undefined || error.locations === undefined || body === undefined) return error;
    const fields = fieldsByStart(document);
    return new GraphQLError(error.message, {
      nodes: error.locations.flatMap((location) => fields.get(positionOf(body, location)) ?? []),
      path: error.path,
      originalError: error.originalError,
      extensions: error.extensions,
    });
  });
  return extensions === undefined ? { errors: located, data } : { errors: located, data, extensions };
}

const fieldIndexes = new WeakMap<DocumentNode, Map<number, FieldNode>>();

function fieldsByStart(document: DocumentNode): Map<number, FieldNode> {
  let fields = fieldIndexes.get(document);
  if (fields === undefined) {
    const index = new Map<number, FieldNode>();
    visit(document, { Field: (node) => void (node.loc && index.set(node.loc.start, node)) });
    fieldIndexes.set(document, (fields = index));
  }
  return fields;
}

/** The offset in `body` of a 1-based line and column (line breaks as GraphQL counts them). */
function positionOf(body: string, { line, column }: SourceLocation): number {
  let lineStart = 0;
  let lineNumber = 1;
  for (const lineBreak of body.matchAll(/\r\n|[\n\r]/g)) {
    if (lineNumber === line) break;
    lineStart = lineBreak.index + lineBreak[0].length;
    lineNumber++;
  }
  return lineStart + column - 1;
}
