import { abortReason } from './clock.js';

/**
 * A caller waiting for a permit: fields and shared methods, no closures, and no timer of its own;
 * under load a thousand calls wait at once, and what they hold is copied by every young
 * collection. It is its signal's abort listener itself (`handleEvent`).
 */
class Waiter {
  gone = false;

  constructor(
    readonly resolve: (release: (() => void) | undefined) => void,
    readonly reject: (reason: unknown) => void,
    readonly signal: AbortSignal | undefined,
    /** Epoch ms at which it stops waiting; Infinity for never. */
    readonly until: number,
  ) {}

  grant(release: () => void): void {
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
    this.signal?.removeEventListener('abort', this);
    return true;
  }
}

/**
 * FIFO permits; a waiter whose time runs out or whose caller gives up leaves the queue. One timer
 * serves the whole queue, set for the earliest time a waiter gives up.
 */
export class Semaphore {
  #free: number;
  #waiters: Waiter[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;

  constructor(size: number) {
    this.#free = size;
  }

  /** A release function if a permit is free right now, without queueing. */
  tryAcquire(): (() => void) | undefined {
    if (this.#free <= 0) return undefined;
    this.#free--;
    return this.#releaser();
  }

  /**
   * Resolves with a release function, or with undefined when none frees up within `waitMs`
   * (default: no limit); rejects with the signal's reason if it aborts while queued.
   */
  acquire(signal?: AbortSignal, waitMs = Number.POSITIVE_INFINITY): Promise<(() => void) | undefined> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const now = this.tryAcquire();
    if (now !== undefined) return Promise.resolve(now);
    if (waitMs <= 0) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const waiter = new Waiter(resolve, reject, signal, Date.now() + waitMs);
      signal?.addEventListener('abort', waiter, { once: true });
      this.#waiters.push(waiter);
      this.#wakeBy(waiter.until);
    });
  }

  /** Makes sure the queue's timer fires by `at`. */
  #wakeBy(at: number): void {
    if (at >= this.#timerAt) return;
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(this.#expireDue, Math.max(0, at - Date.now()));
  }

  #stopTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  /** Lets every waiter whose time is up go, and sets the timer for the next one. */
  readonly #expireDue = (): void => {
    this.#stopTimer();
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (let index = this.#head; index < this.#waiters.length; index++) {
      const waiter = this.#waiters[index];
      if (waiter === undefined || waiter.gone) continue;
      if (waiter.until <= now) waiter.expire();
      else if (waiter.until < next) next = waiter.until;
    }
    this.#wakeBy(next);
  };

  /**
   * The longest-waiting caller still waiting. Taken waiters are skipped by an index rather than
   * shifted out one by one; the array is cut down once half of it is behind the index, so a queue
   * that never empties under steady load does not grow without end.
   */
  #next(): Waiter | undefined {
    let found: Waiter | undefined;
    while (found === undefined && this.#head < this.#waiters.length) {
      const waiter = this.#waiters[this.#head++];
      if (waiter !== undefined && !waiter.gone) found = waiter;
    }
    if (this.#head >= this.#waiters.length) {
      this.#waiters = [];
      this.#head = 0;
      this.#stopTimer();
    } else if (this.#head > 1024 && this.#head * 2 > this.#waiters.length) {
      this.#waiters = this.#waiters.slice(this.#head);
      this.#head = 0;
    }
    return found;
  }

  #releaser(): () => void {
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
