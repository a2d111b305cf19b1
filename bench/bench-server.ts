// The HTTP server every measured worker listens with: its handler on every path but two. GET
// /__bench/cpu answers the process's CPU time so far (all threads, GC helpers included) and its
// main thread's GC pauses; GET /__bench/memory collects garbage and answers the heap and RSS.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gcPausedMs } from './gc-pauses.js';

export function listenWithBenchRoutes(handler: (req: IncomingMessage, res: ServerResponse) => void): void {
  const server = createServer((req, res) => {
    if (req.url === '/__bench/cpu') {
      const { user, system } = process.cpuUsage();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ cpuMs: (user + system) / 1000, gcMs: gcPausedMs() }));
      return;
    }
    if (req.url === '/__bench/memory') {
      (globalThis as { gc?: () => void }).gc?.();
      const { heapUsed, heapTotal, external, arrayBuffers, rss } = process.memoryUsage();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ heapUsed, heapTotal, external, arrayBuffers, rss, maxRss: process.resourceUsage().maxRSS * 1024 }));
      return;
    }
    handler(req, res);
  });
  server.listen(0, '127.0.0.1', () => console.log(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`));
  process.once('SIGTERM', () => process.exit(0));
}
