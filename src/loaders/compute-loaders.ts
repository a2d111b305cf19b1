import DataLoader from 'dataloader';
import type { CallScope } from '../sources/http.js';
import type { NovaClient } from '../sources/nova.js';
import type { NovaInterfaceAttachment, NovaServer, NovaServerPage } from '../sources/records.js';
import { configured, queryKey, settle } from './settle.js';

export interface ServerPageKey {
  marker: string | undefined;
  limit: number;
}

export function computeLoaders(client: NovaClient | undefined, scope: CallScope) {
  const nova = () => configured(client, 'nova');
  return {
    /** Nova `servers/{id}`; null when Nova says 404. */
    server: new DataLoader<string, NovaServer | null>((ids) => settle(ids, (id) => nova().getServer(scope, id))),
    /** Nova `servers/{id}/os-interface`. */
    interfaces: new DataLoader<string, NovaInterfaceAttachment[]>((ids) =>
      settle(ids, (id) => nova().listInterfaces(scope, id)),
    ),
    /** One Nova `servers/detail` page. */
    serversPage: new DataLoader<ServerPageKey, NovaServerPage, string>(
      (keys) => settle(keys, (key) => nova().listServersDetail(scope, key)),
      { cacheKeyFn: queryKey },
    ),
  };
}
