import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BENCH_QUERIES, variablesFor, type ExpectedCall } from '../../bench/queries.js';
import type { CallLogEntry } from '../../src/simulator/index.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.sim.clearLog());

const sortedQuery = (query: Record<string, string>) => Object.fromEntries(Object.entries(query).sort(([a], [b]) => (a < b ? -1 : 1)));
const key = (c: ExpectedCall | CallLogEntry) =>
  JSON.stringify([c.route, 'path' in c && c.route !== 'vpc.ports' && c.route !== 'hss.ports' ? c.path : '', sortedQuery(c.query)]);

// The N+1 guard: each bench query's upstream call log, exactly, so a regression fails CI.
describe.each(BENCH_QUERIES)('bench query: $name', (bench) => {
  it('makes exactly the minimal upstream calls', async () => {
    const fleet = stack.sim.fleet;
    let after: string | null = null;
    let requests = 0;
    do {
      const { query } = bench.requests(after);
      const { body } = await stack.query(query, variablesFor(bench, fleet, after));
      expect(body.errors).toBeUndefined();
      after = bench.next(body.data);
      requests++;
    } while (after !== null && requests < 20);
    const expected = bench.minimumCalls(fleet, stack.sim.projectId).map(key).sort();
    expect(stack.calls().map(key).sort()).toEqual(expected);
    expect(stack.calls().length).toBe(expected.length);
  });
});
