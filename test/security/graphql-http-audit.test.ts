import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

// The audits send GETs too; a client that means them sends the CSRF header.
const withCsrfHeader: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  headers.set('x-graphql-yoga-csrf', 'graphql-http-audit');
  return fetch(input, { ...init, headers });
};

describe('the GraphQL over HTTP spec (graphql-http audits)', () => {
  it('passes every audit', async () => {
    const audits = serverAudits({ url: stack.url, fetchFn: withCsrfHeader });
    const results = await Promise.all(audits.map((audit) => audit.fn()));
    const failed = results.filter((result) => result.status !== 'ok').map((result) => `${result.status}: ${result.name}`);
    expect(failed).toEqual([]);
    expect(results).toHaveLength(61);
  });
});
