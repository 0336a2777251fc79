import type { FaultDocument, LatencySpec, RetryAfterForm } from './faults.ts';
import { standardNormal, streamFor, type Random } from './prng.ts';

export type FaultOutcome =
  | { kind: 'none' }
  | { kind: 'status'; status: number }
  | { kind: 'rateLimit'; retryAfterS: number; retryAfterForm: RetryAfterForm }
  | { kind: 'hang' }
  | { kind: 'garbage'; body: Buffer }
  | { kind: 'html' }
  | { kind: 'truncate'; fraction: number }
  | { kind: 'slowBody'; bytesPerSecond: number }
  | { kind: 'oversize' };

export interface FaultDecision {
  down: boolean;
  latencyMs: number;
  outcome: FaultOutcome;
}

// The seed when the document gives none: runs stay repeatable unless asked otherwise.
export const DEFAULT_SEED = 1;

// z for the 99th percentile of a standard normal: sigma = ln(p99 / median) / 2.326.
const Z_P99 = 2.326;

function sampleLatency(spec: LatencySpec | undefined, random: Random): number {
  if (!spec) return 0;
  if ('median' in spec) {
    const sigma = Math.log(spec.p99 / spec.median) / Z_P99;
    return Math.min(60_000, spec.median * Math.exp(sigma * standardNormal(random)));
  }
  // Uniform in [base - jitter, base + jitter], floored at zero.
  return Math.max(0, spec.base + (2 * random() - 1) * spec.jitter);
}

function garbage(random: Random): Buffer {
  const body = Buffer.alloc(64 + Math.floor(random() * 2048));
  for (let i = 0; i < body.length; i++) body[i] = Math.floor(random() * 256);
  return body;
}

// The outcome for the index-th tile request since the document was set: a pure function of (document,
// index). One uniform draw picks the outcome from disjoint buckets in a fixed order, so each rate is
// exactly that outcome's probability.
export function decideFault(doc: FaultDocument, index: number): FaultDecision {
  const random = streamFor(doc.seed ?? DEFAULT_SEED, index);
  const u = random();
  const latencyMs = sampleLatency(doc.latencyMs, random);
  const decision = (outcome: FaultOutcome): FaultDecision => ({ down: doc.down === true, latencyMs, outcome });

  let edge = 0;
  const hit = (r: number | undefined) => {
    edge += r ?? 0;
    return u < edge;
  };
  for (const [code, r] of Object.entries(doc.status ?? {})) {
    if (hit(r)) return decision({ kind: 'status', status: Number(code) });
  }
  if (doc.rateLimit && hit(doc.rateLimit.rate)) return decision({ kind: 'rateLimit', retryAfterS: doc.rateLimit.retryAfterS, retryAfterForm: doc.rateLimit.retryAfterForm ?? 'seconds' });
  if (hit(doc.hangRate)) return decision({ kind: 'hang' });
  if (hit(doc.garbageRate)) return decision({ kind: 'garbage', body: garbage(random) });
  if (hit(doc.htmlRate)) return decision({ kind: 'html' });
  // Cut somewhere in the middle 10–90 % so the client has started receiving before the socket dies.
  if (hit(doc.truncateRate)) return decision({ kind: 'truncate', fraction: 0.1 + 0.8 * random() });
  if (doc.slowBody && hit(doc.slowBody.rate)) return decision({ kind: 'slowBody', bytesPerSecond: doc.slowBody.bytesPerSecond });
  // Last, so documents written before this outcome existed replay exactly the same decisions.
  if (hit(doc.oversizeRate)) return decision({ kind: 'oversize' });
  return decision({ kind: 'none' });
}
