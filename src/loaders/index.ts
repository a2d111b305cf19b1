import type { Authenticator } from '../sources/auth.js';
import type { HssClient } from '../sources/hss.js';
import type { CallScope } from '../sources/http.js';
import type { NovaClient } from '../sources/nova.js';
import type { VpcClient } from '../sources/vpc.js';
import type { ZstackClient } from '../sources/zstack.js';
import { computeLoaders } from './compute-loaders.js';
import { openPortLoaders } from './open-port-loaders.js';
import { DEFAULT_WALK_PAGES, type WalkEstimate } from './list-walks.js';
import { portLoaders } from './port-loaders.js';
import type { CostAssumptions } from '../rules/cost.js';
import { vipLoaders } from './vip-loaders.js';

/** The upstream clients; an unconfigured source is undefined and its fields fail with SOURCE_NOT_CONFIGURED. */
export interface Sources {
  nova: NovaClient | undefined;
  vpc: VpcClient | undefined;
  hss: HssClient | undefined;
  zstack: ZstackClient | undefined;
}

/** The caller's credential for each upstream family, and what every call of the request shares. */
export interface Credentials {
  nova: Authenticator | undefined;
  /** The ports API (vpc) and HSS. */
  huawei: Authenticator | undefined;
  zstack: Authenticator | undefined;
  /** Epoch ms by which the request must be answered. */
  deadline?: number;
  observe?: CallScope['observe'];
  /** The request the calls serve. */
  owner?: CallScope['owner'];
}

/** Things that outlive a request, made once at start-up. */
export interface LoaderShared {
  portWalk: WalkEstimate;
  serverWalk: WalkEstimate;
}

/** What the cost estimate assumes of whole list walks: what the last ones took. */
export function costAssumptions(shared: LoaderShared): CostAssumptions {
  return {
    portListPages: shared.portWalk.pages ?? DEFAULT_WALK_PAGES,
    serverListPages: shared.serverWalk.pages ?? DEFAULT_WALK_PAGES,
  };
}

export function createLoaders(sources: Sources, credentials: Credentials, shared: LoaderShared) {
  const { deadline, observe, owner } = credentials;
  const scope = (auth: Authenticator | undefined): CallScope => ({ auth, deadline, observe, owner });
  const huawei = scope(credentials.huawei);
  return {
    ...computeLoaders(sources.nova, scope(credentials.nova), shared.serverWalk),
    ...portLoaders(sources.vpc, huawei, shared.portWalk),
    ...openPortLoaders(sources.hss, huawei),
    ...vipLoaders(sources.zstack, scope(credentials.zstack)),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
