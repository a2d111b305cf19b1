import type { VipResolvers } from '../generated/resolvers-types.js';
import { checkId } from '../rules/arguments.js';

export const Vip: VipResolvers = {
  __resolveReference: ({ id }) => ({ id: checkId(id) }),
  usedPorts: (v, { protocol }, { loaders }) => loaders.vipUsedPorts.load({ uuid: v.id, protocol }),
};
