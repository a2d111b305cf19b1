import { describe, expect, it } from 'vitest';
import { toProtocol, toRisk } from '../../src/rules/risk.js';

describe('risk normalisation', () => {
  it('maps the HSS statuses, real spelling unknow included', () => {
    expect(toRisk('danger')).toBe('DANGER');
    expect(toRisk('normal')).toBe('NORMAL');
    expect(toRisk('unknow')).toBe('UNKNOWN');
    expect(toRisk('unknown')).toBe('UNKNOWN');
    expect(toRisk('DANGER')).toBe('DANGER');
  });

  it('answers UNKNOWN for anything else or nothing', () => {
    expect(toRisk('suspicious')).toBe('UNKNOWN');
    expect(toRisk(undefined)).toBe('UNKNOWN');
  });

  it('names TCP6 and UDP6 as their protocol with the IPv6 flag', () => {
    expect(toProtocol('TCP')).toEqual({ protocol: 'TCP', ipv6: false });
    expect(toProtocol('udp6')).toEqual({ protocol: 'UDP', ipv6: true });
    expect(toProtocol(' tcp6 ')).toEqual({ protocol: 'TCP', ipv6: true });
    expect(toProtocol('SCTP')).toBeNull();
    expect(toProtocol('constructor')).toBeNull();
  });
});
