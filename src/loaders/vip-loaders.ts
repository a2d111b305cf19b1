import { toPortRanges, type PortRange } from '../rules/port-ranges.js';
import type { CallScope } from '../sources/http.js';
import type { ZstackClient } from '../sources/zstack.js';
import { configured, perKeyLoader } from './settle.js';

export interface VipPortsKey {
  uuid: string;
  protocol: 'TCP' | 'UDP';
}

export function vipLoaders(client: ZstackClient | undefined, scope: CallScope) {
  const zstack = () => configured(client, 'zstack');
  return {
    /** ZStack `vips/{uuid}/usedports`, as sorted, merged ranges. */
    vipUsedPorts: perKeyLoader<VipPortsKey, PortRange[], string>(
      async ({ uuid, protocol }) => toPortRanges((await zstack().getVipUsedPorts(scope, uuid, protocol)).usedPorts),
      { cacheKeyFn: (k) => `${k.uuid}|${k.protocol}` },
    ),
  };
}
