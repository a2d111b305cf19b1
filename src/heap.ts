import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived the last full collection, in percent.
 * V8 picks up to 300 % under load; a fleet walk promotes a few MB per request, so a busy server
 * then held 280–440 MiB of RSS for about 60 MiB of live data. At 100 % the peak stays under 200 MiB
 * for a few per cent of throughput (BENCH.md).
 */
export const HEAP_GROWING_PERCENT = 100;

/**
 * Sets the growth limit for this process, unless it was started with `--heap-growing-percent`. V8
 * reads the flag at every full collection, so setting it at start-up takes effect.
 */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((arg) => arg.startsWith('--heap-growing-percent') || arg.startsWith('--heap_growing_percent'))) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
