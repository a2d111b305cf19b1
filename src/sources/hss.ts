import { buildUrl } from './http.js';
import type { CallScope, Http } from './http.js';
import type { HssOpenPort, HssPage, HssPortStatistic, HssStatisticsQuery } from './records.js';
import { checkRange, decodeBody, each, integer, object, optionalFields, optionals, requireNonEmpty, string, type Path } from './shape.js';

export const HSS_MIN_LIMIT = 10;
export const HSS_MAX_LIMIT = 200;
export const HSS_MAX_OFFSET = 2_000_000;

const OPEN_PORTS_PATH = '/v5/{project}/asset/ports';

export interface HssClientOptions {
  /** `HSS_URL`; the documented paths `/v5/{project}/asset/…` are appended. */
  baseUrl: string;
  projectId: string;
  http: Http;
}

/** Query of `GET /v5/{project}/asset/ports`. `limit` 10–200, `offset` 0–2,000,000. */
export interface HssOpenPortQuery {
  host_id: string;
  offset?: number;
  limit?: number;
  port?: number;
  type?: string;
  status?: string;
  category?: string;
  enterprise_project_id?: string;
}

type Query = Record<string, string | number | undefined>;

export class HssClient {
  readonly #baseUrl: string;
  readonly #projectId: string;
  readonly #http: Http;

  constructor(options: HssClientOptions) {
    this.#baseUrl = new URL(options.baseUrl).href;
    this.#projectId = requireNonEmpty('projectId', options.projectId);
    this.#http = options.http;
  }

  /** `GET asset/ports`: one page of one host's open ports. */
  async listOpenPorts(scope: CallScope, query: HssOpenPortQuery): Promise<HssPage<HssOpenPort>> {
    checkPage(query);
    checkRange('port', query.port, 1, 65535);
    return this.#page(scope, OPEN_PORTS_PATH, openPort, {
      host_id: query.host_id,
      offset: query.offset,
      limit: query.limit,
      port: query.port,
      type: query.type,
      status: query.status,
      category: query.category,
      enterprise_project_id: query.enterprise_project_id,
    });
  }

  /** Every open port of one host: the first page, then all the rest at once, in offset order. */
  async listAllOpenPorts(scope: CallScope, hostId: string): Promise<HssOpenPort[]> {
    // Offsets from remainingOffsets and the largest limit are in range: no check per page.
    const pageAt = (offset: number) =>
      this.#page(scope, OPEN_PORTS_PATH, openPort, { host_id: hostId, offset, limit: HSS_MAX_LIMIT });
    return pageAt(0).then((first) => {
      const offsets = remainingOffsets(first.total_num);
      if (offsets.length === 0) return first.data_list;
      return Promise.all(offsets.map(pageAt)).then((rest) => [first, ...rest].flatMap((page) => page.data_list));
    });
  }

  /** `GET asset/port/statistics`: one page of per-(port, protocol) server counts. */
  async listPortStatistics(
    scope: CallScope,
    query: HssStatisticsQuery,
  ): Promise<HssPage<HssPortStatistic>> {
    checkPage(query);
    checkRange('port', query.port, 1, 65535);
    return this.#page(scope, '/v5/{project}/asset/port/statistics', portStatistic, {
      port: query.port,
      port_string: query.port_string,
      type: query.type,
      category: query.category,
      enterprise_project_id: query.enterprise_project_id,
      sort_key: query.sort_key,
      sort_dir: query.sort_dir,
      limit: query.limit,
      offset: query.offset,
    });
  }

  /** Called from async methods only, so that a URL that cannot be built rejects their promise. */
  #page<T>(scope: CallScope, template: string, item: (value: unknown, path: Path) => T, query: Query): Promise<HssPage<T>> {
    const url = buildUrl(this.#baseUrl, template, { project: this.#projectId }, query);
    return this.#http.getJson('hss', { url, scope }).then(({ status, json }) =>
      decodeBody('hss', status, json, (value) => {
        const body = object(value, 'body');
        const total = integer(body.total_num, 'total_num');
        return { ...body, total_num: total, data_list: each(body.data_list, 'data_list', item) };
      }),
    );
  }
}

function checkPage(query: { offset?: number; limit?: number }): void {
  checkRange('limit', query.limit, HSS_MIN_LIMIT, HSS_MAX_LIMIT);
  checkRange('offset', query.offset, 0, HSS_MAX_OFFSET);
}

/** Offsets of the pages after the first, as far as HSS lets an offset go. */
export function remainingOffsets(total: number, pageSize = HSS_MAX_LIMIT): number[] {
  const offsets: number[] = [];
  for (let offset = pageSize; offset < total && offset <= HSS_MAX_OFFSET; offset += pageSize) offsets.push(offset);
  return offsets;
}

const OPEN_PORT_OPTIONALS = optionalFields(['host_id', 'laddr', 'status', 'path', 'agent_id', 'container_id'], { pid: integer });

function openPort(value: unknown, path: Path): HssOpenPort {
  const record = object(value, path);
  integer(record.port, path, 'port');
  string(record.type, path, 'type');
  return optionals(record, path, OPEN_PORT_OPTIONALS) as unknown as HssOpenPort;
}

const STATISTIC_OPTIONALS = optionalFields(['status']);

function portStatistic(value: unknown, path: Path): HssPortStatistic {
  const record = object(value, path);
  integer(record.port, path, 'port');
  string(record.type, path, 'type');
  integer(record.num, path, 'num');
  return optionals(record, path, STATISTIC_OPTIONALS) as unknown as HssPortStatistic;
}
