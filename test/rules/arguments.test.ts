import { describe, expect, it } from 'vitest';
import { checkFirst, checkId, checkPort } from '../../src/rules/arguments.js';
import { decodeMarker, decodeOffset, encodeCursor } from '../../src/rules/cursor.js';

describe('argument checks', () => {
  it('accepts ids of UUIDs and hex and refuses path characters', () => {
    expect(checkId('ce531f90-199f-48c0-816c-13e38010b442')).toBe('ce531f90-199f-48c0-816c-13e38010b442');
    expect(checkId('4f5f926580f4452a897b05b8f99e67ec')).toBe('4f5f926580f4452a897b05b8f99e67ec');
    for (const bad of ['a/b', 'a?b', 'a#b', '..', '.', 'a%2Fb', '', 'x'.repeat(129)]) {
      expect(() => checkId(bad)).toThrow(/Argument "id" must be 1–128 letters/);
    }
  });

  it('keeps ports within 1–65535', () => {
    expect(checkPort(1)).toBe(1);
    expect(checkPort(65535)).toBe(65535);
    expect(checkPort(undefined)).toBeUndefined();
    expect(() => checkPort(0)).toThrow('Argument "port" must be a port number from 1 to 65535; got 0');
    expect(() => checkPort(65536)).toThrow(/got 65536/);
  });

  it('defaults first to 50 and keeps it within 1–1000', () => {
    expect(checkFirst(undefined)).toBe(50);
    expect(checkFirst(1000)).toBe(1000);
    expect(() => checkFirst(0)).toThrow('Argument "first" must be from 1 to 1000; got 0');
    expect(() => checkFirst(1001)).toThrow(/got 1001/);
    expect(() => checkFirst(-5)).toThrow(/got -5/);
  });
});

describe('cursors', () => {
  it('round-trips a marker and an offset', () => {
    expect(decodeMarker('ports', encodeCursor('ports', { marker: 'abc' }))).toBe('abc');
    expect(decodeOffset('stats', encodeCursor('stats', { offset: 400 }))).toBe(400);
    expect(decodeMarker('ports', undefined)).toBeUndefined();
    expect(decodeOffset('stats', null)).toBe(0);
  });

  it('refuses a cursor of another connection or garbage', () => {
    expect(() => decodeMarker('servers', encodeCursor('ports', { marker: 'abc' }))).toThrow(/not a cursor of this connection/);
    expect(() => decodeOffset('stats', 'not-a-cursor')).toThrow(/not a cursor/);
    expect(() => decodeOffset('stats', encodeCursor('stats', { offset: -1 }))).toThrow(/not a cursor/);
  });
});
