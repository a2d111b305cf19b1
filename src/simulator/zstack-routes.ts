import { rawJson, text, zstackError, json } from './envelopes.js';
import type { Identity } from './identity.js';
import type { AuthResult, RequestInfo, RouteContext } from './routes.js';
import type { Answer } from './types.js';

/** The session of `Authorization: OAuth <session>`, or undefined for any other header. */
export function oauthSession(header: string | undefined): string | undefined {
  const value = header?.trim();
  return value?.startsWith('OAuth') ? value.slice('OAuth'.length).trim() : undefined;
}

/** ZStack's REST server answers framework failures in plain text, session failures as 503 ID.1001. */
export function authorizeZstack(req: RequestInfo, identity: Identity): AuthResult {
  const header = req.headers.authorization;
  if (header === undefined) return { refused: text(400, "missing header 'Authorization'") };
  const session = oauthSession(header);
  if (session === undefined) return { refused: text(400, "Authorization type must be 'OAuth'") };
  const principal = identity.checkSession(session, req.now);
  if (principal !== undefined) return { principal };
  return {
    refused: zstackError('ID.1001', 'Session expired', `Session[uuid:${session}] expired or does not exist`),
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `PUT /zstack/v1/accounts/login`: the password is the SHA-512 hex of the plaintext. */
export function logInByAccount(ctx: RouteContext): Answer {
  let value: unknown;
  try {
    value = JSON.parse(ctx.body.toString('utf8'));
  } catch {
    return text(400, 'the body is not valid JSON');
  }
  const msg = isRecord(value) ? value.logInByAccount : undefined;
  if (!isRecord(msg)) return text(400, "the body doesn't contain request mapping key[logInByAccount]");
  for (const field of ['accountName', 'password'] as const) {
    if (typeof msg[field] !== 'string') {
      return zstackError(
        'SYS.1007',
        'One or more API argument is invalid',
        `field[${field}] of message[APILogInByAccountMsg] is mandatory, can not be null`,
      );
    }
  }
  const name = msg.accountName as string;
  const issued = ctx.identity.issueSession(name, msg.password as string, ctx.now);
  if (issued === undefined) {
    return zstackError('ID.1000', 'wrong account name or password', 'wrong account name or password');
  }
  const answer = json(200, {
    inventory: { uuid: issued.session, accountUuid: issued.accountUuid, expiredDate: gsonDate(issued.expiresAt) },
  });
  return { ...answer, principal: name };
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

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Gson's default date text, e.g. `Nov 14, 2017 10:20:57 PM` (the simulator's local time is UTC). */
export function gsonDate(ms: number): string {
  const d = new Date(ms);
  const hours = d.getUTCHours();
  const pad = (n: number): string => String(n).padStart(2, '0');
  const clock = `${hours % 12 === 0 ? 12 : hours % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const day = `${MONTHS[d.getUTCMonth()] ?? ''} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
  return `${day} ${clock} ${hours < 12 ? 'AM' : 'PM'}`;
}
