/** A decimal integer, or undefined for anything else (`1.5`, `abc`, ``). */
export function parseInteger(raw: string): number | undefined {
  return /^[+-]?\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}

/** `raw` as an integer in [min, max]; `fallback` when absent; undefined when invalid or out of range. */
export function rangedInt(raw: string | undefined, fallback: number, min: number, max: number): number | undefined {
  if (raw === undefined) return fallback;
  const n = parseInteger(raw);
  return n !== undefined && n >= min && n <= max ? n : undefined;
}

/** Index of the first position in `positions` whose id sorts after `marker`. */
export function firstAfter(positions: readonly number[], ids: readonly string[], marker: string): number {
  let lo = 0;
  let hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ids[positions[mid] ?? 0] ?? '') <= marker) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A JSON array from already-serialized items. */
export function jsonArray(items: readonly string[]): string {
  return `[${items.join(',')}]`;
}
