import { badInput } from './arguments.js';

/** Where a page starts upstream: after a marker id, or at a record offset. */
export type CursorPosition = { marker: string } | { offset: number };

/** Cursors are opaque to clients; the kind guards against a cursor from another connection. */
export function encodeCursor(kind: string, position: CursorPosition): string {
  return Buffer.from(JSON.stringify({ k: kind, ...position })).toString('base64url');
}

export function decodeMarker(kind: string, cursor: string | null | undefined): string | undefined {
  if (cursor == null) return undefined;
  const value = decode(kind, cursor);
  if (typeof value.marker !== 'string' || value.marker === '') throw invalidCursor();
  return value.marker;
}

export function decodeOffset(kind: string, cursor: string | null | undefined): number {
  if (cursor == null) return 0;
  const value = decode(kind, cursor);
  if (typeof value.offset !== 'number' || !Number.isInteger(value.offset) || value.offset < 0) throw invalidCursor();
  return value.offset;
}

function decode(kind: string, cursor: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof value !== 'object' || value === null || (value as { k?: unknown }).k !== kind) throw invalidCursor();
  return value as Record<string, unknown>;
}

function invalidCursor() {
  return badInput('after', 'is not a cursor of this connection; pass an endCursor this field returned');
}
