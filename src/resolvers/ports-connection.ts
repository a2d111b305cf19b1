import type { Loaders } from '../loaders/index.js';
import type { PortConnectionParent } from '../model.js';
import { checkFirst } from '../rules/arguments.js';
import { decodeMarker, encodeCursor } from '../rules/cursor.js';
import type { VpcPortQuery } from '../sources/records.js';
import { connection } from './connections.js';

/** `Query.ports` and `Subnet.ports`: one marker page of first + 1, the extra one telling whether more follow. */
export async function portsConnection(
  loaders: Loaders,
  filter: Omit<VpcPortQuery, 'marker' | 'limit'>,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<PortConnectionParent> {
  const count = checkFirst(first);
  const marker = decodeMarker('ports', after);
  const page = await loaders.portsPage.load({ ...filter, marker, limit: count + 1 });
  const ports = page.slice(0, count);
  return connection(ports, (p) => encodeCursor('ports', { marker: p.id }), page.length > count);
}
