import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { estimateCalls } from '../../src/rules/cost.js';
import { buildSchema } from '../../src/schema.js';

const schema = buildSchema();
const estimate = (query: string, variables: Record<string, unknown> = {}) => estimateCalls(schema, parse(query), undefined, variables);
const calls = (nova: number, vpc: number, hss: number, zstack: number) => ({ total: nova + vpc + hss + zstack, bySource: { nova, vpc, hss, zstack } });

describe('estimateCalls', () => {
  it('prices the fleet walk at one server page, then one call per listed server and source', () => {
    const walk = `{ servers(first: 1000) { nodes { id name status interfaces { portId fixedIps { ipAddress openPorts { port } } } openPorts { port } } } }`;
    expect(estimate(walk)).toEqual(calls(1001, 0, 1000, 0));
    expect(estimate(`{ servers { nodes { id name } } }`)).toEqual(calls(1, 0, 0, 0));
  });

  it('charges a server reached again (its open ports, its interfaces) nothing more', () => {
    const bomb = `{ server(id: "a") { openPorts { server { openPorts { server { openPorts { port } } } } } } }`;
    expect(estimate(bomb)).toEqual(calls(1, 0, 1, 0));
    const nested = `{ server(id: "a") { interfaces { server { interfaces { server { name openPorts { port } } } } } } }`;
    expect(estimate(nested)).toEqual(calls(2, 0, 1, 0));
  });

  it('counts aliases of distinct ids apiece and of the same id once', () => {
    const distinct = Array.from({ length: 40 }, (_, n) => `s${n}: server(id: "id-${n}") { interfaces { portId } }`).join(' ');
    expect(estimate(`{ ${distinct} }`)).toEqual(calls(80, 0, 0, 0));
    const same = Array.from({ length: 40 }, (_, n) => `s${n}: server(id: "id") { interfaces { portId } }`).join(' ');
    expect(estimate(`{ ${same} }`)).toEqual(calls(2, 0, 0, 0));
  });

  it('reads representations and arguments from variables, through fragments', () => {
    const representations = Array.from({ length: 5000 }, (_, n) => ({ __typename: n % 2 === 0 ? 'Server' : 'Vip', id: `e${n}` }));
    const query = `query ($r: [_Any!]!, $p: Protocol!) { _entities(representations: $r) { ...S ... on Vip { usedPorts(protocol: $p) { start } } } }
      fragment S on Server { id openPorts { port } }`;
    // 2,500 servers checked by one walk of Nova's list (two pages assumed), 2,500 HSS calls, 2,500 ZStack calls.
    expect(estimate(query, { r: representations, p: 'TCP' })).toEqual(calls(2, 0, 2500, 2500));
  });

  it("prices ports' servers and devices' open ports by what a list walk costs", () => {
    const query = `{ subnet(id: "s") { ports(first: 1000) { nodes { id server { name } fixedIps { openPorts { port } } } } } }`;
    expect(estimate(query)).toEqual(calls(2, 1, 1000, 0));
    expect(estimate(`{ port(id: "p") { id } ports(first: 5) { nodes { server { id } } } }`)).toEqual(calls(5, 3, 0, 0));
  });

  it('prices statistics in pages of 200 and used ports per VIP and protocol', () => {
    expect(estimate(`{ openPortStatistics(first: 1000) { totalCount } }`)).toEqual(calls(0, 0, 5, 0));
    expect(estimate(`{ vip(id: "v") { t: usedPorts(protocol: TCP) { start } u: usedPorts(protocol: UDP) { start } again: usedPorts(protocol: TCP) { end } } }`)).toEqual(
      calls(0, 0, 0, 2),
    );
  });

  it('charges nothing for what calls no upstream', () => {
    expect(estimate(`{ __typename _service { sdl } subnet(id: "s") { id } vip(id: "v") { id } }`)).toEqual(calls(0, 0, 0, 0));
  });
});
