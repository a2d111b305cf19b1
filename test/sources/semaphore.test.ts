import { afterEach, describe, expect, it, vi } from 'vitest';
import { Cancellation } from '../../src/sources/cancellation.js';
import { Semaphore } from '../../src/sources/semaphore.js';

const party = {};

describe('Semaphore', () => {
  it('shares permits among parties in turn, so a party queueing many calls does not hold back another', async () => {
    const permits = new Semaphore(2);
    const big = {};
    const small = {};
    const holders = [permits.tryAcquire(), permits.tryAcquire()];
    const order: string[] = [];
    const queue = (owner: object, name: string) =>
      permits.acquire(owner).then((release) => {
        order.push(name);
        release?.();
      });
    const waiting = [...Array.from({ length: 6 }, (_, n) => queue(big, `big${n}`)), queue(small, 'small0'), queue(small, 'small1')];
    for (const release of holders) release?.();
    await Promise.all(waiting);
    expect(order).toEqual(['big0', 'small0', 'big1', 'small1', 'big2', 'big3', 'big4', 'big5']);
  });

  it('grants in FIFO order through a queue that never empties, skipping callers that stopped waiting', async () => {
    const permits = new Semaphore(1);
    const holder = await permits.acquire(party);
    const granted: number[] = [];
    const leaving = new Cancellation();
    // 5,000 callers queue; every 7th gives up before its turn.
    const waiting = Array.from({ length: 5000 }, (_, n) => {
      return permits.acquire(party, n % 7 === 3 ? leaving : undefined).then(
        (release) => {
          granted.push(n);
          // Each caller queues another behind the rest before letting the next one in.
          void permits.acquire(party).then((again) => again?.());
          release?.();
        },
        () => undefined,
      );
    });
    leaving.cancel(new Error('gave up'));
    holder?.();
    await Promise.all(waiting);
    const expected = Array.from({ length: 5000 }, (_, n) => n).filter((n) => n % 7 !== 3);
    expect(granted).toEqual(expected);
  });

  it('answers undefined when no permit frees up in time', async () => {
    const permits = new Semaphore(1);
    const holder = await permits.acquire(party);
    await expect(permits.acquire(party, undefined, 20)).resolves.toBeUndefined();
    holder?.();
    const next = await permits.acquire(party, undefined, 20);
    expect(next).toBeTypeOf('function');
  });

  describe('with waiters of different patience', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('lets each go at its own time, grants the rest in order, and leaves no timer behind', async () => {
      vi.useFakeTimers();
      const permits = new Semaphore(1);
      const holder = await permits.acquire(party);
      const start = Date.now();
      const outcomes: string[] = [];
      const wait = (name: string, ms: number) =>
        permits.acquire(party, undefined, ms).then((release) => {
          outcomes.push(`${name} ${release === undefined ? 'gave up' : 'granted'} at ${Date.now() - start}`);
          return release;
        });
      const patient = wait('patient', 1_000);
      const middling = wait('middling', 100);
      const hasty = wait('hasty', 50);
      const unhurried = wait('unhurried', 5_000);
      await vi.advanceTimersByTimeAsync(60);
      expect(outcomes).toEqual(['hasty gave up at 50']);
      await vi.advanceTimersByTimeAsync(60);
      expect(outcomes).toEqual(['hasty gave up at 50', 'middling gave up at 100']);
      holder?.();
      (await patient)?.();
      (await unhurried)?.();
      await Promise.all([middling, hasty]);
      expect(outcomes).toEqual(['hasty gave up at 50', 'middling gave up at 100', 'patient granted at 120', 'unhurried granted at 120']);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('rejects a waiter whose caller aborts, and grants the next one', async () => {
      const permits = new Semaphore(1);
      const holder = await permits.acquire(party);
      const controller = new AbortController();
      const aborted = permits.acquire(party, Cancellation.of(controller.signal), 10_000);
      const next = permits.acquire(party, undefined, 10_000);
      controller.abort(new Error('caller left'));
      await expect(aborted).rejects.toThrow('caller left');
      holder?.();
      const release = await next;
      expect(release).toBeTypeOf('function');
      release?.();
    });
  });
});
