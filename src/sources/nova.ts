import { UpstreamError, isUpstreamError } from './errors.js';
import { buildUrl } from './http.js';
import type { CallScope, Http, HttpResponse } from './http.js';
import type { NovaInterfaceAttachment, NovaServer, NovaServerPage } from './records.js';
import {
  ShapeError,
  checkRange,
  decodeBody,
  each,
  fixedIps,
  object,
  optionalFields,
  optionals,
  requireNonEmpty,
  string,
  type Path,
} from './shape.js';

/** Nova's default `[api] max_limit`: the largest page it serves. */
export const NOVA_MAX_LIMIT = 1000;

export interface NovaClientOptions {
  /** `NOVA_URL`; the documented paths `/v2.1/{project}/…` are appended. */
  baseUrl: string;
  projectId: string;
  http: Http;
}

export class NovaClient {
  readonly #baseUrl: string;
  readonly #projectId: string;
  readonly #http: Http;

  constructor(options: NovaClientOptions) {
    this.#baseUrl = new URL(options.baseUrl).href;
    this.#projectId = requireNonEmpty('projectId', options.projectId);
    this.#http = options.http;
  }

  /** `GET servers/detail`: one page; `nextMarker` from the `servers_links` rel=next. */
  async listServersDetail(
    scope: CallScope,
    query: { marker?: string; limit?: number },
  ): Promise<NovaServerPage> {
    checkRange('limit', query.limit, 1, NOVA_MAX_LIMIT);
    const { status, json } = await this.#get(scope, '/v2.1/{project}/servers/detail', {}, {
      limit: query.limit,
      marker: query.marker,
    });
    return decodeBody('nova', status, json, serverPage);
  }

  /**
   * Every server, in pages of 1000 (Nova may cap them lower), or until `stopWhen` says enough. Nova
   * links a next page whenever a page is full, so the last may be empty.
   */
  async listAllServers(
    scope: CallScope,
    options?: { stopWhen?: (seen: NovaServer[]) => boolean },
  ): Promise<{ servers: NovaServer[]; calls: number }> {
    const servers: NovaServer[] = [];
    const seen = new Set<string>();
    let calls = 0;
    let marker: string | undefined;
    do {
      const page = await this.listServersDetail(scope, { marker, limit: NOVA_MAX_LIMIT });
      calls++;
      for (const server of page.servers) servers.push(server);
      marker = page.nextMarker;
      if (marker !== undefined && seen.has(marker)) throw markerLoop();
      if (marker !== undefined) seen.add(marker);
    } while (marker !== undefined && options?.stopWhen?.(servers) !== true);
    return { servers, calls };
  }

  /** `GET servers/{id}`; null when Nova answers 404. */
  async getServer(scope: CallScope, id: string): Promise<NovaServer | null> {
    let response: HttpResponse;
    try {
      response = await this.#get(scope, '/v2.1/{project}/servers/{id}', { id });
    } catch (error) {
      if (isUpstreamError(error) && error.status === 404) return null;
      throw error;
    }
    return decodeBody('nova', response.status, response.json, (json) => {
      const body = object(json, 'body');
      return server(body.server, 'server');
    });
  }

  /** `GET servers/{id}/os-interface`; a missing server is an `UpstreamError` NOT_FOUND. */
  async listInterfaces(scope: CallScope, serverId: string): Promise<NovaInterfaceAttachment[]> {
    return this.#get(scope, '/v2.1/{project}/servers/{id}/os-interface', { id: serverId }).then(({ status, json }) =>
      decodeBody('nova', status, json, (value) => {
        const body = object(value, 'body');
        return each(body.interfaceAttachments, 'interfaceAttachments', interfaceAttachment);
      }),
    );
  }

  #get(
    scope: CallScope,
    template: string,
    params: Record<string, string>,
    query?: Record<string, string | number | undefined>,
  ): Promise<HttpResponse> {
    const url = buildUrl(this.#baseUrl, template, { project: this.#projectId, ...params }, query);
    return this.#http.getJson('nova', { url, scope });
  }
}

const SERVER_OPTIONALS = optionalFields(['name', 'status', 'tenant_id', 'created', 'updated']);

function server(value: unknown, path: Path): NovaServer {
  const record = object(value, path);
  string(record.id, path, 'id');
  return optionals(record, path, SERVER_OPTIONALS) as unknown as NovaServer;
}

function serverPage(json: unknown): NovaServerPage {
  const body = object(json, 'body');
  const servers = each(body.servers, 'servers', server);
  const links = body.servers_links == null ? [] : each(body.servers_links, 'servers_links', link);
  const next = links.find((l) => l.rel === 'next');
  return { servers, nextMarker: next === undefined ? undefined : markerOf(next.href) };
}

function link(value: unknown, path: Path): { rel: string; href: string } {
  const record = object(value, path);
  return { rel: string(record.rel, path, 'rel'), href: string(record.href, path, 'href') };
}

function markerOf(href: string): string {
  let marker: string | null;
  try {
    marker = new URL(href, 'http://relative.invalid').searchParams.get('marker');
  } catch {
    throw new ShapeError('servers_links next href is not a URL');
  }
  if (!marker) throw new ShapeError('servers_links next href has no marker');
  return marker;
}

const ATTACHMENT_OPTIONALS = optionalFields(['mac_addr', 'net_id', 'port_state']);

function interfaceAttachment(value: unknown, path: Path): NovaInterfaceAttachment {
  const record = object(value, path);
  string(record.port_id, path, 'port_id');
  // Nova's schema allows `fixed_ips: null` and `tag: null`: kept as null, the record type says so.
  if (record.fixed_ips != null) fixedIps(record.fixed_ips, path, 'fixed_ips');
  if (record.tag != null) string(record.tag, path, 'tag');
  return optionals(record, path, ATTACHMENT_OPTIONALS) as unknown as NovaInterfaceAttachment;
}

function markerLoop(): UpstreamError {
  return new UpstreamError({
    source: 'nova',
    code: 'UPSTREAM_BAD_RESPONSE',
    message: 'nova linked a page it had already served (repeated marker)',
    retryable: false,
  });
}
