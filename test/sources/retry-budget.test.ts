import { describe, expect, it } from 'vitest';
import { RetryBudget } from '../../src/sources/retry-budget.js';
import { fakeClock } from './support.js';

function budget(minRetries: number, ratio: number, windowMs = 10_000) {
  const clock = fakeClock();
  return { clock, budget: new RetryBudget({ windowMs, minRetries, ratio }, clock.now) };
}

const spend = (b: RetryBudget, n: number) => Array.from({ length: n }, () => b.trySpend());

describe('RetryBudget', () => {
  it('allows minRetries in a window with no traffic, then no more', () => {
    const { budget: b } = budget(3, 0.2);
    expect(spend(b, 4)).toEqual([true, true, true, false]);
    expect(b.counters()).toEqual({ firstAttempts: 0, retries: 3, allowed: 3 });
  });

  it('allows ratio × first attempts on top', () => {
    const { budget: b } = budget(1, 0.2);
    for (let i = 0; i < 10; i++) b.recordFirstAttempt();
    expect(b.counters().allowed).toBe(3);
    expect(spend(b, 4)).toEqual([true, true, true, false]);
    for (let i = 0; i < 5; i++) b.recordFirstAttempt();
    expect(spend(b, 2)).toEqual([true, false]);
  });

  it('recovers once the spent retries slide out of the window', () => {
    const { budget: b, clock } = budget(2, 0);
    expect(spend(b, 3)).toEqual([true, true, false]);
    clock.advance(5000);
    expect(b.trySpend()).toBe(false);
    clock.advance(5000);
    expect(b.counters()).toEqual({ firstAttempts: 0, retries: 0, allowed: 2 });
    expect(spend(b, 3)).toEqual([true, true, false]);
  });

  it('forgets first attempts older than the window', () => {
    const { budget: b, clock } = budget(0, 0.5);
    for (let i = 0; i < 4; i++) b.recordFirstAttempt();
    clock.advance(6000);
    for (let i = 0; i < 2; i++) b.recordFirstAttempt();
    expect(b.counters()).toEqual({ firstAttempts: 6, retries: 0, allowed: 3 });
    clock.advance(4000);
    expect(b.counters()).toEqual({ firstAttempts: 2, retries: 0, allowed: 1 });
  });
});
