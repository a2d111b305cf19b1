import { describe, expect, it } from 'vitest';
import { limitHeapGrowth } from '../../src/heap.js';

describe('limitHeapGrowth', () => {
  it('leaves a growth limit given on the command line alone', () => {
    expect(limitHeapGrowth(['--heap-growing-percent=50'])).toBe(false);
    expect(limitHeapGrowth(['--expose-gc', '--heap_growing_percent=70'])).toBe(false);
  });

  it('sets its own limit otherwise', () => {
    expect(limitHeapGrowth(['--expose-gc'])).toBe(true);
  });
});
