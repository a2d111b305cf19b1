import type { IncomingMessage, ServerResponse } from 'node:http';
import { json, text, writeAnswer } from './envelopes.js';
import { parseFaultRequest } from './faults.js';
import { readBody } from './request-body.js';
import type { Answer, CallLogEntry, Fault, RouteName } from './types.js';

/** What the `/__sim/*` endpoints drive: the same operations the in-process API offers. */
export interface ControlTarget {
  /** Every upstream request in arrival order (control requests are not logged). */
  log: CallLogEntry[];
  clearLog(): void;
  setLatency(ms: number): void;
  /** Several faults may be queued; the first matching one with times left applies. */
  inject(route: RouteName | '*', fault: Fault): void;
  clearFaults(): void;
  /** Every token and session issued so far expires now; static `osTokens` and `zstackSessions` never do. */
  expireTokens(): void;
  /** Successful logins so far. */
  logins(): { keystone: number; zstack: number };
}

const NO_CONTENT: Answer = { status: 204, body: '', contentType: 'text/plain' };

/** Control endpoints for the standalone simulator. Never logged, never delayed, never faulted. */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  target: ControlTarget,
): Promise<void> {
  writeAnswer(res, await controlAnswer(req, path, target));
}

async function controlAnswer(req: IncomingMessage, path: string, target: ControlTarget): Promise<Answer> {
  switch (`${req.method ?? ''} ${path}`) {
    case 'GET /__sim/log':
      return json(200, target.log);
    case 'DELETE /__sim/log':
      target.clearLog();
      return NO_CONTENT;
    case 'PUT /__sim/latency': {
      const body = await readJson(req);
      const ms = typeof body === 'object' && body !== null ? (body as { ms?: unknown }).ms : undefined;
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
        return json(400, { error: 'body must be {"ms": <non-negative number>}' });
      }
      target.setLatency(ms);
      return NO_CONTENT;
    }
    case 'PUT /__sim/faults': {
      const parsed = parseFaultRequest(await readJson(req));
      if (typeof parsed === 'string') return json(400, { error: parsed });
      target.inject(parsed.route, parsed.fault);
      return NO_CONTENT;
    }
    case 'DELETE /__sim/faults':
      target.clearFaults();
      return NO_CONTENT;
    case 'POST /__sim/expire-tokens':
      target.expireTokens();
      return NO_CONTENT;
    case 'GET /__sim/logins':
      return json(200, target.logins());
    default:
      return text(404, `no control endpoint ${req.method ?? ''} ${path}`);
  }
}

/** The request body as JSON; undefined when it is not JSON or too large. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req);
  if (body === undefined) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
