import type { GraphQLResolveInfo } from 'graphql';
import type { Loaders } from '../loaders/index.js';
import { selects } from './selection.js';

/**
 * A server's interfaces (Nova) and open ports (HSS) are keyed by its id alone, so both start the
 * moment the id is known, in parallel with the server itself, instead of a layer later. Only what
 * the query selects is started; a failure is reported by the field that awaits it.
 */
export function prefetchServerFields(loaders: Loaders, ids: readonly string[], info: GraphQLResolveInfo): void {
  const ignore = () => undefined;
  // Open ports first: a host with more than one HSS page needs a second round trip once its first
  // page is back, so that page is sent, and its answer handled, ahead of the interfaces.
  if (selects(info, 'openPorts', 'Server')) for (const id of ids) loaders.openPorts.load(id).catch(ignore);
  if (selects(info, 'interfaces', 'Server')) for (const id of ids) loaders.interfaces.load(id).catch(ignore);
}
