import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.sim.clearLog());

async function refused(query: string, variables: Record<string, unknown>, message: RegExp) {
  const { status, body } = await stack.query(query, variables);
  expect(status).toBe(200);
  expect(body.data ?? null).toBeNull();
  expect(body.errors?.[0]?.message).toMatch(message);
  expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  expect(stack.calls()).toEqual([]);
}

describe('bad input is refused before any upstream call', () => {
  it('refuses a port outside 1–65535, wherever it stands in the query', async () => {
    const id = stack.sim.fleet.special.multiInterfaceServerId;
    await refused(`query ($id: ID!) { server(id: $id) { openPorts(port: 0) { port } } }`, { id }, /"port" must be a port number from 1 to 65535; got 0/);
    await refused(
      `query ($id: ID!, $p: Int) { server(id: $id) { interfaces { fixedIps { openPorts(port: $p) { port } } } } }`,
      { id, p: 70000 },
      /got 70000/,
    );
    await refused(`{ openPortStatistics(filter: { port: 65536 }) { totalCount } }`, {}, /"filter.port" must be a port number/);
  });

  it('refuses first outside 1–1000', async () => {
    await refused(`{ servers(first: 0) { nodes { id } } }`, {}, /"first" must be from 1 to 1000; got 0/);
    await refused(`{ servers(first: 1001) { nodes { id } } }`, {}, /got 1001/);
    await refused(`query ($f: Int) { subnet(id: "s1") { ports(first: $f) { nodes { id } } } }`, { f: -1 }, /got -1/);
    await refused(`{ openPortStatistics(first: 5000) { totalCount } }`, {}, /got 5000/);
  });

  it('refuses ids holding /, ?, #, % or .. so none reaches another upstream path', async () => {
    for (const id of ['a/b', 'x?y=1', 'x#y', '..', '../../servers/detail', '%2F', 'a.b']) {
      await refused(`query ($id: ID!) { server(id: $id) { id } }`, { id }, /Argument "id" must be 1–128 letters/);
      await refused(`query ($id: ID!) { vip(id: $id) { usedPorts(protocol: TCP) { start } } }`, { id }, /Argument "id"/);
      await refused(`query ($id: ID!) { port(id: $id) { id } }`, { id }, /Argument "id"/);
    }
    await refused(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Server { id } } }`,
      { r: [{ __typename: 'Server', id: '../x' }] },
      /representations\[0\]\.id/,
    );
  });

  it('refuses a cursor that this connection did not give', async () => {
    await refused(`{ servers(after: "garbage") { nodes { id } } }`, {}, /"after" is not a cursor of this connection/);
  });

  it('refuses a lower-case protocol through the enum, before any call', async () => {
    const { body } = await stack.query(`{ vip(id: "abc") { usedPorts(protocol: tcp) { start } } }`);
    expect(body.errors?.[0]?.message).toMatch(/Enum "Protocol" cannot represent non-enum value: tcp|Value "tcp" does not exist/);
    expect(stack.calls()).toEqual([]);
  });
});
