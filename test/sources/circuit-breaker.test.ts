import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/sources/circuit-breaker.js';
import { fakeClock } from './support.js';

function breaker(failureThreshold = 3, cooldownMs = 5000) {
  const clock = fakeClock();
  return { clock, breaker: new CircuitBreaker({ failureThreshold, cooldownMs }, clock.now) };
}

const fail = (b: CircuitBreaker) => b.admit()?.settle('failed');

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures and refuses every call until the cooldown', () => {
    const { breaker: b, clock } = breaker(3);
    fail(b);
    fail(b);
    expect(b.state()).toBe('closed');
    fail(b);
    expect(b.state()).toBe('open');
    expect(b.accepting()).toBe(false);
    expect(b.admit()).toBeUndefined();
    clock.advance(4999);
    expect(b.admit()).toBeUndefined();
  });

  it('counts only consecutive failures: an answer that proves the upstream alive starts again', () => {
    const { breaker: b } = breaker(3);
    fail(b);
    fail(b);
    b.admit()?.settle('alive');
    fail(b);
    fail(b);
    b.admit()?.settle('unknown');
    expect(b.state()).toBe('closed');
    fail(b);
    expect(b.state()).toBe('open');
  });

  it('half-opens after the cooldown and lets exactly one probe through', () => {
    const { breaker: b, clock } = breaker(1);
    fail(b);
    clock.advance(5000);
    expect(b.state()).toBe('half-open');
    const probe = b.admit();
    expect(probe).toBeDefined();
    expect(b.accepting()).toBe(false);
    expect(b.admit()).toBeUndefined();
    probe?.settle('alive');
    expect(b.state()).toBe('closed');
    expect(b.admit()).toBeDefined();
  });

  it('re-opens for another cooldown when the probe fails', () => {
    const { breaker: b, clock } = breaker(1);
    fail(b);
    clock.advance(6000);
    b.admit()?.settle('failed');
    expect(b.state()).toBe('open');
    clock.advance(4999);
    expect(b.state()).toBe('open');
    clock.advance(1);
    expect(b.state()).toBe('half-open');
  });

  it('frees the probe slot when the probe proves nothing', () => {
    const { breaker: b, clock } = breaker(1);
    fail(b);
    clock.advance(5000);
    b.admit()?.settle('unknown');
    expect(b.state()).toBe('half-open');
    expect(b.admit()).toBeDefined();
  });

  it('ignores what tickets from before it opened say, and a second settle', () => {
    const { breaker: b, clock } = breaker(2);
    const late = [b.admit(), b.admit(), b.admit()];
    late[0]?.settle('failed');
    late[0]?.settle('failed');
    expect(b.state()).toBe('closed');
    late[1]?.settle('failed');
    expect(b.state()).toBe('open');
    late[2]?.settle('alive');
    expect(b.state()).toBe('open');
    clock.advance(5000);
    const probe = b.admit();
    late[2]?.settle('failed');
    probe?.settle('alive');
    expect(b.state()).toBe('closed');
  });

  it('reset() closes it', () => {
    const { breaker: b } = breaker(1);
    fail(b);
    b.reset();
    expect(b.state()).toBe('closed');
  });
});
