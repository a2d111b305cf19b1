import type { IncomingMessage } from 'node:http';
import { readBody as readWithin } from '../request-body.js';

/** Request bodies the simulated cloud reads (logins, control calls) are small; past this it refuses. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The whole request body, or undefined when it is over the limit. */
export function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return readWithin(req, MAX_BODY_BYTES);
}
