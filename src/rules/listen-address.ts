import { isIPv4, isIPv6 } from 'node:net';

// A fleet walk asks about the same few addresses once per open port and fixed IP. An address
// with a zone is at most 45 + 1 + 16 characters; anything longer is not kept.
const MAX_REMEMBERED = 4096;
const MAX_ADDRESS_LENGTH = 64;
const remembered = new Map<string, string | null>();

/** The address in a canonical text form, so that `::0:1` and `::1` compare equal; null if not an IP. */
export function canonicalIp(address: string): string | null {
  let canonical = remembered.get(address);
  if (canonical === undefined) {
    canonical = canonicalise(address);
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    if (address.length <= MAX_ADDRESS_LENGTH) remembered.set(address, canonical);
  }
  return canonical;
}

function canonicalise(address: string): string | null {
  const text = address.trim().toLowerCase().replace(/%.*$/, '');
  if (isIPv4(text)) return text;
  if (!isIPv6(text)) return null;
  const mappedV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (mappedV4 !== undefined) return mappedV4;
  return expandV6(text).join(':');
}

/** Eight hex groups without leading zeros; a trailing dotted IPv4 part becomes two groups. */
function expandV6(text: string): string[] {
  const groups = (s: string) => (s === '' ? [] : s.split(':').flatMap(v4AsGroups));
  const [head = '', tail] = text.split('::');
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const zeros = Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16).toString(16));
}

function v4AsGroups(group: string): string[] {
  if (!group.includes('.')) return [group];
  const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}

export function isLoopback(address: string): boolean {
  const ip = canonicalIp(address);
  return ip !== null && isCanonicalLoopback(ip);
}

function isCanonicalLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '0:0:0:0:0:0:0:1';
}

const ANY_V4 = '0.0.0.0';
const ANY_V6 = '0:0:0:0:0:0:0:0';

/**
 * Whether a socket listening on `listenAddress` accepts connections to `fixedIp`. `0.0.0.0` covers
 * every IPv4 address; `::` covers every address, as Linux dual-stack sockets do. Loopback
 * listeners are reachable on no fixed IP.
 */
export function listensOn(listenAddress: string | null | undefined, fixedIp: string): boolean {
  const ip = canonicalIp(fixedIp);
  return ip !== null && reaches(listenAddress, ip, isIPv4(ip));
}

/**
 * `listensOn` for one fixed IP and many listeners (a server's open ports): the fixed IP is read
 * once, not once per port.
 */
export function reachableOn(fixedIp: string): (listenAddress: string | null | undefined) => boolean {
  const ip = canonicalIp(fixedIp);
  if (ip === null) return () => false;
  const v4 = isIPv4(ip);
  return (listenAddress) => reaches(listenAddress, ip, v4);
}

/** The rule itself, for a fixed IP already in canonical form. */
function reaches(listenAddress: string | null | undefined, ip: string, ipIsV4: boolean): boolean {
  if (listenAddress === undefined || listenAddress === null) return false;
  const listen = canonicalIp(listenAddress);
  if (listen === null || isCanonicalLoopback(listen)) return false;
  if (listen === ANY_V6) return true;
  if (listen === ANY_V4) return ipIsV4;
  return listen === ip;
}
