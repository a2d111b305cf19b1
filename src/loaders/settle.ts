import { notConfigured, type SourceName } from '../sources/errors.js';

/**
 * None of the upstreams has a multi-get, so a batch fans out one call per key; the per-source
 * bound in the HTTP layer keeps a wide batch from flooding the upstream. A failed key gets its
 * Error, as the DataLoader contract wants.
 */
export function settle<K, V>(keys: readonly K[], call: (key: K) => Promise<V>): Promise<(V | Error)[]> {
  return Promise.all(keys.map((key) => Promise.resolve(key).then(call).catch(asError)));
}

export function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

export function configured<T>(client: T | undefined, source: SourceName): T {
  if (client === undefined) throw notConfigured(source);
  return client;
}

/** A cache key for a query object: undefined members dropped, members in a stable order. */
export function queryKey(query: object): string {
  const entries = Object.entries(query).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify(entries);
}
