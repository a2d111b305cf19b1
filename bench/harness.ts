// What the bench's sections share: worker processes, the timing client, and the statistics and
// tables they print.
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'undici';
import { spawnScript } from './spawn-script.js';

export interface Worker {
  url: string;
  child: ChildProcess;
}

/**
 * A measured process, next to this module (`script`) or anywhere (`file`, compiled JavaScript, as a
 * baseline build's worker is): resolves once it prints the URL it listens on.
 */
export function startWorker(
  which: { script: string } | { file: string },
  extraEnv: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<Worker> {
  const options = { env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'inherit'] as ('ignore' | 'pipe' | 'inherit')[] };
  const child =
    'script' in which ? spawnScript(import.meta.url, `./${which.script}`, nodeArgs, options) : spawn(process.execPath, [...nodeArgs, which.file], options);
  const name = 'script' in which ? which.script : which.file;
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve({ url: match[1], child });
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

// The timing client: undici's request over a keep-alive agent, as light as the direct client's, so
// the instrument adds as little as it can to the walk it times (fetch's web streams cost ~0.5 ms more).
export const client = new Agent({ keepAliveTimeout: 10_000 });

export interface Answer {
  data?: any;
  errors?: unknown[];
  extensions?: Record<string, any>;
}

/** The whole answer to one GraphQL request. */
export async function postForAnswer(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
    dispatcher: client,
  });
  return (await response.body.json()) as Answer;
}

/** The data of one GraphQL request; a bench query that fails stops the bench. */
export async function post(url: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const body = await postForAnswer(url, query, variables);
  if (body.errors) throw new Error(`bench query failed: ${JSON.stringify(body.errors[0])}`);
  return body.data;
}

export const median = (xs: number[]) => percentile(xs, 50);

export function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** Wall times of `rounds` runs of `run`, after one to warm up. */
export async function timeRuns(run: () => Promise<unknown>, rounds: number): Promise<number[]> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times;
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Calls per source, as the tables show them: `nova 65, hss 66`. */
export const showCalls = (counts: Record<string, number> | undefined) =>
  ['nova', 'vpc', 'hss', 'zstack'].filter((s) => counts?.[s] !== undefined).map((s) => `${s} ${counts?.[s]}`).join(', ') || '0';
