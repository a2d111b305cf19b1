import type { SourceName } from './sources/errors.js';
import type { BreakerState, CallEvent } from './sources/http.js';

/** What `/readyz` says of one source. Holds no URL, credential or upstream text. */
export interface SourceReadiness {
  configured: boolean;
  breaker: BreakerState;
  /** The last upstream attempt: `ok` or its error code, and when (ISO 8601); null before the first. */
  lastCall: { outcome: string; at: string } | null;
}

export type ReadinessReport = Record<SourceName, SourceReadiness>;

export interface Readiness {
  record(event: CallEvent): void;
  report(breakerState: (source: SourceName) => BreakerState): ReadinessReport;
}

export function createReadiness(configured: Record<SourceName, boolean>, now: () => number = Date.now): Readiness {
  const last = new Map<SourceName, { outcome: string; at: number }>();
  return {
    record(event) {
      // An answer from the cache or a shared call says nothing new about the upstream.
      if (event.attempt === 0) return;
      const outcome = event.outcome === 'ok' ? 'ok' : (event.code ?? event.outcome);
      const known = last.get(event.source);
      if (known === undefined) last.set(event.source, { outcome, at: now() });
      else {
        known.outcome = outcome;
        known.at = now();
      }
    },
    report(breakerState) {
      const entry = (source: SourceName): SourceReadiness => {
        const call = last.get(source);
        return {
          configured: configured[source],
          breaker: breakerState(source),
          lastCall: call === undefined ? null : { outcome: call.outcome, at: new Date(call.at).toISOString() },
        };
      };
      return { nova: entry('nova'), vpc: entry('vpc'), hss: entry('hss'), zstack: entry('zstack') };
    },
  };
}
