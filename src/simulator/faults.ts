import { ROUTE_NAMES, type Fault, type RouteName } from './types.js';

interface QueuedFault {
  route: RouteName | '*';
  fault: Fault;
  remaining: number;
}

/** Injected faults in arrival order; the first that matches and has uses left applies. */
export class FaultQueue {
  private queue: QueuedFault[] = [];

  add(route: RouteName | '*', fault: Fault): void {
    const remaining = fault.times ?? Number.POSITIVE_INFINITY;
    if (remaining > 0) this.queue.push({ route, fault, remaining });
  }

  clear(): void {
    this.queue = [];
  }

  take(route: RouteName, req: { path: string; query: Record<string, string> }): Fault | undefined {
    for (let i = 0; i < this.queue.length; i++) {
      const entry = this.queue[i];
      if (entry === undefined || (entry.route !== '*' && entry.route !== route)) continue;
      if (entry.fault.match !== undefined && !entry.fault.match(req)) continue;
      entry.remaining -= 1;
      if (entry.remaining <= 0) this.queue.splice(i, 1);
      return entry.fault;
    }
    return undefined;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `PUT /__sim/faults` body → route and fault, or a message saying what is wrong. */
export function parseFaultRequest(value: unknown): { route: RouteName | '*'; fault: Fault } | string {
  if (!isRecord(value)) return 'body must be {"route": "...", "fault": {...}}';
  const { route, fault } = value;
  if (route !== '*' && !ROUTE_NAMES.includes(route as RouteName)) {
    return `route must be '*' or one of ${ROUTE_NAMES.join(', ')}`;
  }
  if (!isRecord(fault)) return 'fault must be an object';
  const out: Fault = {};
  for (const [key, v] of Object.entries(fault)) {
    const problem = assignField(out, key, v);
    if (problem !== undefined) return problem;
  }
  return { route: route as RouteName | '*', fault: out };
}

function assignField(out: Fault, key: string, v: unknown): string | undefined {
  switch (key) {
    case 'delayMs':
    case 'times':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return `${key} must be a non-negative integer`;
      out[key] = v;
      return undefined;
    case 'oversizeBytes':
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 2) return 'oversizeBytes must be an integer >= 2';
      out.oversizeBytes = v;
      return undefined;
    case 'status':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 100 || v > 599) return 'status must be an HTTP status';
      out.status = v;
      return undefined;
    case 'body':
    case 'contentType':
      if (typeof v !== 'string') return `${key} must be a string`;
      out[key] = v;
      return undefined;
    case 'reset':
    case 'malformed':
      if (typeof v !== 'boolean') return `${key} must be a boolean`;
      out[key] = v;
      return undefined;
    case 'headers':
      if (!isRecord(v) || !Object.values(v).every((h) => typeof h === 'string')) {
        return 'headers must map names to strings';
      }
      out.headers = v as Record<string, string>;
      return undefined;
    default:
      return `unknown fault field '${key}'`;
  }
}
