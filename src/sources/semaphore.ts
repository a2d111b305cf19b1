import { abortReason } from './clock.js';

/** A caller waiting for a permit; `gone` once it stopped waiting (out of time, or aborted). */
interface Waiter {
  grant: (release: () => void) => void;
  gone: boolean;
}

/** FIFO permits; a waiter whose time runs out or whose caller gives up leaves the queue. */
export class Semaphore {
  #free: number;
  #waiters: Waiter[] = [];
  #head = 0;

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
      let timer: NodeJS.Timeout | undefined;
      const leave = () => {
        waiter.gone = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        leave();
        reject(abortReason(signal));
      };
      const waiter: Waiter = {
        gone: false,
        grant: (release) => {
          leave();
          resolve(release);
        },
      };
      if (Number.isFinite(waitMs)) {
        timer = setTimeout(() => {
          leave();
          resolve(undefined);
        }, waitMs);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

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
