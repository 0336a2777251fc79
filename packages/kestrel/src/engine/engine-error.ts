import type { EngineFailure, FailureReason } from '../contract/engine-api.ts';

// What `TileEngine.request` rejects with. `failure` is plain data so the worker can post it across the thread
// boundary as is; the name AbortError lets callers that only know DOM conventions recognise a cancellation.
export class EngineError extends Error {
  readonly failure: EngineFailure;

  constructor(failure: EngineFailure) {
    super(failure.message);
    this.name = failure.reason === 'aborted' ? 'AbortError' : 'EngineError';
    this.failure = failure;
  }

  get reason(): FailureReason {
    return this.failure.reason;
  }

  static of(reason: FailureReason, message: string, attempts = 0, status?: number): EngineError {
    return new EngineError(status === undefined ? { reason, message, attempts } : { reason, message, attempts, status });
  }

  static aborted(message = 'request cancelled', attempts = 0): EngineError {
    return EngineError.of('aborted', message, attempts);
  }
}

// A cancellation because the work is no longer wanted, not because it must stop: bulk work already on the wire
// may finish into the cache (Scheduler.leave says why). The asker still gets an ordinary 'aborted' rejection.
export class Superseded extends EngineError {
  constructor(message = 'no longer wanted') {
    super({ reason: 'aborted', message, attempts: 0 });
  }
}

export function isAborted(error: unknown): boolean {
  return error instanceof EngineError && error.reason === 'aborted';
}

// Any rejection from the engine as plain EngineFailure data, for the thread boundary. Anything that is not an
// EngineError is a bug or a port misbehaving; it is reported as 'network' with its message kept.
export function toEngineFailure(error: unknown): EngineFailure {
  if (error instanceof EngineError) return { ...error.failure };
  if (error instanceof Error && error.name === 'AbortError') return { reason: 'aborted', message: error.message, attempts: 0 };
  return { reason: 'network', message: `unexpected engine error: ${String(error)}`, attempts: 0 };
}
