import { createHash, createHmac } from 'node:crypto';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyAkSk } from '../../src/simulator/aksk-verify.js';
import { DEMO_AKSK, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { get } from './helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ akSk: [DEMO_AKSK, { ak: 'SECONDACCESSKEY00002', sk: 'second-secret' }] });
});
afterAll(() => sim.close());
afterEach(() => sim.clearLog());

// ---------------------------------------------------------------------------------------------
// SDK-HMAC-SHA256 as reference §1.3 describes it, written out here on its own:
//   CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n
//                      SignedHeaders \n hex(sha256(body))
//   CanonicalURI     = each path segment percent-encoded (RFC 3986, upper-case hex), ending in '/'
//   CanonicalQuery   = name=value pairs, each encoded, sorted by name then value, joined by '&'
//   CanonicalHeaders = 'name:value\n' per signed header, names lower case, sorted
//   StringToSign     = 'SDK-HMAC-SHA256' \n X-Sdk-Date \n hex(sha256(CanonicalRequest))
//   Signature        = hex(hmac-sha256(key = SK, StringToSign))
// ---------------------------------------------------------------------------------------------

const UNRESERVED = /[A-Za-z0-9\-_.~]/;
function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += UNRESERVED.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');

interface ToSign {
  method?: string;
  /** Path segments, unencoded. */
  segments: string[];
  query?: Array<[string, string]>;
  /** Every header to sign except X-Sdk-Date, which `date` supplies. */
  headers: Record<string, string>;
  date: string;
  body?: string;
  ak?: string;
  sk?: string;
}

/** The headers to send: the given ones, X-Sdk-Date, and Authorization. */
function sign(r: ToSign): Record<string, string> {
  const canonicalUri = `${r.segments.map(percentEncode).join('/')}/`;
  const canonicalQuery = (r.query ?? [])
    .map(([name, value]) => [percentEncode(name), percentEncode(value)])
    .sort(([an = '', av = ''], [bn = '', bv = '']) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...r.headers, 'X-Sdk-Date': r.date })) {
    headers[name.toLowerCase()] = value.trim();
  }
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((name) => `${name}:${headers[name]}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    r.method ?? 'GET',
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    sha256(r.body ?? ''),
  ].join('\n');
  const stringToSign = `SDK-HMAC-SHA256\n${r.date}\n${sha256(canonicalRequest)}`;
  const signature = createHmac('sha256', r.sk ?? DEMO_AKSK.sk).update(stringToSign).digest('hex');
  return {
    ...r.headers,
    'X-Sdk-Date': r.date,
    Authorization:
      `SDK-HMAC-SHA256 Access=${r.ak ?? DEMO_AKSK.ak}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/** `YYYYMMDDTHHMMSSZ`, `offsetMs` from now. */
function sdkDate(offsetMs = 0): string {
  return new Date(Date.now() + offsetMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

const host = () => new URL(sim.url).host;
const ports = () => ['', 'v2', sim.projectId, 'ports'];
const statistics = () => ['', 'v5', sim.projectId, 'asset', 'port', 'statistics'];
const openPorts = () => ['', 'v5', sim.projectId, 'asset', 'ports'];
const MINUTE = 60_000;

const REFUSED = {
  error_code: 'APIGW.0301',
  error_msg: 'Incorrect IAM authentication information: verify aksk signature fail',
  request_id: expect.stringMatching(/^[0-9a-f]{32}$/),
};

async function expectRefused(path: string, headers: Record<string, string>, reason: RegExp): Promise<void> {
  const reply = await get(sim, path, headers);
  expect(reply.status).toBe(401);
  expect(reply.json()).toEqual(REFUSED);
  expect(reply.headers['x-sim-reason']).toMatch(reason);
  expect(sim.log.at(-1)).not.toHaveProperty('principal');
}

describe('AK/SK signatures on the ports API and HSS', () => {
  it('accepts a signed request on every Huawei route, logged as aksk with the AK', async () => {
    const id = sim.fleet.special.dualStackServerId;
    const cases: Array<[string[], Array<[string, string]>]> = [
      [ports(), [['limit', '2'], ['is_used', 'true']]],
      [openPorts(), [['host_id', id], ['limit', '20']]],
      [statistics(), []],
    ];
    for (const [segments, query] of cases) {
      const toSign = { Host: host(), 'X-Project-Id': sim.projectId };
      const headers = sign({ segments, query, headers: toSign, date: sdkDate() });
      const qs = query.map(([n, v]) => `${n}=${v}`).join('&');
      const reply = await get(sim, `${segments.join('/')}${qs ? `?${qs}` : ''}`, headers);
      expect(reply.status, segments.join('/')).toBe(200);
      expect(sim.log.at(-1)).toMatchObject({ auth: 'aksk', credential: DEMO_AKSK.ak, principal: DEMO_AKSK.ak });
    }
    expect((await get(sim, `${ports().join('/')}?limit=2`, {})).status).toBe(401);
  });

  it('recomputes from the raw path and query: any encoding and order of the same values verifies', async () => {
    const query: Array<[string, string]> = [
      ['limit', '1'],
      ['x', 'a b'],
      ['x', 'é'],
      ['y', "*!'()"],
      ['empty', ''],
    ];
    const headers = sign({ segments: ports(), query, headers: { Host: host() }, date: sdkDate() });
    const sent = [
      `/v2/${sim.projectId}/ports?y=%2A%21%27%28%29&x=%c3%a9&limit=1&x=a%20b&empty=`,
      `/v2/%30${sim.projectId.slice(1)}/ports?empty&x=a%20b&limit=1&y=*!'()&x=%C3%A9`,
    ];
    for (const path of sent) expect((await get(sim, path, headers)).status, path).toBe(200);
  });

  it('accepts the second configured key and signatures by the official Huawei SDK signer', async () => {
    const second = sign({
      segments: ports(),
      query: [['limit', '1']],
      headers: { Host: host() },
      date: sdkDate(),
      ak: 'SECONDACCESSKEY00002',
      sk: 'second-secret',
    });
    expect((await get(sim, `${ports().join('/')}?limit=1`, second)).status).toBe(200);
    expect(sim.log.at(-1)?.principal).toBe('SECONDACCESSKEY00002');

    const path = ports().join('/');
    const signed = AKSKSigner.sign(
      {
        endpoint: `${sim.url}${path}`,
        method: 'GET',
        headers: { 'X-Project-Id': sim.projectId },
        queryParams: { limit: '3', is_used: 'false' },
      },
      { getAk: () => DEMO_AKSK.ak, getSk: () => DEMO_AKSK.sk } as never,
    ) as Record<string, string>;
    const reply = await get(sim, `${path}?limit=3&is_used=false`, signed);
    expect(reply.status).toBe(200);
    expect(reply.json().ports).toHaveLength(3);
  });

  it('refuses a tampered query', async () => {
    const headers = sign({ segments: ports(), query: [['limit', '1']], headers: { Host: host() }, date: sdkDate() });
    await expectRefused(`${ports().join('/')}?limit=2000`, headers, /wrong signature/);
    await expectRefused(`${ports().join('/')}?limit=1&is_used=true`, headers, /wrong signature/);
  });

  it('refuses a tampered signed header', async () => {
    const signed = sign({
      segments: ports(),
      headers: { Host: host(), 'X-Project-Id': sim.projectId },
      date: sdkDate(),
    });
    await expectRefused(ports().join('/'), { ...signed, 'X-Project-Id': 'another-project' }, /wrong signature/);
    // Signed for another host; undici sends the real one.
    const { Host: signedHost, ...elsewhere } = sign({
      segments: ports(),
      headers: { Host: 'ports.example.com' },
      date: sdkDate(),
    });
    expect(signedHost).toBe('ports.example.com');
    await expectRefused(ports().join('/'), elsewhere, /wrong signature/);
  });

  it('refuses an X-Sdk-Date more than 15 minutes away from the server clock', async () => {
    for (const offset of [-16 * MINUTE, 16 * MINUTE]) {
      const headers = sign({ segments: statistics(), headers: { Host: host() }, date: sdkDate(offset) });
      await expectRefused(statistics().join('/'), headers, /15 minutes/);
    }
    for (const offset of [-14 * MINUTE, 14 * MINUTE]) {
      const headers = sign({ segments: statistics(), headers: { Host: host() }, date: sdkDate(offset) });
      expect((await get(sim, statistics().join('/'), headers)).status).toBe(200);
    }
    const unparsable = sign({ segments: statistics(), headers: { Host: host() }, date: '2024-01-02T03:04:05Z' });
    await expectRefused(statistics().join('/'), unparsable, /YYYYMMDDTHHMMSSZ/);
  });

  it('refuses a signed-header list without host or x-sdk-date', async () => {
    // Signing with Host left out of the list (undici still sends it).
    const noHost = sign({ segments: ports(), headers: {}, date: sdkDate() });
    await expectRefused(ports().join('/'), noHost, /lacks host/);
    const noDate = sign({ segments: ports(), headers: { Host: host() }, date: sdkDate() });
    const auth = (noDate.Authorization ?? '').replace('SignedHeaders=host;x-sdk-date', 'SignedHeaders=host');
    await expectRefused(ports().join('/'), { ...noDate, Authorization: auth }, /lacks x-sdk-date/);
  });

  it('refuses an unknown AK, the wrong SK and a malformed Authorization header', async () => {
    const base = { segments: ports(), headers: { Host: host() }, date: sdkDate() };
    await expectRefused(ports().join('/'), sign({ ...base, ak: 'UNKNOWNACCESSKEY0000' }), /unknown AK/);
    expect(sim.log.at(-1)).toMatchObject({ auth: 'aksk', credential: 'UNKNOWNACCESSKEY0000', status: 401 });
    await expectRefused(ports().join('/'), sign({ ...base, sk: 'not-the-secret' }), /wrong signature/);
    const malformed = { ...sign(base), Authorization: 'SDK-HMAC-SHA256 Access=PGSIMDEMOACCESSKEY01' };
    await expectRefused(ports().join('/'), malformed, /malformed/);
  });

  it('prefers the signature to an X-Auth-Token sent alongside it', async () => {
    const bad = sign({ segments: ports(), headers: { Host: host() }, date: sdkDate(), sk: 'wrong' });
    await expectRefused(ports().join('/'), { ...bad, 'x-auth-token': 'demo-os-token' }, /wrong signature/);
  });

  it('is not accepted by Nova, which only knows Keystone tokens', async () => {
    const segments = ['', 'v2.1', sim.projectId, 'servers', 'detail'];
    const reply = await get(sim, segments.join('/'), sign({ segments, headers: { Host: host() }, date: sdkDate() }));
    expect(reply.status).toBe(401);
    expect(reply.json().error.code).toBe(401);
  });
});

describe('verifyAkSk', () => {
  // Canonical request written out in full; its signature computed outside this code base with
  //   printf '<canonical request>' | sha256sum, then
  //   printf 'SDK-HMAC-SHA256\n20240102T030405Z\n<hash>' | openssl dgst -sha256 -hmac SecretKey
  const CANONICAL_REQUEST = [
    'GET',
    '/v2/0c7a5f2e9b4d4e6f8a1b3c5d7e9f1a2b/ports/',
    'is_used=true&limit=2&subnet_id=abc',
    'host:127.0.0.1:4010',
    'x-project-id:0c7a5f2e9b4d4e6f8a1b3c5d7e9f1a2b',
    'x-sdk-date:20240102T030405Z',
    '',
    'host;x-project-id;x-sdk-date',
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  ].join('\n');
  const SIGNATURE = '4a82d4752b37fdffab6ca875a0878185f278ba01eddc0df8b971e76448f5ccea';
  const AT = Date.UTC(2024, 0, 2, 3, 4, 5);
  const request = (overrides: { rawQuery?: string; body?: string; method?: string } = {}) => ({
    method: overrides.method ?? 'GET',
    rawPath: '/v2/0c7a5f2e9b4d4e6f8a1b3c5d7e9f1a2b/ports',
    rawQuery: overrides.rawQuery ?? 'subnet_id=abc&limit=2&is_used=true',
    headers: {
      host: '127.0.0.1:4010',
      'x-project-id': '0c7a5f2e9b4d4e6f8a1b3c5d7e9f1a2b',
      'x-sdk-date': '20240102T030405Z',
      authorization:
        `SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-project-id;x-sdk-date, Signature=${SIGNATURE}`,
    },
    body: Buffer.from(overrides.body ?? ''),
  });
  const secretOf = (ak: string) => (ak === 'AccessKey' ? 'SecretKey' : undefined);

  it('matches a signature computed independently with openssl', () => {
    expect(sha256(CANONICAL_REQUEST)).toBe('a046d2e11a570419e3201752e6b290a12ba9602a9f0c8f5af1cf2d8a0d3a3567');
    expect(verifyAkSk(request(), secretOf, AT)).toEqual({ ok: true, ak: 'AccessKey' });
    expect(verifyAkSk(request(), secretOf, AT + 15 * MINUTE)).toEqual({ ok: true, ak: 'AccessKey' });
  });

  it('fails for a changed query, body or method, and past 15 minutes', () => {
    const fail = { ok: false, ak: 'AccessKey', reason: expect.any(String) };
    expect(verifyAkSk(request({ rawQuery: 'subnet_id=abc&limit=3&is_used=true' }), secretOf, AT)).toEqual(fail);
    expect(verifyAkSk(request({ body: '{}' }), secretOf, AT)).toEqual(fail);
    expect(verifyAkSk(request({ method: 'POST' }), secretOf, AT)).toEqual(fail);
    expect(verifyAkSk(request(), secretOf, AT + 15 * MINUTE + 1000)).toEqual(fail);
  });
});
