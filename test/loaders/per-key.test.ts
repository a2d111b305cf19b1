import { describe, expect, it } from 'vitest';
import { perKeyLoader } from '../../src/loaders/settle.js';

describe('perKeyLoader', () => {
  it('answers each key when its own call returns, not when the slowest key of the tick does', async () => {
    const calls: string[] = [];
    let finishSlow: (value: string) => void = () => {};
    const loader = perKeyLoader<string, string>((key) => {
      calls.push(key);
      return key === 'slow' ? new Promise((resolve) => (finishSlow = resolve)) : Promise.resolve(`${key}!`);
    });
    const slow = loader.load('slow');
    const fast = loader.load('fast');
    const again = loader.load('fast');
    await expect(fast).resolves.toBe('fast!');
    await expect(again).resolves.toBe('fast!');
    let slowDone = false;
    void slow.then(() => (slowDone = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(slowDone).toBe(false);
    finishSlow('slow!');
    await expect(slow).resolves.toBe('slow!');
    expect(calls).toEqual(['slow', 'fast']);
  });

  it('fails only the key whose call failed', async () => {
    const loader = perKeyLoader<string, string>((key) => (key === 'bad' ? Promise.reject(new Error('nope')) : Promise.resolve(key)));
    const [good, bad] = await Promise.allSettled([loader.load('good'), loader.load('bad')]);
    expect(good).toEqual({ status: 'fulfilled', value: 'good' });
    expect(bad).toMatchObject({ status: 'rejected', reason: { message: 'nope' } });
  });
});
