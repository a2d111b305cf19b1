import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterEach, describe, expect, it } from 'vitest';
import { useBufferedBodies } from '../../src/execution/buffered-body.js';

const schema = createSchema({
  typeDefs: 'type Query { greeting: String! }',
  resolvers: { Query: { greeting: () => 'grüße ✓ 🙂' } },
});

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function serve(): Promise<string> {
  const yoga = createYoga({ schema, plugins: [useBufferedBodies()], logging: false, graphiql: false });
  server = createServer(yoga);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

describe('useBufferedBodies', () => {
  it('sends the answer as UTF-8 bytes with their length', async () => {
    const url = await serve();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ greeting }' }),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    expect(bytes.toString('utf8')).toBe('{"data":{"greeting":"grüße ✓ 🙂"}}');
  });

  it('keeps the status and body of an answer with errors', async () => {
    const url = await serve();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ nothing }' }),
    });
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(response.status).toBe(400);
    expect(body.errors[0]?.message).toBe('Cannot query field "nothing" on type "Query".');
  });
});
