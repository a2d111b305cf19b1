export interface PortRange {
  start: number;
  end: number;
}

/**
 * ZStack lists every used port as its own string, unsorted and with repeats (a 1–65535 rule gives
 * 65,535 strings). Answer sorted, merged ranges; entries that are not a port number are skipped.
 */
export function toPortRanges(usedPorts: readonly string[]): PortRange[] {
  const used = new Uint8Array(65536);
  for (const entry of usedPorts) {
    const port = Number(entry);
    if (Number.isInteger(port) && port >= 1 && port <= 65535) used[port] = 1;
  }
  const ranges: PortRange[] = [];
  for (let port = 1; port <= 65535; port++) {
    if (used[port] !== 1) continue;
    const last = ranges[ranges.length - 1];
    if (last !== undefined && last.end === port - 1) last.end = port;
    else ranges.push({ start: port, end: port });
  }
  return ranges;
}
