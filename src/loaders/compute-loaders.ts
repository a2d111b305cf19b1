import DataLoader from 'dataloader';
import type { CallScope } from '../sources/http.js';
import type { NovaClient } from '../sources/nova.js';
import type { NovaServer, NovaServerPage } from '../sources/records.js';
import type { InterfaceParent } from '../model.js';
import { shapeInterfaces } from './parents.js';
import { configured, perKeyLoader, queryKey, settle } from './settle.js';

export interface ServerPageKey {
  marker: string | undefined;
  limit: number;
}

export function computeLoaders(client: NovaClient | undefined, scope: CallScope) {
  const nova = () => configured(client, 'nova');
  return {
    /** Nova `servers/{id}`; null when Nova says 404. */
    server: perKeyLoader<string, NovaServer | null>((id) => nova().getServer(scope, id)),
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
