import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  status: number;
  /** Node's view of the headers, `connection` included (fetch hides it). */
  headers: IncomingHttpHeaders;
  text: string;
}

/** One request on a connection of its own, with any headers (Host included) and body. */
export function send(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

export const postQuery = (url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) =>
  send(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });

/** A connection to `origin`'s host and port, open once it resolves. */
export function openSocket(origin: string): Promise<Socket> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes `bytes` on a fresh connection and collects everything the server sends until it closes the connection. */
export async function exchange(origin: string, bytes: (string | Buffer)[]): Promise<string> {
  const socket = await openSocket(origin);
  return new Promise((resolve, reject) => {
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.once('close', () => resolve(received));
    socket.once('error', reject);
    for (const piece of bytes) socket.write(piece);
  });
}

/** The value of each sample of `name` in Prometheus text, keyed by its label set as written (`{a="x"}`, or '' without labels). */
export function samples(text: string, name: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-z_:][a-z0-9_:]*)(\{[^}]*\})? (\S+)$/i.exec(line);
    if (match?.[1] === name) found.set(match[2] ?? '', Number(match[3]));
  }
  return found;
}

/** One server walked: Nova's server and interfaces, and HSS's open ports, each called once. */
export const WALK = 'query ($id: ID!) { server(id: $id) { name interfaces { portId } openPorts { port } } }';
