import type { EngineOptions, FailureReason } from '../contract/engine-api.ts';
import type { Random } from './ports.ts';

export type RetryOptions = Pick<EngineOptions['retry'], 'baseMs' | 'capMs' | 'maxAttempts'>;

export type StatusClass =
  | { kind: 'ok' }
  | { kind: 'no-tile' }
  | { kind: 'not-modified' }
  | { kind: 'fail'; reason: FailureReason; retryable: boolean };

// What the retry decision needs to know about one failed attempt.
export interface AttemptFailure {
  reason: FailureReason;
  retryable: boolean;
  // from Retry-After: the earliest moment (relative to the failure) the server allows another try
  retryAfterMs?: number;
}

export type RetryDecision = { retryInMs: number } | { giveUp: FailureReason; message: string };

// 204 and 404 mean "no tile here", an answer, not an error. 429, 5xx and 408 (the server timed out waiting for
// us) are transient; any other 4xx will not change on retry. 304 is only meaningful for a conditional request,
// which the caller knows about. Anything else (1xx, other 3xx: fetch follows redirects) is unexpected and final.
export function classifyStatus(status: number): StatusClass {
  if (status === 204 || status === 404) return { kind: 'no-tile' };
  if (status >= 200 && status < 300) return { kind: 'ok' };
  if (status === 304) return { kind: 'not-modified' };
  if (status === 0) return { kind: 'fail', reason: 'opaque', retryable: false };
  if (status === 429) return { kind: 'fail', reason: 'http-429', retryable: true };
  if (status >= 500 && status < 600) return { kind: 'fail', reason: 'http-5xx', retryable: true };
  return { kind: 'fail', reason: 'http-4xx', retryable: status === 408 };
}

// Retry-After as delta-seconds or an HTTP-date, as ms to wait from `nowMs` (epoch ms for dates). Undefined when
// absent or unparseable; a date in the past means "now" (0).
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  // All three HTTP-date forms start with a day name; Date.parse alone would accept "-5" as a year.
  if (!/^[A-Za-z]/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

// Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): uniform in
// [0, min(cap, base·2^n)) spreads a burst of failures out instead of re-synchronising it.
export class RetryPolicy {
  constructor(
    private options: RetryOptions,
    private readonly random: Random,
  ) {}

  configure(options: RetryOptions): void {
    this.options = options;
  }

  // retryIndex 0 is the first retry.
  envelopeMs(retryIndex: number): number {
    return Math.min(this.options.capMs, this.options.baseMs * 2 ** retryIndex);
  }

  delayMs(failure: AttemptFailure, retryIndex: number): number {
    // The server named a time: never earlier; up to one base of jitter after it so clients told the same
    // instant do not return in lockstep.
    if (failure.retryAfterMs !== undefined) return failure.retryAfterMs + this.random() * this.options.baseMs;
    // Throttled without a hint: equal jitter on an envelope four times larger, so at least twice the plain
    // envelope (the server is telling us to slow down, not that it hiccuped).
    if (failure.reason === 'http-429') {
      const envelope = Math.min(this.options.capMs, this.options.baseMs * 2 ** (retryIndex + 2));
      return envelope * (0.5 + 0.5 * this.random());
    }
    return this.random() * this.envelopeMs(retryIndex);
  }

  // `attempts` made so far (≥ 1). The budget is consulted last, so it is only spent on retries that will happen.
  decide(failure: AttemptFailure, attempts: number, now: number, deadlineAt: number, budgetAllows: () => boolean): RetryDecision {
    if (!failure.retryable) return { giveUp: failure.reason, message: `${failure.reason} is not retryable` };
    if (attempts >= this.options.maxAttempts) {
      return { giveUp: failure.reason, message: `${failure.reason} after ${attempts} attempts` };
    }
    const delay = this.delayMs(failure, attempts - 1);
    if (now + delay >= deadlineAt) {
      // A Retry-After beyond the deadline is the server's answer, so report it as such.
      const reason = failure.retryAfterMs !== undefined ? failure.reason : 'deadline';
      return { giveUp: reason, message: `next try in ${Math.round(delay)} ms would pass the deadline` };
    }
    if (!budgetAllows()) return { giveUp: 'retry-budget', message: `retry budget exhausted (last: ${failure.reason})` };
    return { retryInMs: delay };
  }
}
