import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { SESSION, get } from './helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

const usedPorts = (uuid: string, protocol?: string) =>
  `/zstack/v1/vips/${uuid}/usedports${protocol === undefined ? '' : `?protocol=${protocol}`}`;

describe('ZStack GET vips/{uuid}/usedports', () => {
  it('answers the expanded used ports of each protocol as strings', async () => {
    const vip = sim.fleet.vips.find((v) => v.uuid === sim.fleet.special.vipId);
    for (const protocol of ['TCP', 'UDP'] as const) {
      const reply = await get(sim, usedPorts(vip?.uuid ?? '', protocol), SESSION);
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toBe('application/json');
      expect(reply.json()).toEqual({
        inventories: [{ uuid: vip?.uuid, protocol, usedPorts: vip?.usedPorts[protocol] }],
      });
    }
  });

  it('answers 400 in plain text without an Authorization header', async () => {
    const reply = await get(sim, usedPorts(sim.fleet.special.vipId, 'TCP'), {});
    expect(reply.status).toBe(400);
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    expect(reply.text).toBe("missing header 'Authorization'");
  });

  it('answers 503 ID.1001 for an unknown session', async () => {
    const stale = { authorization: 'OAuth 0123456789abcdef' };
    const reply = await get(sim, usedPorts(sim.fleet.special.vipId, 'TCP'), stale);
    expect(reply.status).toBe(503);
    expect(reply.json().error).toMatchObject({ code: 'ID.1001', description: 'Session expired' });
  });

  it.each([
    ['missing', undefined],
    ['lower case', 'tcp'],
    ['unknown', 'SCTP'],
  ])('answers 503 SYS.1007 for a %s protocol', async (_, protocol) => {
    const reply = await get(sim, usedPorts(sim.fleet.special.vipId, protocol), SESSION);
    expect(reply.status).toBe(503);
    expect(reply.json().error).toMatchObject({ code: 'SYS.1007', details: expect.stringContaining('protocol') });
  });

  it('answers 503 SYS.1003 for an unknown VIP', async () => {
    const reply = await get(sim, usedPorts('ffffffffffffffffffffffffffffffff', 'TCP'), SESSION);
    expect(reply.status).toBe(503);
    expect(reply.json()).toEqual({
      error: {
        code: 'SYS.1003',
        description: 'Resource not found',
        details: 'invalid field[uuid], resource[uuid:ffffffffffffffffffffffffffffffff, type:VipVO] not found',
      },
    });
  });

  it('does not accept the OpenStack token in place of a session', async () => {
    const reply = await get(sim, usedPorts(sim.fleet.special.vipId, 'TCP'), { 'x-auth-token': 'demo-os-token' });
    expect(reply.status).toBe(400);
  });
});
