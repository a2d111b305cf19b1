import type { HssOpenPort, HssPortStatistic, VpcPort } from '../sources/records.js';
import { isSdkSigned, verifyAkSk } from './aksk-verify.js';
import { apigTokenExpired, apigUnauthorized, huaweiBadRequest, json, rawJson } from './envelopes.js';
import type { Identity } from './identity.js';
import { firstAfter, jsonArray, rangedInt } from './query.js';
import type { AuthResult, RequestInfo, RouteContext } from './routes.js';
import type { Answer } from './types.js';

const PORTS_LIMIT = { fallback: 2000, min: 1, max: 2000 };
const HSS_LIMIT = { fallback: 10, min: 10, max: 200 };
const HSS_MAX_OFFSET = 2_000_000;

function invalid(source: 'vpc' | 'hss', name: string, rule: string, value: string | undefined): Answer {
  return huaweiBadRequest(source, `Invalid parameter: ${name} must be ${rule}, got '${value ?? ''}'`);
}

/**
 * The API gateway takes an AK/SK signature when `Authorization` carries one, else `X-Auth-Token`.
 * A refused signature says why in `x-sim-reason` (the real gateway hints with its canonical request).
 */
export function authorizeHuawei(req: RequestInfo, identity: Identity): AuthResult {
  if (isSdkSigned(req.headers.authorization)) {
    const verdict = verifyAkSk(req, (ak) => identity.secretOf(ak), req.now);
    if (verdict.ok) return { principal: verdict.ak };
    const refused = apigUnauthorized('verify aksk signature fail');
    return { refused: { ...refused, headers: { ...refused.headers, 'x-sim-reason': verdict.reason } } };
  }
  const token = req.headers['x-auth-token'];
  if (typeof token !== 'string' || token === '') return { refused: apigUnauthorized('x-auth-token not found') };
  const check = identity.checkToken(token, req.now);
  if (check.ok) return { principal: check.principal };
  return { refused: check.expired ? apigTokenExpired() : apigUnauthorized('decrypt token fail') };
}

/** `GET /v2/{project}/ports`: ports with id > marker, in id order; no links, no total. */
export function listPorts(ctx: RouteContext): Answer {
  const q = ctx.query;
  const limit = rangedInt(q.limit, PORTS_LIMIT.fallback, PORTS_LIMIT.min, PORTS_LIMIT.max);
  if (limit === undefined) return invalid('vpc', 'limit', 'an integer from 1 to 2000', q.limit);
  let isUsed: boolean | undefined;
  if (q.is_used !== undefined) {
    const v = q.is_used.toLowerCase();
    if (v !== 'true' && v !== 'false') return invalid('vpc', 'is_used', 'true or false', q.is_used);
    isUsed = v === 'true';
  }

  const index = ctx.index.ports;
  const candidates: number[][] = [index.all];
  const tests: Array<(p: VpcPort) => boolean> = [];
  const { ip_address: ip, subnet_id: subnet } = q;
  if (ip !== undefined) {
    candidates.push(index.byIp.get(ip) ?? []);
    tests.push((p) => (p.fixed_ips ?? []).some((f) => f.ip_address === ip));
  }
  if (subnet !== undefined) {
    candidates.push(index.bySubnet.get(subnet) ?? []);
    tests.push((p) => (p.fixed_ips ?? []).some((f) => f.subnet_id === subnet));
  }
  if (isUsed !== undefined) {
    candidates.push(isUsed ? index.used : index.unused);
    tests.push((p) => Boolean(p.device_id) === isUsed);
  }
  // Walk the shortest candidate list from the marker and check the other filters on the way.
  const positions = candidates.reduce((a, b) => (b.length < a.length ? b : a));
  const page: string[] = [];
  for (let k = q.marker === undefined ? 0 : firstAfter(positions, index.ids, q.marker); k < positions.length; k++) {
    const i = positions[k] ?? 0;
    const port = index.ports[i];
    if (port === undefined || !tests.every((t) => t(port))) continue;
    page.push(index.json[i] ?? '');
    if (page.length === limit) break;
  }
  return rawJson(200, `{"ports":${jsonArray(page)}}`);
}

interface HssPaging {
  limit: number;
  offset: number;
}

function hssPaging(q: Record<string, string>): HssPaging | Answer {
  const limit = rangedInt(q.limit, HSS_LIMIT.fallback, HSS_LIMIT.min, HSS_LIMIT.max);
  if (limit === undefined) return invalid('hss', 'limit', 'an integer from 10 to 200', q.limit);
  const offset = rangedInt(q.offset, 0, 0, HSS_MAX_OFFSET);
  if (offset === undefined) return invalid('hss', 'offset', 'an integer from 0 to 2000000', q.offset);
  return { limit, offset };
}

/** Shared `port`, `type`, `status`, `category` filters; an Answer when one is invalid. */
function hssFilters(q: Record<string, string>): Array<(r: HssOpenPort | HssPortStatistic) => boolean> | Answer {
  const category = q.category ?? 'host';
  if (category !== 'host' && category !== 'container') {
    return invalid('hss', 'category', 'host or container', category);
  }
  // Every simulated listener belongs to a host process, none to a container.
  const tests: Array<(r: HssOpenPort | HssPortStatistic) => boolean> = category === 'container' ? [() => false] : [];
  if (q.port !== undefined) {
    const port = rangedInt(q.port, 0, 1, 65535);
    if (port === undefined) return invalid('hss', 'port', 'an integer from 1 to 65535', q.port);
    tests.push((r) => r.port === port);
  }
  if (q.type !== undefined) {
    const type = q.type.toUpperCase();
    tests.push((r) => r.type.toUpperCase() === type);
  }
  if (q.status !== undefined) {
    const status = normalizeStatus(q.status);
    tests.push((r) => normalizeStatus(r.status ?? '') === status);
  }
  return tests;
}

/** HSS spells it `unknow` in payloads and `unknown` in newer docs: accept both. */
function normalizeStatus(status: string): string {
  const s = status.toLowerCase();
  return s === 'unknown' ? 'unknow' : s;
}

const isAnswer = (x: object): x is Answer => 'status' in x && 'body' in x;

function hssPage(total: number, items: readonly string[]): Answer {
  return rawJson(200, `{"total_num":${total},"data_list":${jsonArray(items)}}`);
}

/** `GET /v5/{project}/asset/ports`: the open ports of one server, offset-paged in a stable order. */
export function listOpenPorts(ctx: RouteContext): Answer {
  const q = ctx.query;
  if (!q.host_id) return huaweiBadRequest('hss', 'Invalid parameter: host_id is required');
  const paging = hssPaging(q);
  if (isAnswer(paging)) return paging;
  const tests = hssFilters(q);
  if (!Array.isArray(tests)) return tests;

  const list = ctx.index.openPorts.get(q.host_id);
  if (list === undefined) return json(200, { total_num: 0, data_list: [] });
  const end = paging.offset + paging.limit;
  if (tests.length === 0) return hssPage(list.records.length, list.json.slice(paging.offset, end));
  const matching: string[] = [];
  list.records.forEach((r, i) => {
    if (tests.every((t) => t(r))) matching.push(list.json[i] ?? '');
  });
  return hssPage(matching.length, matching.slice(paging.offset, end));
}

/** `GET /v5/{project}/asset/port/statistics`: per (port, type) the number of servers. */
export function listPortStatistics(ctx: RouteContext): Answer {
  const q = ctx.query;
  const paging = hssPaging(q);
  if (isAnswer(paging)) return paging;
  const tests = hssFilters(q);
  if (!Array.isArray(tests)) return tests;
  if (q.sort_key !== undefined && q.sort_key !== 'port') {
    return invalid('hss', 'sort_key', 'port', q.sort_key);
  }
  const dir = q.sort_dir ?? 'asc';
  if (dir !== 'asc' && dir !== 'desc') return invalid('hss', 'sort_dir', 'asc or desc', dir);
  // Fuzzy match; with `port` as well both must hold, which is "exact if they overlap, else empty".
  const fuzzy = q.port_string;
  if (fuzzy !== undefined) tests.push((r) => String(r.port).includes(fuzzy));

  const all = ctx.index.statistics[dir];
  const matching = tests.length === 0 ? all : all.filter((r) => tests.every((t) => t(r)));
  const page = matching.slice(paging.offset, paging.offset + paging.limit);
  return hssPage(matching.length, page.map((s) => JSON.stringify(s)));
}
