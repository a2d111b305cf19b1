import { describe, expect, it } from 'vitest';
import type { ZstackVipUsedPorts } from '../../src/sources/records.js';
import { ZstackClient } from '../../src/sources/zstack.js';
import type { ZstackProtocol } from '../../src/sources/zstack.js';
import { ORIGIN, SESSION, json, mocked, rejectsWith, sessionAuth, under } from './support.js';

const VIP = '4f5f926580f4452a897b05b8f99e67ec';
const usedPorts = {
  inventories: [{ uuid: VIP, protocol: 'TCP', usedPorts: ['100', '200', '201', '202', '204', '1000', '200'] }],
} satisfies { inventories: ZstackVipUsedPorts[] };

function client() {
  const mock = mocked();
  return { ...mock, zstack: new ZstackClient({ baseUrl: `${ORIGIN}/`, http: mock.http }) };
}

const zstackError = (code: string, description: string, details?: string) => ({
  error: { code, description, details, elaboration: null, opaque: null },
});

describe('ZstackClient.getVipUsedPorts', () => {
  it('GETs /zstack/v1/vips/{uuid}/usedports?protocol= with the OAuth session', async () => {
    const { pool, zstack, calls } = client();
    pool.intercept(under('/zstack/')).reply(200, usedPorts, { headers: json });

    const answer = await zstack.getVipUsedPorts({ auth: sessionAuth }, VIP, 'TCP');

    expect(answer).toEqual(usedPorts.inventories[0]);
    expect(calls()).toMatchObject([
      { fullUrl: `${ORIGIN}/zstack/v1/vips/${VIP}/usedports?protocol=TCP`, headers: { authorization: `OAuth ${SESSION}` } },
    ]);
  });

  it('keeps the uuid in its own segment', async () => {
    const { pool, zstack, calls } = client();
    pool.intercept(under('/zstack/')).reply(200, { inventories: [{ usedPorts: [] }] });
    await zstack.getVipUsedPorts({ auth: sessionAuth }, '../accounts?x#y', 'UDP');
    expect(calls()[0]?.fullUrl).toBe(`${ORIGIN}/zstack/v1/vips/..%2Faccounts%3Fx%23y/usedports?protocol=UDP`);
  });

  it('stringifies numeric ports and reads the documented `protcol` spelling', async () => {
    const { pool, zstack } = client();
    pool.intercept(under('/zstack/')).reply(200, { inventories: [{ uuid: VIP, protcol: 'UDP', usedPorts: [53, '67'] }] });
    expect(await zstack.getVipUsedPorts({ auth: sessionAuth }, VIP, 'UDP')).toMatchObject({ protocol: 'UDP', usedPorts: ['53', '67'] });
  });

  it('refuses a lower-case protocol before any call', async () => {
    const { zstack, calls } = client();
    await expect(zstack.getVipUsedPorts({ auth: sessionAuth }, VIP, 'tcp' as ZstackProtocol)).rejects.toThrow(RangeError);
    expect(calls()).toHaveLength(0);
  });

  it.each([
    ['ID.1001', 'Session expired', 'UNAUTHENTICATED', false],
    ['ID.1002', 'Permission denied', 'FORBIDDEN', false],
    ['SYS.1003', 'Resource not found', 'NOT_FOUND', false],
    ['SYS.1007', 'One or more API argument is invalid', 'BAD_REQUEST', false],
    ['SYS.1001', 'A timeout happened', 'UPSTREAM_TIMEOUT', true],
    ['SYS.1000', 'An internal error happened in system', 'UPSTREAM_UNAVAILABLE', false],
  ] as const)('maps a 503 %s by its code', async (upstreamCode, description, code, retryable) => {
    const { pool, zstack } = client();
    pool.intercept(under('/zstack/')).reply(503, zstackError(upstreamCode, description), { headers: json });
    await rejectsWith(zstack.getVipUsedPorts({ auth: sessionAuth }, VIP, 'TCP'), {
      source: 'zstack',
      code,
      status: 503,
      upstreamCode,
      retryable,
      message: `zstack answered 503 ${upstreamCode}: ${description}`,
    });
  });

  it("maps the framework's plain-text 400 by status", async () => {
    const { pool, zstack } = client();
    pool.intercept(under('/zstack/')).reply(400, "missing header 'Authorization'", { headers: { 'content-type': 'text/plain' } });
    await rejectsWith(zstack.getVipUsedPorts({ auth: undefined }, VIP, 'TCP'), {
      code: 'BAD_REQUEST',
      status: 400,
      upstreamCode: undefined,
      message: "zstack answered 400: missing header 'Authorization'",
    });
  });

  it('maps a 503 without the envelope as a retryable outage', async () => {
    const { pool, zstack } = client();
    pool.intercept(under('/zstack/')).reply(503, 'Service Unavailable');
    await rejectsWith(zstack.getVipUsedPorts({ auth: sessionAuth }, VIP, 'TCP'), { code: 'UPSTREAM_UNAVAILABLE', retryable: true });
  });

  it.each([
    ['no inventories', {}, 'inventories is missing, expected an array'],
    ['no inventory', { inventories: [] }, 'inventories has 0 elements, expected exactly one'],
    ['two inventories', { inventories: [{ usedPorts: [] }, { usedPorts: [] }] }, 'inventories has 2 elements, expected exactly one'],
    ['usedPorts missing', { inventories: [{ uuid: VIP }] }, 'inventories[0].usedPorts is missing, expected an array'],
    ['a port as an object', { inventories: [{ usedPorts: [{}] }] }, 'inventories[0].usedPorts[0] is an object, expected a string or an integer'],
  ])('answers UPSTREAM_BAD_RESPONSE for %s', async (_, body, detail) => {
    const { pool, zstack } = client();
    pool.intercept(under('/zstack/')).reply(200, body);
    await rejectsWith(zstack.getVipUsedPorts({ auth: sessionAuth }, VIP, 'TCP'), {
      code: 'UPSTREAM_BAD_RESPONSE',
      message: `zstack answered 200 with an unexpected body: ${detail}`,
    });
  });
});
