import { notConfigured, type SourceName } from '../sources/errors.js';

/**
 * A loader for an upstream without a multi-get: one call per distinct key in the request, started
 * at the first `load`, and each key answered as soon as its own call returns. A batch would hold
 * every answer back until the slowest call of the batch returned: the fleet would wait for the one
 * server whose open ports take three HSS pages before any other server's open ports were resolved.
 *
 * Not a DataLoader without batching: that one still keeps a batch, its callbacks and a promise
 * chain per key, and under load hundreds of keys wait for a permit at once, so that machinery was
 * most of what every young-generation collection had to copy.
 */
export class KeyedLoader<K, V, C = K> {
  readonly #call: (key: K) => Promise<V>;
  readonly #cacheKey: (key: K) => C;
  readonly #answers = new Map<C, Promise<V>>();

  constructor(call: (key: K) => Promise<V>, cacheKey: (key: K) => C) {
    this.#call = call;
    this.#cacheKey = cacheKey;
  }

  /** The key's answer: its call is made once per loader. */
  load(key: K): Promise<V> {
    const cacheKey = this.#cacheKey(key);
    let answer = this.#answers.get(cacheKey);
    if (answer === undefined) this.#answers.set(cacheKey, (answer = callFor(this.#call, key)));
    return answer;
  }

  /** Gives a key its answer without a call, unless it has one already. */
  prime(key: K, value: V): this {
    const cacheKey = this.#cacheKey(key);
    if (!this.#answers.has(cacheKey)) this.#answers.set(cacheKey, Promise.resolve(value));
    return this;
  }
}

export function perKeyLoader<K, V, C = K>(call: (key: K) => Promise<V>, options?: { cacheKeyFn?: (key: K) => C }): KeyedLoader<K, V, C> {
  return new KeyedLoader(call, options?.cacheKeyFn ?? ((key: K) => key as unknown as C));
}

/** The call's promise; a call that throws before it has one rejects it instead. */
function callFor<K, V>(call: (key: K) => Promise<V>, key: K): Promise<V> {
  try {
    return call(key);
  } catch (error) {
    return Promise.reject(asError(error));
  }
}

/**
 * A batch that fans out one call per key; the per-source bound in the HTTP layer keeps a wide
 * batch from flooding the upstream. A failed key gets its Error, as the DataLoader contract wants.
 */
export function settle<K, V>(keys: readonly K[], call: (key: K) => Promise<V>): Promise<(V | Error)[]> {
  return Promise.all(keys.map((key) => callFor(call, key).then(undefined, asError)));
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
