import type { IncomingMessage } from 'node:http';

/** Request bodies the simulated cloud reads (logins, control calls) are small; past this it refuses. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The whole request body, or undefined when it is over the limit. */
export async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}
