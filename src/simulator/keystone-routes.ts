import { KEYSTONE_AUTH_REQUIRED, json, keystoneError } from './envelopes.js';
import type { RouteContext } from './routes.js';
import type { Answer } from './types.js';

/** Keystone names the project; Huawei IAM would say the region, e.g. `cn-north-4`. */
const PROJECT_NAME = 'demo';
const MALFORMED = 'The server could not comply with the request since it is either malformed or otherwise incorrect.';

interface PasswordLogin {
  name: string;
  password: string;
  domain: string | undefined;
  projectId: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `POST /v3/auth/tokens` with the password method, scoped to the project by id. */
export function createToken(ctx: RouteContext): Answer {
  const login = parseLogin(ctx.body);
  if (typeof login === 'string') return keystoneError(400, `${login} ${MALFORMED}`);
  const user = ctx.identity.findUser(login.name, login.password, login.domain);
  if (user === undefined) return keystoneError(401, 'The username or password is wrong.');
  if (login.projectId !== ctx.projectId) return keystoneError(401, KEYSTONE_AUTH_REQUIRED);

  const issued = ctx.identity.issueToken(user, ctx.now);
  const answer = json(201, {
    token: {
      expires_at: keystoneTime(issued.expiresAt),
      issued_at: keystoneTime(issued.issuedAt),
      methods: ['password'],
      project: { id: ctx.projectId, name: PROJECT_NAME },
      user: { id: issued.userId, name: user.name, domain: { name: user.domain ?? login.domain ?? 'Default' } },
    },
  });
  return { ...answer, headers: { 'x-subject-token': issued.token }, principal: user.name };
}

/** The login, or what Keystone would say is missing. */
function parseLogin(body: Buffer): PasswordLogin | string {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return 'The request body is not valid JSON.';
  }
  const auth = isRecord(value) ? value.auth : undefined;
  if (!isRecord(auth)) return 'Expecting to find auth in request body.';
  const identity = auth.identity;
  if (!isRecord(identity)) return 'Expecting to find identity in auth.';
  if (!Array.isArray(identity.methods) || !identity.methods.includes('password')) {
    return 'Expecting to find password in methods.';
  }
  const user = isRecord(identity.password) ? identity.password.user : undefined;
  if (!isRecord(user)) return 'Expecting to find user in password.';
  if (typeof user.name !== 'string' || user.name === '') return 'Expecting to find name in user.';
  if (typeof user.password !== 'string') return 'Expecting to find password in user.';
  let domain: string | undefined;
  if (user.domain !== undefined) {
    if (!isRecord(user.domain) || typeof user.domain.name !== 'string') return 'Expecting to find name in domain.';
    domain = user.domain.name;
  }
  const project = isRecord(auth.scope) ? auth.scope.project : undefined;
  if (!isRecord(project) || typeof project.id !== 'string') return 'Expecting to find id in project scope.';
  return { name: user.name, password: user.password, domain, projectId: project.id };
}

/** Keystone's timestamps carry microseconds: `2015-11-07T02:58:43.578000Z`. */
function keystoneTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}
