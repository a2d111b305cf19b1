import { describe, expect, it } from 'vitest';
import type { HttpOptions } from '../../src/sources/http.js';
import type { VpcPort } from '../../src/sources/records.js';
import { VPC_MAX_LIMIT, VpcClient } from '../../src/sources/vpc.js';
import { ONE_ATTEMPT, ORIGIN, PROJECT, TOKEN, json, mocked, rejectsWith, tokenAuth, under } from './support.js';

interface PortsBody {
  ports: VpcPort[];
}

const port = (id: string): VpcPort => ({
  id,
  status: 'ACTIVE',
  network_id: 'net-1',
  device_id: 'srv-1',
  fixed_ips: [{ subnet_id: 'sub-1', ip_address: '10.0.0.5' }],
});
const ports = (from: number, count: number): PortsBody =>
  ({ ports: Array.from({ length: count }, (_, i) => port(`port-${String(from + i).padStart(5, '0')}`)) }) satisfies PortsBody;

function client(options?: Partial<HttpOptions>) {
  const mock = mocked(options);
  return { ...mock, vpc: new VpcClient({ baseUrl: `${ORIGIN}/`, projectId: PROJECT, http: mock.http }) };
}

describe('VpcClient.listPorts', () => {
  it('GETs /v2/{project}/ports with every filter and the token', async () => {
    const { pool, vpc, calls } = client();
    const body = { ports: [port('a'), { id: 'b' }] } satisfies PortsBody;
    pool.intercept(under('/v2/')).reply(200, body, { headers: json });

    const page = await vpc.listPorts({ auth: tokenAuth }, { marker: 'm', limit: 2000, ip_address: '10.0.0.5', subnet_id: 'sub 1', is_used: true });

    expect(page).toEqual(body.ports);
    expect(calls()).toMatchObject([
      {
        fullUrl: `${ORIGIN}/v2/${PROJECT}/ports?marker=m&limit=2000&ip_address=10.0.0.5&subnet_id=sub+1&is_used=true`,
        headers: { 'x-auth-token': TOKEN },
      },
    ]);
  });

  it('sends no query at all for an empty query', async () => {
    const { pool, vpc, calls } = client();
    pool.intercept(under('/v2/')).reply(200, { ports: [] });
    await vpc.listPorts({ auth: tokenAuth }, {});
    expect(calls()[0]?.fullUrl).toBe(`${ORIGIN}/v2/${PROJECT}/ports`);
  });

  it.each([0, 2001, 1.5])('refuses limit %s before any call', async (limit) => {
    const { vpc, calls } = client();
    await expect(vpc.listPorts({ auth: tokenAuth }, { limit })).rejects.toThrow(RangeError);
    expect(calls()).toHaveLength(0);
  });

  it('reads a null device_id as absent', async () => {
    const { pool, vpc } = client();
    pool.intercept(under('/v2/')).reply(200, { ports: [{ id: 'a', device_id: null }] });
    expect(await vpc.listPorts({ auth: tokenAuth }, {})).toEqual([{ id: 'a' }]);
  });

  it.each([
    [401, { error_code: 'APIGW.0307', error_msg: 'The token must be updated.' }, 'UNAUTHENTICATED', 'APIGW.0307', false],
    [403, { error_code: 'WKS.0003', error_msg: 'No permission.', encoded_authorization_message: 'x' }, 'FORBIDDEN', 'WKS.0003', false],
    [404, { error_code: 'WKS.0404', error_msg: 'No resources found.' }, 'NOT_FOUND', 'WKS.0404', false],
    [429, { error_code: 'APIGW.0308', error_msg: 'Throttled' }, 'RATE_LIMITED', 'APIGW.0308', true],
    [500, { error_code: 'WKS.0500', error_msg: 'Internal error' }, 'UPSTREAM_UNAVAILABLE', 'WKS.0500', false],
  ] as const)('maps a %i %j', async (status, body, code, upstreamCode, retryable) => {
    const { pool, vpc } = client(ONE_ATTEMPT);
    pool.intercept(under('/v2/')).reply(status, body, { headers: json });
    await rejectsWith(vpc.listPorts({ auth: tokenAuth }, {}), { source: 'vpc', code, status, upstreamCode, retryable });
  });

  it.each([
    ['no ports', {}, 'ports is missing, expected an array'],
    ['a port without id', { ports: [{ status: 'ACTIVE' }] }, 'ports[0].id is missing, expected a string'],
    ['a bad fixed IP', { ports: [{ id: 'a', fixed_ips: [{ subnet_id: 's', ip_address: 10 }] }] }, 'ports[0].fixed_ips[0].ip_address is a number, expected a string'],
  ])('answers UPSTREAM_BAD_RESPONSE for %s', async (_, body, detail) => {
    const { pool, vpc } = client();
    pool.intercept(under('/v2/')).reply(200, body);
    await rejectsWith(vpc.listPorts({ auth: tokenAuth }, {}), {
      code: 'UPSTREAM_BAD_RESPONSE',
      message: `vpc answered 200 with an unexpected body: ${detail}`,
    });
  });
});

describe('VpcClient.listAllPorts', () => {
  function paged(pages: PortsBody[]) {
    const mock = client();
    let next = 0;
    mock.pool
      .intercept(under('/v2/'))
      .reply(() => ({ statusCode: 200, data: pages[next++] ?? { ports: [] } }))
      .times(pages.length);
    return mock;
  }

  it('walks pages of 2000 by marker until a page has fewer', async () => {
    const { vpc, calls } = paged([ports(0, 2000), ports(2000, 2000), ports(4000, 3)]);

    const result = await vpc.listAllPorts({ auth: tokenAuth }, { subnet_id: 'sub-1', is_used: true });

    expect(result.calls).toBe(3);
    expect(result.ports).toHaveLength(4003);
    expect(result.ports.at(-1)?.id).toBe('port-04002');
    expect(calls().map((c) => c.searchParams)).toEqual([
      { limit: '2000', subnet_id: 'sub-1', is_used: 'true' },
      { marker: 'port-01999', limit: '2000', subnet_id: 'sub-1', is_used: 'true' },
      { marker: 'port-03999', limit: '2000', subnet_id: 'sub-1', is_used: 'true' },
    ]);
  });

  it('ends on an empty page after an exactly full one', async () => {
    const { vpc } = paged([ports(0, VPC_MAX_LIMIT), { ports: [] }]);
    const result = await vpc.listAllPorts({ auth: tokenAuth }, {});
    expect(result).toMatchObject({ calls: 2 });
    expect(result.ports).toHaveLength(2000);
  });

  it('stops early once stopWhen is satisfied', async () => {
    const { vpc, calls } = paged([ports(0, 2000), ports(2000, 2000)]);
    const seen: number[] = [];
    const result = await vpc.listAllPorts({ auth: tokenAuth }, {}, {
      stopWhen: (all) => {
        seen.push(all.length);
        return all.some((p) => p.id === 'port-00042');
      },
    });
    expect(result.calls).toBe(1);
    expect(seen).toEqual([2000]);
    expect(calls()).toHaveLength(1);
  });

  it('stops with UPSTREAM_BAD_RESPONSE when a full page repeats itself', async () => {
    const { vpc } = paged([ports(0, 2000), ports(0, 2000), ports(0, 2000)]);
    await rejectsWith(vpc.listAllPorts({ auth: tokenAuth }, {}), { code: 'UPSTREAM_BAD_RESPONSE' });
  });
});
