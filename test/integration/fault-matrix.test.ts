import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OS_TOKEN, DEMO_ZSTACK_SESSION, type Fault, type RouteName } from '../../src/simulator/index.js';
import type { PortgraphSettings } from '../../src/server.js';
import { startStack, type Stack } from '../support/stack.js';

// Each of the four upstreams × each fault. The query touches all four, through nullable fields,
// so the failing one's field fails and the others keep their data.
const QUERY = `query ($id: ID!, $vip: ID!) {
  server(id: $id) { id name interfaces { portId port { id } } openPorts { port } }
  vip(id: $vip) { usedPorts(protocol: TCP) { start end } }
}`;

type SourceCase = { source: 'nova' | 'vpc' | 'hss' | 'zstack'; route: RouteName; path: (string | number)[]; urlKey: keyof PortgraphSettings };
const SOURCES: SourceCase[] = [
  { source: 'nova', route: 'nova.interfaces', path: ['server', 'interfaces'], urlKey: 'novaUrl' },
  { source: 'vpc', route: 'vpc.ports', path: ['server', 'interfaces', 0, 'port'], urlKey: 'vpcUrl' },
  { source: 'hss', route: 'hss.ports', path: ['server', 'openPorts'], urlKey: 'hssUrl' },
  { source: 'zstack', route: 'zstack.usedports', path: ['vip', 'usedPorts'], urlKey: 'zstackUrl' },
];

const TIMEOUT_MS = 400;
const DEADLINE_MS = 4000;
const MAX_BODY = 256 * 1024;

interface FaultCase {
  name: string;
  fault: Fault;
  /** The code when the fault persists; per source where they differ. */
  code: string | ((source: string) => string);
  /** Whether the same fault, gone after one occurrence, is absorbed by a retry. */
  transient: boolean | ((source: string) => boolean);
}

const FAULTS: FaultCase[] = [
  { name: 'delay past the timeout', fault: { delayMs: TIMEOUT_MS * 3 }, code: 'UPSTREAM_TIMEOUT', transient: false },
  { name: '500', fault: { status: 500 }, code: 'UPSTREAM_UNAVAILABLE', transient: false },
  { name: '502', fault: { status: 502 }, code: 'UPSTREAM_UNAVAILABLE', transient: true },
  // ZStack's 503 is its business-error envelope (SYS.1000 here): never retried.
  { name: '503', fault: { status: 503 }, code: 'UPSTREAM_UNAVAILABLE', transient: (s) => s !== 'zstack' },
  { name: '504', fault: { status: 504 }, code: 'UPSTREAM_UNAVAILABLE', transient: true },
  { name: '429 with Retry-After', fault: { status: 429, headers: { 'retry-after': '1' } }, code: 'RATE_LIMITED', transient: true },
  { name: '429 without Retry-After', fault: { status: 429 }, code: 'RATE_LIMITED', transient: true },
  { name: 'connection reset', fault: { reset: true }, code: 'UPSTREAM_UNAVAILABLE', transient: true },
  { name: 'HTML error page', fault: { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>', contentType: 'text/html' }, code: 'UPSTREAM_UNAVAILABLE', transient: true },
  { name: 'HTML page with 200', fault: { body: '<!DOCTYPE html><html><body>Login</body></html>', contentType: 'text/html' }, code: 'UPSTREAM_BAD_RESPONSE', transient: false },
  { name: 'truncated JSON', fault: { body: '{"interfaceAttachments": [{"port_id": "x"' }, code: 'UPSTREAM_BAD_RESPONSE', transient: false },
  { name: 'empty 200 body', fault: { body: '' }, code: 'UPSTREAM_BAD_RESPONSE', transient: false },
  { name: 'oversized body', fault: { oversizeBytes: MAX_BODY * 4 }, code: 'UPSTREAM_BAD_RESPONSE', transient: false },
];

const SECRETS = [DEMO_OS_TOKEN, DEMO_ZSTACK_SESSION];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

let stack: Stack;
let variables: { id: string; vip: string };
let expected: Record<string, unknown>;

function settings(): Partial<PortgraphSettings> {
  return { upstreamTimeoutMs: TIMEOUT_MS, requestDeadlineMs: DEADLINE_MS, http: { maxResponseBytes: MAX_BODY } };
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  stack = await startStack({ portgraph: settings() });
  // A server with one interface, so the ports API is asked once, by IP.
  const server = stack.sim.fleet.servers.find((s) => s.interfaces.length === 1);
  variables = { id: server?.id ?? '', vip: stack.sim.fleet.special.vipId };
  const { body } = await stack.query(QUERY, variables);
  expect(body.errors).toBeUndefined();
  expected = body.data as Record<string, unknown>;
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await stack.close();
});

/** The clean answer with the failing field nulled as GraphQL would null it. */
function withFailure(path: (string | number)[]): unknown {
  const copy = structuredClone(expected) as any;
  if (path[0] === 'vip') copy.vip.usedPorts = null;
  else if (path.length === 2) copy.server[path[1] as string] = null;
  else copy.server.interfaces[0].port = null;
  return copy;
}

async function run(fault: Fault | undefined, route: RouteName) {
  stack.portgraph.http.reset();
  stack.sim.clearFaults();
  stack.sim.clearLog();
  if (fault) stack.sim.inject(route, fault);
  const started = performance.now();
  const response = await stack.query(QUERY, variables);
  const elapsed = performance.now() - started;
  const text = JSON.stringify(response.body) + stack.logs.join('\n');
  for (const secret of SECRETS) expect(text).not.toContain(secret);
  expect(response.status).toBe(200);
  // A correctness bound, not a speed goal: the deadline plus slack for a loaded machine.
  expect(elapsed).toBeLessThan(DEADLINE_MS + 2000);
  return response.body;
}

describe.each(SOURCES)('$source', ({ source, route, path }) => {
  it.each(FAULTS)('$name: fails only its field, with the documented code, and keeps the rest', async ({ fault, code }) => {
    const body = await run(fault, route);
    const want = typeof code === 'function' ? code(source) : code;
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({ path, extensions: { code: want, source } });
    expect(body.data).toEqual(withFailure(path));
  });

  it.each(FAULTS.filter((f) => (typeof f.transient === 'function' ? f.transient(source) : f.transient)))(
    '$name once: absorbed by a retry, a correct answer with no error',
    async ({ fault }) => {
      const body = await run({ ...fault, times: 1 }, route);
      expect(body.errors).toBeUndefined();
      expect(body.data).toEqual(expected);
      expect(stack.calls(source).filter((c) => c.route === route).length).toBeGreaterThanOrEqual(2);
    },
  );

  it('refused connection: fails only its field with UPSTREAM_UNAVAILABLE', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await startStack({
      portgraph: (sim) => ({ ...settings(), [SOURCES.find((s) => s.source === source)?.urlKey ?? 'novaUrl']: `http://127.0.0.1:${port}`, projectId: sim.projectId }),
    });
    try {
      const { status, body } = await refused.query(QUERY, variables);
      expect(status).toBe(200);
      const errors = body.errors ?? [];
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.every((e) => e.extensions?.['code'] === 'UPSTREAM_UNAVAILABLE' && e.extensions['source'] === source)).toBe(true);
      expect(errors.some((e) => JSON.stringify(e.path) === JSON.stringify(source === 'nova' ? ['server'] : path))).toBe(true);
      expect(JSON.stringify(body)).not.toContain(String(port));
    } finally {
      await refused.close();
    }
  });
});

describe('after the whole matrix', () => {
  it('saw no unhandled rejection', () => {
    expect(unhandled).toEqual([]);
  });
});
