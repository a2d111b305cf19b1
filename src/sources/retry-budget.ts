export interface RetryBudgetOptions {
  /** The sliding window retries are counted over. Default 10 000 ms. */
  windowMs: number;
  /** Retries allowed in any window, however few first attempts it saw. Default 10. */
  minRetries: number;
  /** Further retries allowed per first attempt in the window. Default 0.2. */
  ratio: number;
}

export const DEFAULT_BUDGET: RetryBudgetOptions = { windowMs: 10_000, minRetries: 10, ratio: 0.2 };

export interface RetryBudgetCounters {
  firstAttempts: number;
  retries: number;
  /** `minRetries + ratio × firstAttempts`: retries may not go past it. */
  allowed: number;
}

interface Slice {
  index: number;
  firstAttempts: number;
  retries: number;
}

/** The window slides in steps of a tenth of it. */
const SLICES = 10;

/**
 * Retries towards one upstream over a sliding window, bounded by a share of the first attempts, so
 * a dead upstream sees at most (1 + ratio) times the traffic it would without retries.
 */
export class RetryBudget {
  readonly #options: RetryBudgetOptions;
  readonly #now: () => number;
  #slices: Slice[] = [];

  constructor(options: RetryBudgetOptions, now: () => number) {
    this.#options = options;
    this.#now = now;
  }

  recordFirstAttempt(): void {
    this.#current().firstAttempts++;
  }

  /** Spends one retry if the window still allows one; false when the budget is spent. */
  trySpend(): boolean {
    const { retries, allowed } = this.counters();
    if (retries + 1 > allowed) return false;
    this.#current().retries++;
    return true;
  }

  counters(): RetryBudgetCounters {
    this.#prune();
    let firstAttempts = 0;
    let retries = 0;
    for (const slice of this.#slices) {
      firstAttempts += slice.firstAttempts;
      retries += slice.retries;
    }
    return { firstAttempts, retries, allowed: this.#options.minRetries + this.#options.ratio * firstAttempts };
  }

  reset(): void {
    this.#slices = [];
  }

  #index(): number {
    return Math.floor(this.#now() / (this.#options.windowMs / SLICES));
  }

  #prune(): void {
    const oldest = this.#index() - SLICES + 1;
    this.#slices = this.#slices.filter((slice) => slice.index >= oldest);
  }

  #current(): Slice {
    this.#prune();
    const index = this.#index();
    let slice = this.#slices.at(-1);
    if (slice?.index !== index) this.#slices.push((slice = { index, firstAttempts: 0, retries: 0 }));
    return slice;
  }
}
