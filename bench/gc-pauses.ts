// Milliseconds this process's main thread has spent paused for garbage collection since the module
// loaded. It leaves out what GC helper threads do concurrently; the CPU column counts that.
import { PerformanceObserver } from 'node:perf_hooks';

let pausedMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) pausedMs += entry.duration;
}).observe({ entryTypes: ['gc'] });

export const gcPausedMs = (): number => pausedMs;
