import type { ServerResponse } from 'node:http';

/** One array element of an oversized answer: shaped like a record, so a parser keeps going. */
const ELEMENT = `{"id":"00000000-0000-4000-8000-000000000000","name":"oversize","padding":"${'x'.repeat(64)}"}`;
const UNIT = `${ELEMENT},`;
const UNITS_PER_CHUNK = 512;
const CHUNK = UNIT.repeat(UNITS_PER_CHUNK);

/**
 * Streams a 200 JSON array of exactly `bytes` bytes (chunked, no content-length), honouring
 * back-pressure and stopping when the client goes away, so any size costs constant memory.
 */
export function streamOversize(res: ServerResponse, bytes: number, headers: Record<string, string>): void {
  res.writeHead(200, headers);
  const parts = oversizeParts(bytes);
  const pump = (): void => {
    for (;;) {
      if (res.destroyed) return;
      const next = parts.next();
      if (next.done === true) {
        res.end();
        return;
      }
      if (!res.write(next.value)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

/** `[`, whole elements, then whitespace padding before `]` to land on the exact size. */
export function* oversizeParts(bytes: number): Generator<string, void, undefined> {
  const room = bytes - 2 - ELEMENT.length;
  if (room < 0) {
    yield bytes < 2 ? '[]'.slice(0, Math.max(0, bytes)) : `[${' '.repeat(bytes - 2)}]`;
    return;
  }
  let units = Math.floor(room / UNIT.length);
  const padding = room - units * UNIT.length;
  yield '[';
  for (; units >= UNITS_PER_CHUNK; units -= UNITS_PER_CHUNK) yield CHUNK;
  if (units > 0) yield UNIT.repeat(units);
  yield `${ELEMENT}${' '.repeat(padding)}]`;
}
