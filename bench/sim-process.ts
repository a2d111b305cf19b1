// The simulated cloud in a child process, so its CPU is not counted against the client measured.
import type { ChildProcess } from 'node:child_process';
import type { CallLogEntry } from '../src/simulator/index.js';
import { spawnScript } from './spawn-script.js';

export interface SimProcess {
  url: string;
  setLatency(ms: number): Promise<void>;
  clearLog(): Promise<void>;
  log(): Promise<CallLogEntry[]>;
  close(): Promise<void>;
}

/** `servers`: the fleet's size, past the 64 of the default fleet (generateFleet's `servers`). */
export async function startSimProcess(servers = 0): Promise<SimProcess> {
  const child: ChildProcess = spawnScript(import.meta.url, '../src/simulator/main.ts', [], {
    env: { ...process.env, SIM_PORT: '0', SIM_HOST: '127.0.0.1', SIM_SERVERS: String(servers) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  child.stdout?.resume();
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/__sim/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`simulator control ${method} ${path}: ${response.status}`);
    return response;
  };
  return {
    url,
    setLatency: async (ms) => void (await control('PUT', 'latency', { ms })),
    clearLog: async () => void (await control('DELETE', 'log')),
    log: async () => (await (await control('GET', 'log')).json()) as CallLogEntry[],
    close: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
