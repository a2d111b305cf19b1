import type { Connection } from '../model.js';

/** A Relay connection over one page of items. */
export function connection<T>(
  items: T[],
  cursorOf: (item: T, index: number) => string,
  hasNextPage: boolean,
  totalCount: number | null = null,
): Connection<T> {
  const edges = items.map((node, index) => ({ cursor: cursorOf(node, index), node }));
  return {
    edges,
    nodes: items,
    pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}
