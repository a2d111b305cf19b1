import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../src/sources/semaphore.js';

describe('Semaphore', () => {
  it('grants in FIFO order through a queue that never empties, skipping callers that stopped waiting', async () => {
    const permits = new Semaphore(1);
    const holder = await permits.acquire();
    const granted: number[] = [];
    const controller = new AbortController();
    // 5,000 callers queue; every 7th gives up before its turn.
    const waiting = Array.from({ length: 5000 }, (_, n) => {
      const signal = n % 7 === 3 ? controller.signal : undefined;
      return permits.acquire(signal).then(
        (release) => {
          granted.push(n);
          // Each caller queues another behind the rest before letting the next one in.
          void permits.acquire().then((again) => again?.());
          release?.();
        },
        () => undefined,
      );
    });
    controller.abort(new Error('gave up'));
    holder?.();
    await Promise.all(waiting);
    const expected = Array.from({ length: 5000 }, (_, n) => n).filter((n) => n % 7 !== 3);
    expect(granted).toEqual(expected);
  });

  it('answers undefined when no permit frees up in time', async () => {
    const permits = new Semaphore(1);
    const holder = await permits.acquire();
    await expect(permits.acquire(undefined, 20)).resolves.toBeUndefined();
    holder?.();
    const next = await permits.acquire(undefined, 20);
    expect(next).toBeTypeOf('function');
  });
});
