import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
import { resolvers } from './resolvers/index.js';

/** The SDL files, base first: the others extend its types. */
export const SCHEMA_FILES = ['base', 'compute', 'network', 'host-security', 'zstack'];

export function readTypeDefs(): string {
  return SCHEMA_FILES.map((name) => readFileSync(new URL(`../schema/${name}.graphql`, import.meta.url), 'utf8')).join('\n');
}

export function buildSchema(): GraphQLSchema {
  return buildSubgraphSchema([{ typeDefs: parse(readTypeDefs()), resolvers }]);
}
