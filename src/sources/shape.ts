import { UpstreamError } from './errors.js';
import type { SourceName } from './errors.js';
import type { UpstreamFixedIp } from './records.js';

// Small hand-written checks of 2xx bodies. Records are handed out as parsed, so fields we do not
// know pass through, and never changed: the parsed body may be a cached answer every caller shares.

/** A body that does not have the documented shape; `message` names the field, never its value. */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

/**
 * Where a value sits in a body, for messages only: a string, or a function that builds one, so
 * that checking thousands of records that pass builds no path at all.
 */
export type Path = string | (() => string);

/** The path as text, with `key` after it when given. */
export function named(path: Path, key?: string): string {
  const base = typeof path === 'string' ? path : path();
  return key === undefined ? base : `${base}.${key}`;
}

export function wrongType(path: Path, expected: string, value: unknown, key?: string): ShapeError {
  return new ShapeError(`${named(path, key)} is ${describe(value)}, expected ${expected}`);
}

/** An integer argument within bounds, or a RangeError before any call: a caller's bug, not the upstream's. */
export function checkRange(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

export type JsonObject = Record<string, unknown>;

/** Runs `decoder` on a 2xx body; a `ShapeError` becomes `UPSTREAM_BAD_RESPONSE`. */
export function decodeBody<T>(source: SourceName, status: number, json: unknown, decoder: (json: unknown) => T): T {
  try {
    return decoder(json);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw new UpstreamError({
      source,
      code: 'UPSTREAM_BAD_RESPONSE',
      status,
      message: `${source} answered ${status} with an unexpected body: ${error.message}`,
      retryable: false,
    });
  }
}

/** Client options are checked once, at start-up. */
export function requireNonEmpty(name: string, value: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

// Each check takes the path of the value, or of its record and the field's `key`.

export function object(value: unknown, path: Path, key?: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw wrongType(path, 'an object', value, key);
  }
  return value as JsonObject;
}

export function array(value: unknown, path: Path, key?: string): unknown[] {
  if (!Array.isArray(value)) throw wrongType(path, 'an array', value, key);
  return value;
}

export function string(value: unknown, path: Path, key?: string): string {
  if (typeof value !== 'string') throw wrongType(path, 'a string', value, key);
  return value;
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/**
 * An integer a GraphQL `Int` can hold (32-bit signed): every integer the upstreams send ends up in
 * one, and the answer's scalars are not coerced again on the way out (see useJit).
 */
export function integer(value: unknown, path: Path, key?: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(path, 'an integer', value, key);
  if (value < INT_MIN || value > INT_MAX) throw new ShapeError(`${named(path, key)} is out of the 32-bit integer range`);
  return value;
}

export type Check = (value: unknown, path: Path, key?: string) => unknown;

/** A record's optional fields and the check of each. */
export type OptionalFields = readonly (readonly [key: string, check: Check])[];

/** Optional strings, then other optional fields; made once per record type. */
export function optionalFields(strings: readonly string[], others: Readonly<Record<string, Check>> = {}): OptionalFields {
  return [...strings.map((key) => [key, string] as const), ...Object.entries(others)];
}

/**
 * The record with each optional field absent or of its kind. A null reads as absent: a record
 * holding one is copied without it, the rest handed out as they are, since copying every record
 * of every answer would cost more than the rare null.
 */
export function optionals(record: JsonObject, path: Path, fields: OptionalFields): JsonObject {
  let nulls: string[] | undefined;
  for (const [key, check] of fields) {
    const value = record[key];
    if (value === null) (nulls ??= []).push(key);
    else if (value !== undefined) check(value, path, key);
  }
  if (nulls === undefined) return record;
  const copy = { ...record };
  for (const key of nulls) delete copy[key];
  return copy;
}

/**
 * Each element checked by `item`, with its index in the path. One path serves every element: a
 * check reads it only when it fails, which it does before the loop moves on.
 */
export function each<T>(value: unknown, path: Path, item: (value: unknown, path: Path) => T, key?: string): T[] {
  const elements = array(value, path, key);
  const out = new Array<T>(elements.length);
  let index = 0;
  const elementPath = () => `${named(path, key)}[${index}]`;
  for (; index < elements.length; index++) out[index] = item(elements[index], elementPath);
  return out;
}

export function fixedIp(value: unknown, path: Path): UpstreamFixedIp {
  const ip = object(value, path);
  string(ip.ip_address, path, 'ip_address');
  string(ip.subnet_id, path, 'subnet_id');
  return ip as unknown as UpstreamFixedIp;
}

export function fixedIps(value: unknown, path: Path, key?: string): UpstreamFixedIp[] {
  return each(value, path, fixedIp, key);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isInteger(value)) return 'a fractional number';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}
