import DataLoader from 'dataloader';
import type { Authenticator } from '../sources/auth.js';
import type { NovaClient } from '../sources/nova.js';
import type { NovaInterfaceAttachment, NovaServer, NovaServerPage } from '../sources/records.js';
import { configured, queryKey, settle } from './settle.js';

export interface ServerPageKey {
  marker: string | undefined;
  limit: number;
}

export function computeLoaders(client: NovaClient | undefined, auth: Authenticator | undefined) {
  const nova = () => configured(client, 'nova');
  return {
    /** Nova `servers/{id}`; null when Nova says 404. */
    server: new DataLoader<string, NovaServer | null>((ids) => settle(ids, (id) => nova().getServer(auth, id))),
    /** Nova `servers/{id}/os-interface`. */
    interfaces: new DataLoader<string, NovaInterfaceAttachment[]>((ids) =>
      settle(ids, (id) => nova().listInterfaces(auth, id)),
    ),
    /** One Nova `servers/detail` page. */
    serversPage: new DataLoader<ServerPageKey, NovaServerPage, string>(
      (keys) => settle(keys, (key) => nova().listServersDetail(auth, key)),
      { cacheKeyFn: queryKey },
    ),
  };
}
