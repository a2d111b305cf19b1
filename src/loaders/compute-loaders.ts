import DataLoader from 'dataloader';
import type { CallScope } from '../sources/http.js';
import type { NovaClient } from '../sources/nova.js';
import type { NovaServer, NovaServerPage } from '../sources/records.js';
import type { InterfaceParent } from '../model.js';
import { lookupsByWalk } from '../rules/cost.js';
import { shapeInterfaces } from './parents.js';
import { DEFAULT_WALK_PAGES, findByWalk, type WalkEstimate } from './list-walks.js';
import { configured, perKeyLoader, queryKey, settle } from './settle.js';

export interface ServerPageKey {
  marker: string | undefined;
  limit: number;
}

export function computeLoaders(client: NovaClient | undefined, scope: CallScope, estimate: WalkEstimate) {
  const nova = () => configured(client, 'nova');

  // Servers looked up by id: a few cost one `servers/{id}` each; many become one walk of the whole
  // list (a subnet's ports name hundreds of devices, most of them desktops and routers that Nova
  // does not know, each a 404 on its own).
  function loadServers(ids: readonly string[]): Promise<(NovaServer | null | Error)[]> {
    if (!lookupsByWalk(ids.length, estimate.pages ?? DEFAULT_WALK_PAGES)) return settle(ids, (id) => nova().getServer(scope, id));
    const walk = (stopWhen: (seen: NovaServer[]) => boolean) =>
      nova()
        .listAllServers(scope, { stopWhen })
        .then(({ servers, calls }) => ({ items: servers, calls }));
    return findByWalk(ids, walk, estimate);
  }

  return {
    /** A server by id; null when Nova does not know it. */
    server: new DataLoader<string, NovaServer | null>(loadServers),
    /**
     * Nova `servers/{id}/os-interface`, shaped for the graph and answered as one batch: every
     * interface's port is then asked for in the same tick, so the port loader can serve them all
     * from one indexed walk. Each server's interfaces take one call, so the batch waits for no
     * second round trip.
     */
    interfaces: new DataLoader<string, InterfaceParent[]>((ids) =>
      settle(ids, (id) => nova().listInterfaces(scope, id).then((attachments) => shapeInterfaces(attachments, id))),
    ),
    /** One Nova `servers/detail` page. */
    serversPage: perKeyLoader<ServerPageKey, NovaServerPage, string>((key) => nova().listServersDetail(scope, key), {
      cacheKeyFn: queryKey,
    }),
  };
}
