import { UpstreamError } from './errors.js';
import { buildUrl } from './http.js';
import type { CallScope, Http } from './http.js';
import type { VpcPort, VpcPortQuery } from './records.js';
import { checkRange, decodeBody, each, fixedIps, object, optionalFields, optionals, requireNonEmpty, string, type Path } from './shape.js';

/** The ports API's largest page (and its default). */
export const VPC_MAX_LIMIT = 2000;

export interface VpcClientOptions {
  /** `VPC_URL`; the documented path `/v2/{project}/ports` is appended. */
  baseUrl: string;
  projectId: string;
  http: Http;
}

export interface ListAllPortsOptions {
  /** Called after each full page with every port so far; true stops the walk there. */
  stopWhen?: (seen: VpcPort[]) => boolean;
}

/** The Huawei ports API (`GET /v2/{project}/ports`), named `vpc` in errors. */
export class VpcClient {
  readonly #baseUrl: string;
  readonly #projectId: string;
  readonly #http: Http;

  constructor(options: VpcClientOptions) {
    this.#baseUrl = new URL(options.baseUrl).href;
    this.#projectId = requireNonEmpty('projectId', options.projectId);
    this.#http = options.http;
  }

  /** One page; `limit` 1–2000. */
  async listPorts(scope: CallScope, query: VpcPortQuery): Promise<VpcPort[]> {
    checkRange('limit', query.limit, 1, VPC_MAX_LIMIT);
    const url = buildUrl(this.#baseUrl, '/v2/{project}/ports', { project: this.#projectId }, {
      marker: query.marker,
      limit: query.limit,
      ip_address: query.ip_address,
      subnet_id: query.subnet_id,
      is_used: query.is_used,
    });
    const { status, json } = await this.#http.getJson('vpc', { url, scope });
    return decodeBody('vpc', status, json, (value) => each(object(value, 'body').ports, 'ports', port));
  }

  /** Pages of 2000 until a shorter page (the API gives no total and no links), or until `stopWhen`. */
  async listAllPorts(
    scope: CallScope,
    filter: Omit<VpcPortQuery, 'marker' | 'limit'>,
    options?: ListAllPortsOptions,
  ): Promise<{ ports: VpcPort[]; calls: number }> {
    const ports: VpcPort[] = [];
    let calls = 0;
    let marker: string | undefined;
    for (;;) {
      const page = await this.listPorts(scope, {
        ip_address: filter.ip_address,
        subnet_id: filter.subnet_id,
        is_used: filter.is_used,
        marker,
        limit: VPC_MAX_LIMIT,
      });
      calls++;
      for (const p of page) ports.push(p);
      if (page.length < VPC_MAX_LIMIT || options?.stopWhen?.(ports)) return { ports, calls };
      const last = page[page.length - 1]?.id;
      if (last === marker) throw markerLoop();
      marker = last;
    }
  }
}

const PORT_OPTIONALS = optionalFields(['status', 'network_id', 'device_id'], { fixed_ips: fixedIps });

function port(value: unknown, path: Path): VpcPort {
  const record = object(value, path);
  string(record.id, path, 'id');
  return optionals(record, path, PORT_OPTIONALS) as unknown as VpcPort;
}

function markerLoop(): UpstreamError {
  return new UpstreamError({
    source: 'vpc',
    code: 'UPSTREAM_BAD_RESPONSE',
    message: 'vpc served the same page twice (its last port id did not move on)',
    retryable: false,
  });
}
