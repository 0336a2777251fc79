export interface ConnectionLimiter {
  // Resolves with a release function once a slot is free; rejects with the signal's reason if aborted first.
  acquire(signal: AbortSignal): Promise<() => void>;
  // 0 lifts the cap. Raising it (or lifting it) admits waiting requests at once.
  setMax(max: number): void;
  readonly active: number;
  readonly waiting: number;
}

// Models a server with a fixed number of workers: requests past the cap queue in arrival order and hold
// their socket open (the client just sees a slow response) rather than being refused.
export function createConnectionLimiter(initialMax = 0): ConnectionLimiter {
  let max = initialMax;
  let active = 0;
  const queue: { admit: () => void }[] = [];

  const hasRoom = () => max === 0 || active < max;

  function release(): void {
    active--;
    drain();
  }

  function drain(): void {
    while (queue.length > 0 && hasRoom()) queue.shift()!.admit();
  }

  function onceReleaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  }

  return {
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    setMax(next) {
      max = next;
      drain();
    },
    acquire(signal) {
      if (signal.aborted) return Promise.reject(signal.reason);
      if (hasRoom() && queue.length === 0) {
        active++;
        return Promise.resolve(onceReleaser());
      }
      return new Promise((resolve, reject) => {
        const entry = {
          admit: () => {
            signal.removeEventListener('abort', onAbort);
            active++;
            resolve(onceReleaser());
          },
        };
        const onAbort = () => {
          const i = queue.indexOf(entry);
          if (i >= 0) queue.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        queue.push(entry);
      });
    },
  };
}
