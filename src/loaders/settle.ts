import DataLoader from 'dataloader';
import { notConfigured, type SourceName } from '../sources/errors.js';

/**
 * A loader for an upstream without a multi-get: one call per distinct key in the request, and each
 * key answered as soon as its own call returns. A batch would hold every answer back until the
 * slowest call of the batch returned: the fleet would wait for the one server whose open ports
 * take three HSS pages before any other server's open ports were resolved.
 */
export function perKeyLoader<K, V, C = K>(
  call: (key: K) => Promise<V>,
  options?: { cacheKeyFn?: (key: K) => C },
): DataLoader<K, V, C> {
  return new DataLoader<K, V, C>((keys) => settle(keys, call), { ...options, batch: false });
}

/**
 * A batch that fans out one call per key; the per-source bound in the HTTP layer keeps a wide
 * batch from flooding the upstream. A failed key gets its Error, as the DataLoader contract wants.
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
