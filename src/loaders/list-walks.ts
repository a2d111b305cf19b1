import { asError } from './settle.js';

/** Process-wide: how many pages the last whole walk of a list took. */
export interface WalkEstimate {
  pages: number | undefined;
}

/** Before any walk has been measured, assume a list takes this many pages. */
export const DEFAULT_WALK_PAGES = 2;

/** A list walk that stops once `stopWhen` holds for what it has read, and says how many calls it made. */
type Walk<T> = (stopWhen: (seen: T[]) => boolean) => Promise<{ items: T[]; calls: number }>;

/**
 * Records found by walking their whole list, for an upstream with no lookup by many ids: the walk
 * stops once it holds every wanted id. A walk that read the whole list without finding them all
 * has measured the list, and `estimate` keeps what it took. Each id answers its record or null; a
 * failed walk fails every id, as the DataLoader contract wants.
 */
export async function findByWalk<T extends { id: string }>(ids: readonly string[], walk: Walk<T>, estimate: WalkEstimate): Promise<(T | null | Error)[]> {
  try {
    const wanted = new Set(ids);
    const holdsAll = (items: T[]) => items.filter((item) => wanted.has(item.id)).length === wanted.size;
    const { items, calls } = await walk(holdsAll);
    if (!holdsAll(items)) estimate.pages = calls;
    const byId = new Map(items.filter((item) => wanted.has(item.id)).map((item) => [item.id, item]));
    return ids.map((id) => byId.get(id) ?? null);
  } catch (e) {
    return ids.map(() => asError(e));
  }
}
