import { abortReason } from './clock.js';

/** Something under way that stops when the caller it serves gives up: a permit waited for, an attempt in flight. */
export interface Stoppable {
  stop(reason: Error): void;
}

/**
 * How the calls of one caller learn that it gave up. What is under way registers itself here, in
 * a Set, rather than listening to an AbortSignal: a GraphQL request has hundreds of calls at once,
 * and a signal per call with its listener costs a kilobyte and microseconds apiece (a fleet walk
 * measured 4 ms of CPU more with them).
 */
export class Cancellation {
  #reason: Error | undefined;
  readonly #watching = new Set<Stoppable>();
  #signal: AbortController | undefined;

  /** Why it was cancelled; undefined while it is not. */
  get reason(): Error | undefined {
    return this.#reason;
  }

  /** `target` is stopped on cancel; a cancellation already done stops it at once. */
  watch(target: Stoppable): void {
    if (this.#reason !== undefined) target.stop(this.#reason);
    else this.#watching.add(target);
  }

  unwatch(target: Stoppable): void {
    this.#watching.delete(target);
  }

  cancel(reason: Error): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.#signal?.abort(reason);
    for (const target of this.#watching) target.stop(reason);
    this.#watching.clear();
  }

  /** An AbortSignal that aborts with it, for what takes one (a retry's sleep, the cache's shared calls); made when first asked for. */
  get signal(): AbortSignal {
    if (this.#signal === undefined) {
      this.#signal = new AbortController();
      if (this.#reason !== undefined) this.#signal.abort(this.#reason);
    }
    return this.#signal.signal;
  }

  /** A cancellation that follows `signal`. */
  static of(signal: AbortSignal): Cancellation {
    const cancellation = new Cancellation();
    const cancel = () => cancellation.cancel(abortReason(signal));
    if (signal.aborted) cancel();
    else signal.addEventListener('abort', cancel, { once: true });
    return cancellation;
  }
}
