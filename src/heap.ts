import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags `npm start` passes on the command line: V8 reads them only as the heap is set up.
 * A fleet walk allocates about 7 MB, most of it dead by the walk's end. With V8's default 16 MB
 * semi-spaces, eight walks in flight meant a young-generation collection every few walks that
 * copied, then promoted, the walks still running: collection took about a fifth of the main
 * thread. 32 MB semi-spaces cut those collections and the promotions by about 40 %, for about
 * 40 MiB more RSS at peak (BENCH.md).
 */
export const HEAP_FLAGS: readonly string[] = ['--max-semi-space-size=32'];

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
