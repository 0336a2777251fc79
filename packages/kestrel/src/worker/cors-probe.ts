// A browser says only "TypeError: Failed to fetch" both when the network is down and when a cross-origin server
// answered without Access-Control-Allow-Origin. A `no-cors` request tells them apart: it resolves (opaque) when the
// server answered, and fails like the first when nothing did. The verdict is kept per origin for a while, so a
// misconfigured or unreachable origin costs one probe per PROBE_EVERY_MS, not one per tile.
const PROBE_EVERY_MS = 10_000;

export class CorsProbe {
  private readonly verdicts = new Map<string, { at: number; blocked: boolean }>();

  constructor(
    private readonly probe: (url: string, signal: AbortSignal) => Promise<{ type: string }>,
    private readonly ownOrigin: () => string,
    private readonly now: () => number = Date.now,
  ) {}

  // After a CORS-mode fetch of `url` failed: did the server answer, but refuse to let this page read it?
  // `onProbe` is told when a probe request actually goes out (the host counts it like any other request).
  async blocks(url: string, signal: AbortSignal, onProbe?: () => void): Promise<boolean> {
    const origin = originOf(url);
    if (!origin || origin === this.ownOrigin()) return false;
    const known = this.verdicts.get(origin);
    if (known && this.now() - known.at < PROBE_EVERY_MS) return known.blocked;
    let blocked = false;
    try {
      onProbe?.();
      blocked = (await this.probe(url, signal)).type === 'opaque';
    } catch {
      // nothing answered: a network failure, not CORS
    }
    if (!signal.aborted) this.verdicts.set(origin, { at: this.now(), blocked });
    return blocked;
  }

  error(url: string): Error {
    const error = new Error(`${originOf(url)} answered without Access-Control-Allow-Origin for this page (CORS): its tiles cannot be read`);
    error.name = 'CorsError';
    return error;
  }
}

/** The origin (scheme, host, port) fetch compares `url` by; undefined when it is not a URL. */
export function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
