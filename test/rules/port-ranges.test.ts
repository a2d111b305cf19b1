import { describe, expect, it } from 'vitest';
import { toPortRanges } from '../../src/rules/port-ranges.js';

describe('ZStack used ports as ranges', () => {
  it('deduplicates, sorts and merges contiguous ports', () => {
    expect(toPortRanges(['443', '80', '8000', '8001', '8002', '80', '22', '8001'])).toEqual([
      { start: 22, end: 22 },
      { start: 80, end: 80 },
      { start: 443, end: 443 },
      { start: 8000, end: 8002 },
    ]);
  });

  it('merges the documented example into ranges', () => {
    expect(toPortRanges(['100', '200', '201', '202', '204', '1000'])).toEqual([
      { start: 100, end: 100 },
      { start: 200, end: 202 },
      { start: 204, end: 204 },
      { start: 1000, end: 1000 },
    ]);
  });

  it('collapses a whole 1–65535 rule into one range', () => {
    const all = Array.from({ length: 65535 }, (_, i) => String(65535 - i));
    expect(toPortRanges(all)).toEqual([{ start: 1, end: 65535 }]);
  });

  it('skips entries that are not port numbers', () => {
    expect(toPortRanges(['0', '65536', 'x', '', ' 7 ', '8'])).toEqual([{ start: 7, end: 8 }]);
  });

  it('answers an empty list with no ranges', () => {
    expect(toPortRanges([])).toEqual([]);
  });
});
