import { describe, expect, it } from 'vitest';
import { canonicalIp, isLoopback, listensOn, reachableOn } from '../../src/rules/listen-address.js';

describe('which open ports are on which fixed IP', () => {
  it('puts a listener on its own address only', () => {
    expect(listensOn('10.0.0.5', '10.0.0.5')).toBe(true);
    expect(listensOn('10.0.0.5', '10.0.0.6')).toBe(false);
  });

  it('puts 0.0.0.0 on every IPv4 address and on no IPv6 address', () => {
    expect(listensOn('0.0.0.0', '192.168.1.3')).toBe(true);
    expect(listensOn('0.0.0.0', '2001:db8::5')).toBe(false);
  });

  it('puts :: on every address, IPv4 included (Linux dual-stack sockets)', () => {
    expect(listensOn('::', '2001:db8::5')).toBe(true);
    expect(listensOn('::', '10.1.2.3')).toBe(true);
    expect(listensOn('0:0:0:0:0:0:0:0', '10.1.2.3')).toBe(true);
  });

  it('puts loopback listeners on no fixed IP', () => {
    expect(listensOn('127.0.0.1', '127.0.0.1')).toBe(false);
    expect(listensOn('127.0.0.53', '10.0.0.1')).toBe(false);
    expect(listensOn('::1', '2001:db8::1')).toBe(false);
    expect(isLoopback('127.200.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('10.0.0.1')).toBe(false);
  });

  it('compares IPv6 addresses whatever their spelling', () => {
    expect(listensOn('2001:DB8:0::0:5', '2001:db8::5')).toBe(true);
    expect(canonicalIp('::ffff:10.0.0.7')).toBe('10.0.0.7');
    expect(listensOn('::ffff:10.0.0.7', '10.0.0.7')).toBe(true);
    expect(canonicalIp('64:ff9b::1.2.3.4')).toBe('64:ff9b:0:0:0:0:102:304');
  });

  it('answers the same however many addresses it has been asked about before', () => {
    const addresses = Array.from({ length: 10_000 }, (_, i) => `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
    expect(addresses.filter((a) => canonicalIp(a) !== a)).toEqual([]);
    expect(canonicalIp('2001:DB8::5')).toBe('2001:db8:0:0:0:0:0:5');
    expect(canonicalIp('2001:DB8::5')).toBe('2001:db8:0:0:0:0:0:5');
    expect(listensOn('::', '10.0.0.1')).toBe(true);
    expect(canonicalIp(`::1${'%eth0'.repeat(20)}`)).toBe('0:0:0:0:0:0:0:1');
    expect(canonicalIp('x'.repeat(100))).toBeNull();
  });

  it('treats a missing or malformed listen address as on no IP', () => {
    expect(listensOn(undefined, '10.0.0.1')).toBe(false);
    expect(listensOn('*', '10.0.0.1')).toBe(false);
    expect(canonicalIp('not-an-ip')).toBeNull();
  });

  it('answers, for one fixed IP and many listeners, what it answers pair by pair', () => {
    const listeners = [undefined, null, '*', '0.0.0.0', '::', '0:0:0:0:0:0:0:0', '127.0.0.1', '::1', '10.0.0.5', '::ffff:10.0.0.5', '2001:DB8::5'];
    const fixedIps = ['10.0.0.5', '10.0.0.6', '2001:db8::5', '127.0.0.1', 'not-an-ip'];
    for (const ip of fixedIps) {
      const reachable = reachableOn(ip);
      expect(listeners.map((l) => reachable(l))).toEqual(listeners.map((l) => listensOn(l, ip)));
    }
    expect(listeners.filter((l) => reachableOn('10.0.0.5')(l))).toEqual(['0.0.0.0', '::', '0:0:0:0:0:0:0:0', '10.0.0.5', '::ffff:10.0.0.5']);
  });
});
