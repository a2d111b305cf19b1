import { afterEach, describe, expect, it } from 'vitest';
import { HSS_MAX_LIMIT, HssClient, remainingOffsets } from '../../src/sources/hss.js';
import { createHttp } from '../../src/sources/http.js';
import type { HttpOptions } from '../../src/sources/http.js';
import type { HssOpenPort, HssPage, HssPortStatistic } from '../../src/sources/records.js';
import { ONE_ATTEMPT, ORIGIN, PROJECT, TOKEN, json, mocked, rejectsWith, serve, tokenAuth, under } from './support.js';

const HOST = 'dd91cd32-a238-4c0e-bc01-3b11653714ac';

const openPort = (n: number): HssOpenPort => ({
  agent_id: 'eb5d03f0',
  container_id: '',
  host_id: HOST,
  laddr: '0.0.0.0',
  path: '/usr/sbin/dhclient',
  pid: 1507,
  port: n,
  status: 'unknow',
  type: n % 2 ? 'UDP' : 'TCP',
});
const openPorts = (total: number, offset: number, count: number): HssPage<HssOpenPort> =>
  ({ total_num: total, data_list: Array.from({ length: count }, (_, i) => openPort(offset + i + 1)) }) satisfies HssPage<HssOpenPort>;

function client(options?: Partial<HttpOptions>) {
  const mock = mocked(options);
  return { ...mock, hss: new HssClient({ baseUrl: ORIGIN, projectId: PROJECT, http: mock.http }) };
}

describe('HssClient.listOpenPorts', () => {
  it('GETs /v5/{project}/asset/ports with the query and the token', async () => {
    const { pool, hss, calls } = client();
    const body = openPorts(2, 0, 2);
    pool.intercept(under('/v5/')).reply(200, body, { headers: json });

    const page = await hss.listOpenPorts({ auth: tokenAuth }, {
      host_id: HOST,
      offset: 0,
      limit: 10,
      port: 68,
      type: 'UDP',
      status: 'danger',
      category: 'host',
      enterprise_project_id: 'all_granted_eps',
    });

    expect(page).toEqual(body);
    expect(calls()).toMatchObject([
      {
        fullUrl: `${ORIGIN}/v5/${PROJECT}/asset/ports?host_id=${HOST}&offset=0&limit=10&port=68&type=UDP&status=danger&category=host&enterprise_project_id=all_granted_eps`,
        headers: { 'x-auth-token': TOKEN },
      },
    ]);
  });

  it.each([
    ['limit 9', { limit: 9 }],
    ['limit 201', { limit: 201 }],
    ['offset -1', { offset: -1 }],
    ['offset 2,000,001', { offset: 2_000_001 }],
    ['port 0', { port: 0 }],
    ['port 65536', { port: 65536 }],
  ])('refuses %s before any call', async (_, query) => {
    const { hss, calls } = client();
    await expect(hss.listOpenPorts({ auth: tokenAuth }, { host_id: HOST, ...query })).rejects.toThrow(RangeError);
    expect(calls()).toHaveLength(0);
  });

  it.each([
    [400, { error_code: 'HSS.0001', error_msg: 'Invalid parameter.' }, 'BAD_REQUEST', 'HSS.0001'],
    [401, { error_code: 'APIG.0301', error_msg: 'Incorrect IAM authentication information: token expires' }, 'UNAUTHENTICATED', 'APIG.0301'],
    [403, { error_code: 'APIGW.0306', error_msg: 'Access denied' }, 'FORBIDDEN', 'APIGW.0306'],
    [500, { error_code: 'HSS.0041', error_msg: 'Query host info error' }, 'UPSTREAM_UNAVAILABLE', 'HSS.0041'],
  ] as const)('maps a %i %j', async (status, body, code, upstreamCode) => {
    const { pool, hss } = client();
    pool.intercept(under('/v5/')).reply(status, body, { headers: json });
    await rejectsWith(hss.listOpenPorts({ auth: tokenAuth }, { host_id: HOST }), { source: 'hss', code, status, upstreamCode });
  });

  it.each([
    ['no total_num', { data_list: [] }, 'total_num is missing, expected an integer'],
    ['a port as a string', { total_num: 1, data_list: [{ port: '68', type: 'UDP' }] }, 'data_list[0].port is a string, expected an integer'],
    ['no type', { total_num: 1, data_list: [{ port: 68 }] }, 'data_list[0].type is missing, expected a string'],
    ['a pid beyond 32 bits', { total_num: 1, data_list: [{ port: 68, type: 'UDP', pid: 2 ** 31 }] }, 'data_list[0].pid is out of the 32-bit integer range'],
    [
      'a bad third record',
      { total_num: 3, data_list: [{ port: 22, type: 'TCP' }, { port: 53, type: 'UDP' }, { port: 80, type: 'TCP', pid: 'x' }] },
      'data_list[2].pid is a string, expected an integer',
    ],
  ])('answers UPSTREAM_BAD_RESPONSE for %s', async (_, body, detail) => {
    const { pool, hss } = client();
    pool.intercept(under('/v5/')).reply(200, body);
    await rejectsWith(hss.listOpenPorts({ auth: tokenAuth }, { host_id: HOST }), {
      code: 'UPSTREAM_BAD_RESPONSE',
      message: `hss answered 200 with an unexpected body: ${detail}`,
    });
  });
});

describe('HssClient.listAllOpenPorts', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it('reads the first page at 200, then every other page at once, each once, in offset order', async () => {
    const TOTAL = 650;
    const seen: { offset: number; limit: number; at: number }[] = [];
    let inFlight = 0;
    let peak = 0;
    const server = await serve((req, res) => {
      const query = new URL(req.url ?? '', 'http://x').searchParams;
      const offset = Number(query.get('offset'));
      seen.push({ offset, limit: Number(query.get('limit')), at: inFlight });
      inFlight++;
      peak = Math.max(peak, inFlight);
      // Later pages answer first: the result must still be in offset order.
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, json).end(JSON.stringify(openPorts(TOTAL, offset, Math.min(HSS_MAX_LIMIT, TOTAL - offset))));
      }, 80 - offset / 10);
    });
    const http = createHttp({ timeoutMs: 2000 });
    closers.push(server.close, () => http.close());
    const hss = new HssClient({ baseUrl: server.url, projectId: PROJECT, http });

    const all = await hss.listAllOpenPorts({ auth: tokenAuth }, HOST);

    expect(all.map((p) => p.port)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    expect(seen.map((s) => [s.offset, s.limit])).toEqual([
      [0, 200],
      [200, 200],
      [400, 200],
      [600, 200],
    ]);
    expect(peak).toBe(3);
  });

  it('makes one call when the first page holds everything', async () => {
    const { pool, hss, calls } = client();
    pool.intercept(under('/v5/')).reply(200, openPorts(2, 0, 2));
    expect(await hss.listAllOpenPorts({ auth: tokenAuth }, HOST)).toHaveLength(2);
    expect(calls().map((c) => c.searchParams)).toEqual([{ host_id: HOST, offset: '0', limit: '200' }]);
  });

  it('fails with the first failing page', async () => {
    const { pool, hss } = client(ONE_ATTEMPT);
    pool.intercept(under('/v5/')).reply(200, openPorts(400, 0, 200));
    pool.intercept(under('/v5/')).reply(429, { error_code: 'APIGW.0308', error_msg: 'Throttled' });
    await rejectsWith(hss.listAllOpenPorts({ auth: tokenAuth }, HOST), { code: 'RATE_LIMITED', retryable: true });
  });

  it('never asks past the largest offset HSS accepts', () => {
    expect(remainingOffsets(0)).toEqual([]);
    expect(remainingOffsets(200)).toEqual([]);
    expect(remainingOffsets(201)).toEqual([200]);
    expect(remainingOffsets(10_000_000).at(-1)).toBe(2_000_000);
  });
});

describe('HssClient.listPortStatistics', () => {
  it('GETs /v5/{project}/asset/port/statistics and returns the page', async () => {
    const { pool, hss, calls } = client();
    const body = { total_num: 1, data_list: [{ num: 4, port: 123, type: 'UDP', status: 'danger' }] } satisfies HssPage<HssPortStatistic>;
    pool.intercept(under('/v5/')).reply(200, body);

    const page = await hss.listPortStatistics({ auth: tokenAuth }, { port: 123, category: 'host', sort_key: 'port', sort_dir: 'desc', limit: 200, offset: 400 });

    expect(page).toEqual(body);
    expect(calls()[0]?.fullUrl).toBe(
      `${ORIGIN}/v5/${PROJECT}/asset/port/statistics?port=123&category=host&sort_key=port&sort_dir=desc&limit=200&offset=400`,
    );
  });

  it.each([{ limit: 5 }, { limit: 500 }, { offset: 3_000_000 }])('refuses %j before any call', async (query) => {
    const { hss, calls } = client();
    await expect(hss.listPortStatistics({ auth: tokenAuth }, query)).rejects.toThrow(RangeError);
    expect(calls()).toHaveLength(0);
  });

  it('answers UPSTREAM_BAD_RESPONSE for a row without num', async () => {
    const { pool, hss } = client();
    pool.intercept(under('/v5/')).reply(200, { total_num: 1, data_list: [{ port: 123, type: 'UDP' }] });
    await rejectsWith(hss.listPortStatistics({ auth: tokenAuth }, {}), {
      code: 'UPSTREAM_BAD_RESPONSE',
      message: 'hss answered 200 with an unexpected body: data_list[0].num is missing, expected an integer',
    });
  });
});
