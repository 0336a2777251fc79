import type { Fetcher } from '../src/engine/ports.ts';

export interface PendingFetch {
  url: string;
  // the engine's validators (If-None-Match…) and, apart from them, what the app's request carried
  conditionalHeaders: Record<string, string>;
  appHeaders: Record<string, string>;
  credentials?: RequestCredentials;
  // the fetcher was asked to bypass HTTP caches (a refused body before)
  fresh: boolean;
  signal: AbortSignal;
  aborted: boolean;
  settled: boolean;
  respond(status: number, body?: BodyInit | null, headers?: Record<string, string>): void;
  fail(error?: Error): void;
}

// Every request waits until the test resolves or rejects it (after PMTiles' ControllableSource),
// so abort, coalescing and retry interleavings are chosen by the test, not by timing.
export class ControllableFetcher {
  readonly calls: PendingFetch[] = [];
  inFlight = 0;
  maxInFlight = 0;

  readonly fetch: Fetcher = (url, init) =>
    new Promise<Response>((resolve, reject) => {
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      const done = () => {
        if (!call.settled) {
          call.settled = true;
          this.inFlight--;
        }
      };
      const call: PendingFetch = {
        url,
        conditionalHeaders: init.conditionalHeaders ?? {},
        appHeaders: init.appHeaders ?? {},
        credentials: init.credentials,
        fresh: init.fresh === true,
        signal: init.signal,
        aborted: false,
        settled: false,
        respond: (status, body = null, headers = {}) => {
          if (call.settled) return;
          done();
          const nullBody = status === 204 || status === 304;
          resolve(new Response(nullBody ? null : body, { status, headers }));
        },
        fail: (error = new TypeError('Failed to fetch')) => {
          if (call.settled) return;
          done();
          reject(error);
        },
      };
      init.signal.addEventListener('abort', () => {
        call.aborted = true;
        if (call.settled) return;
        done();
        reject(new DOMException('The operation was aborted.', 'AbortError'));
      });
      if (init.signal.aborted) {
        call.aborted = true;
        done();
        reject(new DOMException('The operation was aborted.', 'AbortError'));
        return;
      }
      this.calls.push(call);
    });

  pending(): PendingFetch[] {
    return this.calls.filter((c) => !c.settled);
  }

  last(): PendingFetch {
    const call = this.calls.at(-1);
    if (!call) throw new Error('no fetch was made');
    return call;
  }
}
