import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
import { countResultNodes } from './execution/node-count.js';
import { resolvers } from './resolvers/index.js';

/** The SDL files, base first: the others extend its types. */
export const SCHEMA_FILES = ['base', 'compute', 'network', 'host-security', 'zstack'];

export function readTypeDefs(): string {
  return SCHEMA_FILES.map((name) => readFileSync(new URL(`../schema/${name}.graphql`, import.meta.url), 'utf8')).join('\n');
}

/** The subgraph schema, its resolvers counting the result nodes they bring against the request's limit. */
export function buildSchema(): GraphQLSchema {
  const schema = buildSubgraphSchema([{ typeDefs: parse(readTypeDefs()), resolvers }]);
  countResultNodes(schema);
  return schema;
}
