/** The part of `navigator.locks` leader election uses. */
export interface LockRequester {
  request(name: string, options: { signal?: AbortSignal }, callback: (lock: unknown) => Promise<void> | void): Promise<unknown>;
}

// Web Locks leader election: the one tab that holds the lock leads (runs the engine); the others wait in the
// lock's queue. A tab's locks are released by the browser when the tab closes or crashes, so the next tab in the
// queue is granted it at once: that is the hand-over. `lead` starts the leader's work and returns what stops it.
// Returns what gives up leading (or waiting to lead).
export function holdLeadership(locks: LockRequester, name: string, lead: () => () => void): () => void {
  const waiting = new AbortController();
  let stopped = false;
  let release: (() => void) | undefined;
  locks
    .request(name, { signal: waiting.signal }, () => {
      if (stopped) return;
      const stop = lead();
      return new Promise<void>((resolve) => {
        release = () => {
          stop();
          resolve();
        };
      });
    })
    // AbortError: given up while still waiting in the queue
    .catch(() => undefined);
  return () => {
    if (stopped) return;
    stopped = true;
    waiting.abort();
    release?.();
  };
}
