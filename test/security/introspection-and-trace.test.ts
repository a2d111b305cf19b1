import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { jsonPost, ONE_CALL_QUERY, send } from './support.js';

describe('INTROSPECTION=false', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ portgraph: { introspection: false } });
  });
  afterAll(() => stack.close());

  it.each(['{ __schema { queryType { name } } }', '{ __type(name: "Server") { name } }', '{ servers(first: 1) { nodes { id } } __schema { types { name } } }'])(
    'refuses %s',
    async (query) => {
      stack.sim.clearLog();
      const { body } = await stack.query(query);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]?.message).toMatch(/introspection/i);
      expect(stack.calls()).toEqual([]);
    },
  );

  it('still answers __typename and federation’s _service { sdl }', async () => {
    const { body } = await stack.query('{ __typename _service { sdl } }');
    expect(body.errors).toBeUndefined();
    expect(body.data?.['__typename']).toBe('Query');
    expect(body.data?.['_service']).toMatchObject({ sdl: expect.stringContaining('type Server') });
  });

  it('gives no upstream trace and no Server-Timing, even when asked', async () => {
    const traced = await stack.query(ONE_CALL_QUERY, undefined, { 'X-Portgraph-Trace': '1' });
    expect(traced.body.data).toMatchObject({ servers: { nodes: [{ id: expect.any(String) }] } });
    expect((traced.body as { extensions?: unknown }).extensions).toBeUndefined();
    expect(traced.headers.get('server-timing')).toBeNull();
    const page = await send(stack.url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('server-timing')).toBeNull();
  });
});

describe('introspection and tracing by default', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('answers __schema and traces on request', async () => {
    const schema = await stack.query('{ __schema { queryType { name } } }');
    expect(schema.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    const traced = await stack.query(ONE_CALL_QUERY, undefined, { 'X-Portgraph-Trace': '1' });
    expect((traced.body as any).extensions.upstream.calls).toEqual({ nova: 1 });
    expect(traced.headers.get('server-timing')).toMatch(/^total;dur=/);
  });
});

describe('GRAPHIQL', () => {
  let stack: Stack;
  afterAll(() => stack.close());

  it('serves no GraphiQL when false, and still answers queries', async () => {
    stack = await startStack({ portgraph: { graphiql: false } });
    const page = await send(stack.url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect(page.text).not.toMatch(/<html/i);
    const answer = await send(stack.url, jsonPost('{ __typename }'));
    expect(answer.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
