import type { SubnetResolvers } from '../generated/resolvers-types.js';
import { checkId } from '../rules/arguments.js';
import { portsConnection } from './ports-connection.js';

export const Subnet: SubnetResolvers = {
  __resolveReference: ({ id }) => ({ id: checkId(id) }),
  ports: (s, { isUsed, first, after }, { loaders }) =>
    portsConnection(loaders, { subnet_id: s.id, is_used: isUsed ?? undefined }, first, after),
};
