import {
  getArgumentValues,
  getNamedType,
  GraphQLError,
  isObjectType,
  Kind,
  type DocumentNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { badInput, checkFirst, checkId, checkIpAddress, checkPort, checkPortString, isId } from './rules/arguments.js';
import { decodeMarker, decodeOffset } from './rules/cursor.js';

type Args = Record<string, unknown>;

/** The cursor kind of each paged field, so a cursor from another connection is refused up front. */
const CURSOR_KINDS: Record<string, (after: string) => unknown> = {
  'Query.servers': (after) => decodeMarker('servers', after),
  'Query.ports': (after) => decodeMarker('ports', after),
  'Subnet.ports': (after) => decodeMarker('ports', after),
  'Query.openPortStatistics': (after) => decodeOffset('openPortStatistics', after),
};

function checkField(coordinate: string, args: Args, argTypes: Map<string, string>): void {
  for (const [name, value] of Object.entries(args)) {
    if (value == null) continue;
    if (argTypes.get(name) === 'ID' && typeof value === 'string') checkId(value, name);
    if (name === 'port') checkPort(value as number);
    if (name === 'first') checkFirst(value as number);
    if (name === 'after' && typeof value === 'string') CURSOR_KINDS[coordinate]?.(value);
  }
  const filter = args['filter'] as Args | null | undefined;
  if (filter != null) {
    checkPort(filter['port'] as number | null | undefined, 'filter.port');
    if (typeof filter['ipAddress'] === 'string') checkIpAddress(filter['ipAddress'], 'filter.ipAddress');
    if (typeof filter['subnetId'] === 'string') checkId(filter['subnetId'], 'filter.subnetId');
    if (typeof filter['portString'] === 'string') checkPortString(filter['portString']);
  }
  if (coordinate === 'Query._entities' && Array.isArray(args['representations'])) {
    args['representations'].forEach((rep: unknown, index) => {
      const id = (rep as Args | null)?.['id'];
      if (id !== undefined && !isId(id)) {
        throw badInput(`representations[${index}].id`, 'must be 1–128 letters, digits, "-" or "_"');
      }
    });
  }
}

/** Every argument of the operation, checked before execution starts, so bad input reaches no upstream. */
export function findArgumentErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Args,
): GraphQLError[] {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName == null ? operations[0] : operations.find((o) => o.name?.value === operationName);
  const root = operation === undefined ? undefined : schema.getRootType(operation.operation);
  if (operation === undefined || root == null) return [];
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const errors: GraphQLError[] = [];
  const visited = new Set<string>();

  const walk = (set: SelectionSetNode, type: GraphQLObjectType | undefined): void => {
    for (const node of set.selections) {
      if (node.kind === Kind.FIELD) {
        const field = type?.getFields()[node.name.value];
        if (field === undefined) continue;
        try {
          const argTypes = new Map(field.args.map((a) => [a.name, getNamedType(a.type).name]));
          checkField(`${type?.name}.${field.name}`, getArgumentValues(field, node, variables), argTypes);
        } catch (e) {
          if (e instanceof GraphQLError) errors.push(new GraphQLError(e.message, { nodes: [node], extensions: e.extensions }));
        }
        const inner = getNamedType(field.type);
        if (node.selectionSet) walk(node.selectionSet, isObjectType(inner) ? inner : undefined);
      } else {
        const name = node.kind === Kind.FRAGMENT_SPREAD ? node.name.value : undefined;
        const fragment = node.kind === Kind.INLINE_FRAGMENT ? node : name === undefined ? undefined : fragments.get(name);
        if (fragment === undefined || (name !== undefined && visited.has(name))) continue;
        if (name !== undefined) visited.add(name);
        const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : type;
        walk(fragment.selectionSet, isObjectType(condition) ? condition : type);
      }
    }
  };
  walk(operation.selectionSet, root);
  return errors;
}

export function useArgumentChecks(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const errors = findArgumentErrors(
        args.schema as GraphQLSchema,
        args.document as DocumentNode,
        args.operationName as string | null | undefined,
        (args.variableValues ?? {}) as Args,
      );
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
  };
}
