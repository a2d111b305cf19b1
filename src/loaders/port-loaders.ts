import DataLoader from 'dataloader';
import type { CallScope } from '../sources/http.js';
import type { VpcPort, VpcPortQuery } from '../sources/records.js';
import { VPC_MAX_LIMIT, type VpcClient } from '../sources/vpc.js';
import { asError, configured, perKeyLoader, queryKey, settle } from './settle.js';

export interface PortKey {
  id: string;
  /** An IP the port holds, when the caller knows one: it allows one filtered call instead of a walk. */
  ip?: string | undefined;
}

/** Process-wide: how many pages the last whole walk of a list took. */
export interface WalkEstimate {
  pages: number | undefined;
}

/** Before any walk has been measured, assume a list takes this many pages. */
export const DEFAULT_WALK_PAGES = 2;

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
    try {
      const wanted = new Set(keys.map((k) => k.id));
      const holdsAll = (ports: VpcPort[]) => ports.filter((p) => wanted.has(p.id)).length === wanted.size;
      const { ports, calls } = await vpc().listAllPorts(scope, {}, { stopWhen: holdsAll });
      if (!holdsAll(ports)) estimate.pages = calls;
      const byId = new Map(ports.filter((p) => wanted.has(p.id)).map((p) => [p.id, p]));
      return keys.map((k) => byId.get(k.id) ?? null);
    } catch (e) {
      return keys.map(() => asError(e));
    }
  }

  return {
    /** A port by id. */
    port: new DataLoader<PortKey, VpcPort | null, string>(loadPorts, { cacheKeyFn: (k) => k.id }),
    /** One page of `GET /v2/{project}/ports`. */
    portsPage: perKeyLoader<VpcPortQuery, VpcPort[], string>((query) => vpc().listPorts(scope, query), { cacheKeyFn: queryKey }),
  };
}
