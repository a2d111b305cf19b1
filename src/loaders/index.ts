import type { Authenticator } from '../sources/auth.js';
import type { HssClient } from '../sources/hss.js';
import type { NovaClient } from '../sources/nova.js';
import type { VpcClient } from '../sources/vpc.js';
import type { ZstackClient } from '../sources/zstack.js';
import { computeLoaders } from './compute-loaders.js';
import { openPortLoaders } from './open-port-loaders.js';
import { portLoaders, type PortWalkEstimate } from './port-loaders.js';
import { vipLoaders } from './vip-loaders.js';

/** The upstream clients; an unconfigured source is undefined and its fields fail with SOURCE_NOT_CONFIGURED. */
export interface Sources {
  nova: NovaClient | undefined;
  vpc: VpcClient | undefined;
  hss: HssClient | undefined;
  zstack: ZstackClient | undefined;
}

/** The caller's credentials: one for the OpenStack/Huawei token services, one for ZStack. */
export interface Credentials {
  openstack: Authenticator | undefined;
  zstack: Authenticator | undefined;
}

/** Things that outlive a request, made once at start-up. */
export interface LoaderShared {
  portWalk: PortWalkEstimate;
}

export function createLoaders(sources: Sources, credentials: Credentials, shared: LoaderShared) {
  return {
    ...computeLoaders(sources.nova, credentials.openstack),
    ...portLoaders(sources.vpc, credentials.openstack, shared.portWalk),
    ...openPortLoaders(sources.hss, credentials.openstack),
    ...vipLoaders(sources.zstack, credentials.zstack),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
