import { abortReason } from './clock.js';

export type Release = () => void;

/** A caller waiting for a permit. It is its signal's abort listener itself (`handleEvent`). */
class Waiter {
  gone = false;
  timer: NodeJS.Timeout | undefined;

  constructor(
    readonly resolve: (release: Release | undefined) => void,
    readonly reject: (reason: unknown) => void,
    readonly signal: AbortSignal | undefined,
  ) {}

  grant(release: Release): void {
    if (this.#leave()) this.resolve(release);
  }

  /** No permit freed up in time. */
  expire(): void {
    if (this.#leave()) this.resolve(undefined);
  }

  handleEvent(): void {
    if (this.#leave()) this.reject(abortReason(this.signal));
  }

  #leave(): boolean {
    if (this.gone) return false;
    this.gone = true;
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this);
    return true;
  }
}

/**
 * Permits towards one upstream, shared fairly: callers wait in one queue per party (the GraphQL
 * request a call serves), and a freed permit goes to the parties in turn, oldest waiter of each
 * first. A request that queues a thousand calls then delays another request's calls by at most
 * one permit's turn per call, not by its thousand. A waiter whose time runs out or whose caller
 * gives up leaves its queue.
 */
export class Semaphore {
  #free: number;
  /** Parties with callers waiting, in turn order: a party served goes to the back. */
  readonly #queues = new Map<object, Waiter[]>();

  constructor(size: number) {
    this.#free = size;
  }

  /** A release function if a permit is free right now, without queueing. */
  tryAcquire(): Release | undefined {
    if (this.#free <= 0) return undefined;
    this.#free--;
    return this.#releaser();
  }

  /**
   * Resolves with a release function, or with undefined when none frees up within `waitMs`
   * (default: no limit); rejects with the signal's reason if it aborts while queued.
   */
  acquire(party: object, signal?: AbortSignal, waitMs = Number.POSITIVE_INFINITY): Promise<Release | undefined> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const now = this.tryAcquire();
    if (now !== undefined) return Promise.resolve(now);
    if (waitMs <= 0) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const waiter = new Waiter(resolve, reject, signal);
      signal?.addEventListener('abort', waiter, { once: true });
      if (waitMs !== Number.POSITIVE_INFINITY) waiter.timer = setTimeout(() => waiter.expire(), waitMs);
      const queue = this.#queues.get(party);
      if (queue === undefined) this.#queues.set(party, [waiter]);
      else queue.push(waiter);
    });
  }

  /** The next party's longest-waiting caller still waiting; that party goes to the back. */
  #next(): Waiter | undefined {
    for (const [party, queue] of this.#queues) {
      this.#queues.delete(party);
      let waiter = queue.shift();
      while (waiter?.gone === true) waiter = queue.shift();
      if (queue.length > 0) this.#queues.set(party, queue);
      if (waiter !== undefined) return waiter;
    }
    return undefined;
  }

  #releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#next();
      if (next) next.grant(this.#releaser());
      else this.#free++;
    };
  }
}
