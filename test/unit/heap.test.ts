import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HEAP_FLAGS, limitHeapGrowth } from '../../src/heap.js';

describe('limitHeapGrowth', () => {
  it('leaves a growth limit given on the command line alone', () => {
    expect(limitHeapGrowth(['--heap-growing-percent=50'])).toBe(false);
    expect(limitHeapGrowth(['--expose-gc', '--heap_growing_percent=70'])).toBe(false);
  });

  it('sets its own limit otherwise', () => {
    expect(limitHeapGrowth(['--expose-gc'])).toBe(true);
  });
});

describe('HEAP_FLAGS', () => {
  it('are what npm start and npm run dev pass to node', () => {
    const { scripts } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      scripts: Record<string, string>;
    };
    for (const script of [scripts['start'], scripts['dev']]) {
      const nodeArgs = /\bnode ((?:--\S+ )*)/.exec(script ?? '')?.[1]?.trim().split(' ') ?? [];
      expect(nodeArgs).toEqual(expect.arrayContaining([...HEAP_FLAGS]));
    }
  });
});
