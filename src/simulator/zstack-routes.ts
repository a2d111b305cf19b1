import { rawJson, text, zstackError } from './envelopes.js';
import type { RouteContext } from './routes.js';
import type { Answer } from './types.js';

/** The session of `Authorization: OAuth <session>`, or undefined for any other header. */
export function oauthSession(header: string | undefined): string | undefined {
  const value = header?.trim();
  return value?.startsWith('OAuth') ? value.slice('OAuth'.length).trim() : undefined;
}

/** ZStack's REST server answers framework failures in plain text, session failures as 503 ID.1001. */
export function authorizeZstack(ctx: RouteContext): Answer | undefined {
  const header = ctx.headers.authorization;
  if (header === undefined) return text(400, "missing header 'Authorization'");
  const session = oauthSession(header);
  if (session === undefined) return text(400, "Authorization type must be 'OAuth'");
  if (ctx.zstackSessions.has(session)) return undefined;
  return zstackError('ID.1001', 'Session expired', `Session[uuid:${session}] expired or does not exist`);
}

/** `GET /zstack/v1/vips/{uuid}/usedports?protocol=TCP|UDP`. Fields are validated in declaration order. */
export function getVipUsedPorts(ctx: RouteContext): Answer {
  const uuid = ctx.params.uuid ?? '';
  const bodies = ctx.index.usedPorts.get(uuid);
  if (bodies === undefined) {
    const details = `invalid field[uuid], resource[uuid:${uuid}, type:VipVO] not found`;
    return zstackError('SYS.1003', 'Resource not found', details);
  }
  const protocol = ctx.query.protocol;
  if (protocol === undefined) {
    return zstackError(
      'SYS.1007',
      'One or more API argument is invalid',
      'field[protocol] of message[APIGetVipUsedPortsMsg] is mandatory, can not be null',
    );
  }
  if (protocol !== 'TCP' && protocol !== 'UDP') {
    return zstackError(
      'SYS.1007',
      'One or more API argument is invalid',
      `valid value for field[protocol] of APIGetVipUsedPortsMsg are [TCP, UDP], but ${protocol} found`,
    );
  }
  return rawJson(200, bodies[protocol]);
}
