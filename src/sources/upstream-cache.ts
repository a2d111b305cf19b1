import type { Answer, Report } from './call.js';
import { abortReason } from './clock.js';
import { UpstreamError } from './errors.js';
import type { SourceName } from './errors.js';
import type { HttpRequest, HttpResponse } from './http.js';

/** `UPSTREAM_CACHE_TTL_MS` and its bounds. */
export interface CacheOptions {
  /** How long an answer is served from memory; 0 turns the cache, and coalescing, off. */
  ttlMs: number;
  /** Default 5000. */
  maxEntries?: number;
  /** Counted from the lengths of the bodies read; default 64 MiB. */
  maxBytes?: number;
}

export interface CacheStats {
  entries: number;
  bytes: number;
  /** Calls answered from the cache. */
  hits: number;
  /** Calls that went upstream. */
  misses: number;
  /** Calls that waited for an identical call in flight. */
  coalesced: number;
}

export const DEFAULT_CACHE_MAX_ENTRIES = 5000;
export const DEFAULT_CACHE_MAX_BYTES = 64 * 1024 * 1024;

interface Entry {
  response: HttpResponse;
  bytes: number;
  expiresAt: number;
}

/** One upstream call that every identical caller awaits. */
interface Flight {
  key: string;
  answer: Promise<Answer>;
  controller: AbortController;
  /** Callers still awaiting it: when the last one gives up, the call is cancelled. */
  waiting: number;
  done: boolean;
}

/**
 * Successful answers kept for a TTL, least recently used evicted first, and identical calls in
 * flight shared. An answer is keyed by source, credential id and full URL, so it is only ever
 * served to the credential that fetched it; failures are never kept.
 */
export class UpstreamCache {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  /** Least recently used first. */
  readonly #entries = new Map<string, Entry>();
  /** Stored first first: with one TTL for all, the next to expire. */
  readonly #byAge = new Map<string, Entry>();
  readonly #flights = new Map<string, Flight>();
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  #coalesced = 0;
  /** Bumped by `clear()`, so a call in flight then cannot store into the emptied cache. */
  #generation = 0;

  constructor(options: CacheOptions, now: () => number) {
    this.#ttlMs = positive('cache.ttlMs', options.ttlMs);
    this.#maxEntries = positive('cache.maxEntries', options.maxEntries ?? DEFAULT_CACHE_MAX_ENTRIES);
    this.#maxBytes = positive('cache.maxBytes', options.maxBytes ?? DEFAULT_CACHE_MAX_BYTES);
    this.#now = now;
  }

  /**
   * The kept answer to this request, else the answer of the identical call in flight, else the
   * answer of `call`, which every identical request arriving meanwhile shares. `call` gets a signal
   * of its own: one caller giving up must not fail the others.
   */
  get(
    source: SourceName,
    request: HttpRequest,
    report: Report,
    call: (signal: AbortSignal | undefined) => Promise<Answer>,
  ): Promise<HttpResponse> {
    const key = cacheKey(source, request);
    if (key === undefined) return call(request.signal).then((answer) => answer.response);
    const started = this.#now();
    const hit = this.#lookup(key, started);
    if (hit !== undefined) {
      this.#hits++;
      report({ attempt: 0, status: hit.status, ms: 0, outcome: 'cache-hit' });
      return Promise.resolve(hit);
    }
    const joined = this.#flights.get(key);
    if (joined !== undefined) {
      this.#coalesced++;
      return this.#wait(source, joined, request, report, started);
    }
    this.#misses++;
    // The first caller's deadline already bounds the call itself.
    return this.#follow(source, this.#launch(key, call), request.signal, undefined).then((answer) => answer.response);
  }

  stats(): CacheStats {
    return { entries: this.#entries.size, bytes: this.#bytes, hits: this.#hits, misses: this.#misses, coalesced: this.#coalesced };
  }

  /** Forgets every answer and counter; calls in flight still answer their callers but keep nothing. */
  clear(): void {
    this.#entries.clear();
    this.#byAge.clear();
    this.#flights.clear();
    this.#bytes = 0;
    this.#hits = 0;
    this.#misses = 0;
    this.#coalesced = 0;
    this.#generation++;
  }

  #launch(key: string, call: (signal: AbortSignal) => Promise<Answer>): Flight {
    const generation = this.#generation;
    const controller = new AbortController();
    // Landed before any caller resumes, so a call arriving after the answer finds it in the cache.
    const answer = call(controller.signal).then(
      (answer) => {
        this.#land(flight);
        if (generation === this.#generation) this.#store(key, answer);
        return answer;
      },
      (error: unknown) => {
        this.#land(flight);
        throw error;
      },
    );
    // When every caller gave up, the failure of the cancelled call has no one to tell.
    answer.catch(() => undefined);
    const flight: Flight = { key, answer, controller, waiting: 0, done: false };
    this.#flights.set(key, flight);
    return flight;
  }

  #land(flight: Flight): void {
    flight.done = true;
    if (this.#flights.get(flight.key) === flight) this.#flights.delete(flight.key);
  }

  async #wait(source: SourceName, flight: Flight, request: HttpRequest, report: Report, started: number): Promise<HttpResponse> {
    const { deadline } = request.scope;
    try {
      const { response } = await this.#follow(source, flight, request.signal, deadline === undefined ? undefined : deadline - started);
      report({ attempt: 0, status: response.status, ms: this.#now() - started, outcome: 'coalesced' });
      return response;
    } catch (error) {
      if (error instanceof UpstreamError) {
        report({ attempt: 0, status: error.status, ms: this.#now() - started, outcome: 'coalesced', code: error.code });
      }
      throw error;
    }
  }

  /** The flight's answer, unless this caller gives up (its signal) or runs out of time first. */
  #follow(source: SourceName, flight: Flight, signal: AbortSignal | undefined, timeLeftMs: number | undefined): Promise<Answer> {
    flight.waiting++;
    if (signal === undefined && timeLeftMs === undefined) return flight.answer;
    return new Promise<Answer>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const unlink = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const leave = (reason: Error) => {
        unlink();
        reject(reason);
        this.#leave(flight);
      };
      const onAbort = () => leave(abortReason(signal));
      if (signal?.aborted) {
        onAbort();
        return;
      }
      if (timeLeftMs !== undefined && timeLeftMs <= 0) {
        leave(outOfTime(source));
        return;
      }
      if (timeLeftMs !== undefined) timer = setTimeout(() => leave(outOfTime(source)), timeLeftMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      flight.answer.then(
        (answer) => {
          unlink();
          resolve(answer);
        },
        (error: unknown) => {
          unlink();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  #leave(flight: Flight): void {
    flight.waiting--;
    if (flight.waiting > 0 || flight.done) return;
    // No one is left to answer: cancel the call, and let the next caller start afresh.
    this.#land(flight);
    flight.controller.abort(new Error('every caller gave up'));
  }

  #lookup(key: string, now: number): HttpResponse | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (now >= entry.expiresAt) {
      this.#remove(key, entry);
      return undefined;
    }
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.response;
  }

  #store(key: string, answer: Answer): void {
    const old = this.#entries.get(key);
    if (old !== undefined) this.#remove(key, old);
    if (answer.bytes > this.#maxBytes) return;
    const now = this.#now();
    for (const [oldest, entry] of this.#byAge) {
      if (entry.expiresAt > now) break;
      this.#remove(oldest, entry);
    }
    for (const [leastUsed, entry] of this.#entries) {
      if (this.#entries.size < this.#maxEntries && this.#bytes + answer.bytes <= this.#maxBytes) break;
      this.#remove(leastUsed, entry);
    }
    const entry: Entry = { response: answer.response, bytes: answer.bytes, expiresAt: now + this.#ttlMs };
    this.#entries.set(key, entry);
    this.#byAge.set(key, entry);
    this.#bytes += answer.bytes;
  }

  #remove(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#byAge.delete(key);
    this.#bytes -= entry.bytes;
  }
}

/**
 * Source, credential and full URL, unambiguously. A call without a credential is keyed by null,
 * which no credential id can equal; a credential without a usable id is never cached (undefined).
 */
export function cacheKey(source: SourceName, request: HttpRequest): string | undefined {
  const { auth } = request.scope;
  if (auth !== undefined && (typeof auth.id !== 'string' || auth.id === '')) return undefined;
  return JSON.stringify([source, auth === undefined ? null : auth.id, request.url.href]);
}

function outOfTime(source: SourceName): UpstreamError {
  return new UpstreamError({
    source,
    code: 'UPSTREAM_TIMEOUT',
    message: `${source} did not answer before the request ran out of time`,
    retryable: true,
  });
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}
