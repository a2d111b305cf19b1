export type Risk = 'DANGER' | 'NORMAL' | 'UNKNOWN';

/** HSS spells "unknown" as `unknow` in real payloads; anything it may add later is UNKNOWN too. */
export function toRisk(status: string | undefined): Risk {
  switch (status?.trim().toLowerCase()) {
    case 'danger':
      return 'DANGER';
    case 'normal':
      return 'NORMAL';
    default:
      return 'UNKNOWN';
  }
}

/** HSS may report TCP6/UDP6; the protocol is the same. */
export function toProtocol(type: string): { protocol: 'TCP' | 'UDP'; ipv6: boolean } | null {
  const t = type.trim().toUpperCase();
  if (t === 'TCP' || t === 'TCP6') return { protocol: 'TCP', ipv6: t === 'TCP6' };
  if (t === 'UDP' || t === 'UDP6') return { protocol: 'UDP', ipv6: t === 'UDP6' };
  return null;
}
