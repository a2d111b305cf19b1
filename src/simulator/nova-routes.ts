import { json, keystoneUnauthorized, novaFault } from './envelopes.js';
import type { SimServer } from './fleet.js';
import { parseInteger } from './query.js';
import type { Identity } from './identity.js';
import type { AuthResult, RequestInfo, RouteContext } from './routes.js';
import type { Answer } from './types.js';

/** Nova's `[api] max_limit`: the default page size and the cap on `limit`. */
const MAX_LIMIT = 1000;

/** keystonemiddleware answers the same 401 for a missing, unknown or expired token. */
export function authorizeNova(req: RequestInfo, identity: Identity): AuthResult {
  const token = req.headers['x-auth-token'];
  const check = typeof token === 'string' ? identity.checkToken(token, req.now) : undefined;
  return check?.ok ? { principal: check.principal } : { refused: keystoneUnauthorized(req.baseUrl) };
}

/** `GET /v2.1/{project}/servers/detail`: marker paging with a next link whenever the page is full. */
export function listServersDetail(ctx: RouteContext): Answer {
  const { fleet, serverPosition } = ctx.index;
  const { limit: rawLimit, marker } = ctx.query;
  const maxLimit = ctx.novaMaxLimit ?? MAX_LIMIT;
  let limit = maxLimit;
  if (rawLimit !== undefined) {
    const n = parseInteger(rawLimit);
    if (n === undefined || n < 0) {
      const message = `Invalid input for query parameters limit. Value: ${rawLimit}.`;
      return novaFault(400, `${message} '${rawLimit}' does not match '^[0-9]*$'`);
    }
    limit = Math.min(n, maxLimit);
  }
  let start = 0;
  if (marker !== undefined) {
    const position = serverPosition.get(marker);
    if (position === undefined) return novaFault(400, `marker [${marker}] not found`);
    start = position + 1;
  }

  const page = fleet.servers.slice(start, start + limit);
  const body: { servers: unknown[]; servers_links?: Array<{ rel: string; href: string }> } = {
    servers: page.map((s) => renderServer(s, ctx)),
  };
  const last = page[page.length - 1];
  // Nova links whenever the page is full, so a walk can end on an empty page.
  if (last !== undefined && page.length === limit) {
    const href = `${projectUrl(ctx)}/servers/detail?limit=${limit}&marker=${last.id}`;
    body.servers_links = [{ rel: 'next', href }];
  }
  return json(200, body);
}

/** `GET /v2.1/{project}/servers/{id}`. */
export function showServer(ctx: RouteContext): Answer {
  const server = findServer(ctx);
  return server === undefined ? serverNotFound(ctx) : json(200, { server: renderServer(server, ctx) });
}

/** `GET /v2.1/{project}/servers/{id}/os-interface`. */
export function listInterfaces(ctx: RouteContext): Answer {
  const server = findServer(ctx);
  return server === undefined ? serverNotFound(ctx) : json(200, { interfaceAttachments: server.interfaces });
}

function findServer(ctx: RouteContext): SimServer | undefined {
  const position = ctx.index.serverPosition.get(ctx.params.id ?? '');
  return position === undefined ? undefined : ctx.index.fleet.servers[position];
}

function serverNotFound(ctx: RouteContext): Answer {
  return novaFault(404, `Instance ${ctx.params.id ?? ''} could not be found.`);
}

function projectUrl(ctx: RouteContext): string {
  return `${ctx.baseUrl}/v2.1/${ctx.index.fleet.projectId}`;
}

const VM_STATES: Record<string, { vm: string; power: number; task: string | null }> = {
  ACTIVE: { vm: 'active', power: 1, task: null },
  SHUTOFF: { vm: 'stopped', power: 4, task: null },
  PAUSED: { vm: 'paused', power: 3, task: null },
  BUILD: { vm: 'building', power: 0, task: 'spawning' },
  ERROR: { vm: 'error', power: 0, task: null },
};

/** A server as `servers/detail` and `servers/{id}` show it at microversion 2.1. */
function renderServer(s: SimServer, ctx: RouteContext): Record<string, unknown> {
  const project = ctx.index.fleet.projectId;
  const bookmark = `${ctx.baseUrl}/${project}`;
  const state = VM_STATES[s.status] ?? { vm: s.status.toLowerCase(), power: 0, task: null };
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    tenant_id: s.tenant_id,
    user_id: s.user_id,
    metadata: s.metadata,
    hostId: s.status === 'BUILD' ? '' : s.hostId,
    image: { id: s.imageId, links: [{ rel: 'bookmark', href: `${bookmark}/images/${s.imageId}` }] },
    flavor: { id: s.flavorId, links: [{ rel: 'bookmark', href: `${bookmark}/flavors/${s.flavorId}` }] },
    created: s.created,
    updated: s.updated,
    addresses: addresses(s, ctx),
    accessIPv4: '',
    accessIPv6: '',
    links: [
      { rel: 'self', href: `${projectUrl(ctx)}/servers/${s.id}` },
      { rel: 'bookmark', href: `${bookmark}/servers/${s.id}` },
    ],
    'OS-DCF:diskConfig': 'MANUAL',
    progress: 0,
    'OS-EXT-AZ:availability_zone': s.availability_zone,
    config_drive: '',
    key_name: s.key_name,
    'OS-SRV-USG:launched_at': s.status === 'BUILD' ? null : `${s.created.slice(0, -1)}.000000`,
    'OS-SRV-USG:terminated_at': null,
    ...(s.interfaces.length > 0 && { security_groups: [{ name: 'default' }] }),
    'OS-EXT-STS:task_state': state.task,
    'OS-EXT-STS:vm_state': state.vm,
    'OS-EXT-STS:power_state': state.power,
    'os-extended-volumes:volumes_attached': [],
    ...(s.status === 'ERROR' && {
      fault: {
        code: 500,
        created: s.updated,
        message: 'No valid host was found. There are not enough hosts available.',
      },
    }),
  };
}

type Address = { version: 4 | 6; addr: string; 'OS-EXT-IPS:type': 'fixed'; 'OS-EXT-IPS-MAC:mac_addr': string };

function addresses(s: SimServer, ctx: RouteContext): Record<string, Address[]> {
  const out: Record<string, Address[]> = {};
  for (const nic of s.interfaces) {
    const name = ctx.index.networkNames.get(nic.net_id ?? '') ?? nic.net_id ?? 'unknown';
    const list = (out[name] ??= []);
    for (const ip of nic.fixed_ips ?? []) {
      list.push({
        version: ip.ip_address.includes(':') ? 6 : 4,
        addr: ip.ip_address,
        'OS-EXT-IPS:type': 'fixed',
        'OS-EXT-IPS-MAC:mac_addr': nic.mac_addr ?? '',
      });
    }
  }
  return out;
}
