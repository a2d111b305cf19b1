import DataLoader from 'dataloader';
import type { CallScope } from '../sources/http.js';
import type { VpcPort, VpcPortQuery } from '../sources/records.js';
import { VPC_MAX_LIMIT, type VpcClient } from '../sources/vpc.js';
import { DEFAULT_WALK_PAGES, findByWalk, type WalkEstimate } from './list-walks.js';
import { configured, perKeyLoader, queryKey, settle } from './settle.js';

export interface PortKey {
  id: string;
  /** An IP the port holds, when the caller knows one: it allows one filtered call instead of a walk. */
  ip?: string | undefined;
}

export function portLoaders(client: VpcClient | undefined, scope: CallScope, estimate: WalkEstimate) {
  const vpc = () => configured(client, 'vpc');

  // The ports API has no lookup by id. A few ports whose IPs are known cost one filtered call
  // each; more than a walk of the whole list would cost become one indexed walk.
  async function loadPorts(keys: readonly PortKey[]): Promise<(VpcPort | null | Error)[]> {
    const filtered = keys.every((k) => k.ip !== undefined) && keys.length <= (estimate.pages ?? DEFAULT_WALK_PAGES);
    if (filtered) {
      return settle(keys, async ({ id, ip }) => {
        const ports = await vpc().listPorts(scope, { ip_address: ip, limit: VPC_MAX_LIMIT });
        return ports.find((p) => p.id === id) ?? null;
      });
    }
    const walk = (stopWhen: (seen: VpcPort[]) => boolean) =>
      vpc()
        .listAllPorts(scope, {}, { stopWhen })
        .then(({ ports, calls }) => ({ items: ports, calls }));
    return findByWalk(keys.map((k) => k.id), walk, estimate);
  }

  return {
    /** A port by id. */
    port: new DataLoader<PortKey, VpcPort | null, string>(loadPorts, { cacheKeyFn: (k) => k.id }),
    /** One page of `GET /v2/{project}/ports`. */
    portsPage: perKeyLoader<VpcPortQuery, VpcPort[], string>((query) => vpc().listPorts(scope, query), { cacheKeyFn: queryKey }),
  };
}
