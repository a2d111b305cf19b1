import { Client } from 'undici';
import { DEMO_OS_TOKEN, DEMO_ZSTACK_SESSION, type Simulator } from '../../src/simulator/index.js';

export const TOKEN = { 'x-auth-token': DEMO_OS_TOKEN };
export const SESSION = { authorization: `OAuth ${DEMO_ZSTACK_SESSION}` };

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = any>(): T;
}

/**
 * One request with the path sent exactly as given: undici's `Client` does not re-parse it, so
 * percent-encoded `/` and `..` reach the simulator untouched.
 */
export async function send(
  sim: Simulator,
  path: string,
  headers: Record<string, string> = TOKEN,
  method: 'GET' | 'PUT' | 'DELETE' | 'POST' = 'GET',
  body?: string,
): Promise<Reply> {
  const client = new Client(sim.url);
  try {
    const res = await client.request({ method, path, headers, ...(body !== undefined && { body }) });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) };
  } finally {
    await client.close();
  }
}

export const get = (sim: Simulator, path: string, headers: Record<string, string> = TOKEN): Promise<Reply> =>
  send(sim, path, headers);

/** `?a=1&b=2` from an object, skipping undefined values. */
export function qs(params: Record<string, string | number | undefined>): string {
  const entries = Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined);
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)]))}`;
}

/** A Keystone v3 password login body (reference §6), scoped to a project by id. */
export function keystoneLogin(
  user: { name: string; password: string; domain?: string },
  projectId: string,
): string {
  return JSON.stringify({
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: {
            name: user.name,
            password: user.password,
            ...(user.domain !== undefined && { domain: { name: user.domain } }),
          },
        },
      },
      scope: { project: { id: projectId } },
    },
  });
}

/** A ZStack `logInByAccount` body carrying `password` exactly as given (hash it first). */
export function zstackLogin(accountName: string, password: string): string {
  return JSON.stringify({ logInByAccount: { accountName, password } });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
