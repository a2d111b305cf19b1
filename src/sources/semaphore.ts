import type { Cancellation, Stoppable } from './cancellation.js';

export type Release = () => void;

/** A caller waiting for a permit; its cancellation stops it. */
class Waiter implements Stoppable {
  gone = false;

  constructor(
    readonly resolve: (release: Release | undefined) => void,
    readonly reject: (reason: unknown) => void,
    readonly cancellation: Cancellation | undefined,
    /** Epoch ms at which it stops waiting; Infinity for never. */
    readonly until: number,
  ) {}

  grant(release: Release): void {
    if (this.#leave()) this.resolve(release);
  }

  /** No permit freed up in time. */
  expire(): void {
    if (this.#leave()) this.resolve(undefined);
  }

  stop(reason: Error): void {
    if (this.#leave()) this.reject(reason);
  }

  #leave(): boolean {
    if (this.gone) return false;
    this.gone = true;
    this.cancellation?.unwatch(this);
    return true;
  }
}

/**
 * One party's callers, oldest first, and one timer for the earliest time one of them gives up:
 * the calls of one request share its deadline, so that is one timer per request waiting.
 */
class Queue {
  readonly waiters: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;

  add(waiter: Waiter): void {
    this.waiters.push(waiter);
    if (waiter.until < this.#timerAt) this.#wakeAt(waiter.until);
  }

  /** The oldest caller still waiting. */
  take(): Waiter | undefined {
    let waiter = this.waiters.shift();
    while (waiter?.gone === true) waiter = this.waiters.shift();
    if (this.waiters.length === 0) this.#wakeAt(Number.POSITIVE_INFINITY);
    return waiter;
  }

  #wakeAt(at: number): void {
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = at === Number.POSITIVE_INFINITY ? undefined : setTimeout(Queue.#expireDue, Math.max(0, at - Date.now()), this);
  }

  static #expireDue(queue: Queue): void {
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const waiter of queue.waiters) {
      if (waiter.gone) continue;
      if (waiter.until <= now) waiter.expire();
      else if (waiter.until < next) next = waiter.until;
    }
    queue.#wakeAt(next);
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
  readonly #queues = new Map<object, Queue>();

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
   * (default: no limit); rejects with the cancellation's reason if it is cancelled while queued.
   */
  acquire(party: object, cancellation?: Cancellation, waitMs = Number.POSITIVE_INFINITY): Promise<Release | undefined> {
    if (cancellation?.reason !== undefined) return Promise.reject(cancellation.reason);
    const now = this.tryAcquire();
    if (now !== undefined) return Promise.resolve(now);
    if (waitMs <= 0) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const waiter = new Waiter(resolve, reject, cancellation, Date.now() + waitMs);
      cancellation?.watch(waiter);
      let queue = this.#queues.get(party);
      if (queue === undefined) this.#queues.set(party, (queue = new Queue()));
      queue.add(waiter);
    });
  }

  /** The next party's longest-waiting caller still waiting; that party goes to the back. */
  #next(): Waiter | undefined {
    for (const [party, queue] of this.#queues) {
      this.#queues.delete(party);
      const waiter = queue.take();
      if (queue.waiters.length > 0) this.#queues.set(party, queue);
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
