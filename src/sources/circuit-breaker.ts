export type BreakerState = 'closed' | 'open' | 'half-open';

/** What one attempt proved about the upstream: it answered, it failed, or nothing (not sent, cut short). */
export type Verdict = 'alive' | 'failed' | 'unknown';

export interface BreakerOptions {
  /** Consecutive transient failures that open the breaker. Default 5. */
  failureThreshold: number;
  /** How long calls are refused once it opens, before one probe may go. Default 5000 ms. */
  cooldownMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { failureThreshold: 5, cooldownMs: 5000 };

/** Leave to send one attempt; settle it with what the attempt proved, once. */
export interface BreakerTicket {
  /** False once the breaker has changed state since this ticket was granted: it no longer counts. */
  isCurrent(): boolean;
  settle(verdict: Verdict): void;
}

/**
 * Closed → open after `failureThreshold` consecutive failures → half-open after `cooldownMs`, where
 * one probe goes through: alive closes it, failed opens it for another cooldown.
 */
export class CircuitBreaker {
  readonly #options: BreakerOptions;
  readonly #now: () => number;
  #failures = 0;
  #openedAt: number | undefined;
  #probing = false;
  // Bumped on every change of state: a ticket from before it has nothing left to say.
  #generation = 0;

  constructor(options: BreakerOptions, now: () => number) {
    this.#options = options;
    this.#now = now;
  }

  state(): BreakerState {
    if (this.#openedAt === undefined) return 'closed';
    return this.#now() - this.#openedAt >= this.#options.cooldownMs ? 'half-open' : 'open';
  }

  /** Whether `admit` could grant a ticket now (open, or a probe already out, says no). */
  accepting(): boolean {
    const state = this.state();
    return state === 'closed' || (state === 'half-open' && !this.#probing);
  }

  admit(): BreakerTicket | undefined {
    const state = this.state();
    if (state === 'closed') return new CircuitBreaker.#Ticket(this, false);
    if (state === 'open' || this.#probing) return undefined;
    this.#probing = true;
    return new CircuitBreaker.#Ticket(this, true);
  }

  reset(): void {
    this.#failures = 0;
    this.#openedAt = undefined;
    this.#probing = false;
    this.#generation++;
  }

  /**
   * Fields and shared methods, no closures: every call holds a ticket while it queues for a permit,
   * and under load a thousand calls queue at once.
   */
  static readonly #Ticket = class Ticket implements BreakerTicket {
    readonly #breaker: CircuitBreaker;
    readonly #grantedIn: number;
    readonly #probe: boolean;
    #settled = false;

    constructor(breaker: CircuitBreaker, probe: boolean) {
      this.#breaker = breaker;
      this.#grantedIn = breaker.#generation;
      this.#probe = probe;
    }

    isCurrent(): boolean {
      return this.#grantedIn === this.#breaker.#generation;
    }

    settle(verdict: Verdict): void {
      if (this.#settled || !this.isCurrent()) return;
      this.#settled = true;
      if (this.#probe) this.#breaker.#settleProbe(verdict);
      else this.#breaker.#settleClosed(verdict);
    }
  };

  #settleClosed(verdict: Verdict): void {
    if (verdict === 'alive') this.#failures = 0;
    else if (verdict === 'failed' && ++this.#failures >= this.#options.failureThreshold) this.#open();
  }

  #settleProbe(verdict: Verdict): void {
    this.#probing = false;
    if (verdict === 'failed') this.#open();
    else if (verdict === 'alive') this.#close();
  }

  #open(): void {
    this.#openedAt = this.#now();
    this.#failures = 0;
    this.#generation++;
  }

  #close(): void {
    this.#openedAt = undefined;
    this.#failures = 0;
    this.#generation++;
  }
}
