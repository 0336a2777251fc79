import type { AppRequestInit } from './ports.ts';

/**
 * How many upstream origins' headers are remembered at once. A style rarely draws on more than a handful of tile
 * hosts; the bound only keeps a session that visits many (style switching, user-added layers) from growing this
 * without end. Past it the origin seen longest ago is forgotten: its prefetches go out bare until a visible
 * request to it is seen again.
 */
export const MAX_REMEMBERED_ORIGINS = 64;

/**
 * The app's headers and credentials mode (from its MapLibre `transformRequest`) last seen on a visible request,
 * per upstream origin (scheme + host + port), for the requests the engine makes by itself: prefetches, offline-area
 * downloads and background revalidations carry none of their own, and a host that requires the header would answer
 * every one of them 401.
 *
 * In memory only, by design: these are credentials. Nothing here is persisted, part of a cache key, counted in
 * stats or logged, and there is no way to list what is held.
 */
export class AppRequestMemory {
  private readonly byOrigin = new Map<string, AppRequestInit>();

  constructor(private readonly maxOrigins = MAX_REMEMBERED_ORIGINS) {}

  /**
   * Keeps what a visible request to `url` carried, replacing what its origin had (a refreshed token wins). A request
   * that carried nothing changes nothing: apps often add a header to some of a host's requests and not others, and
   * forgetting on every bare one would leave prefetches bare half the time.
   */
  remember(url: string, app: AppRequestInit | undefined): void {
    if (!app) return;
    const origin = originOf(url);
    if (origin === undefined) return;
    this.byOrigin.delete(origin);
    // a copy: the caller's object must not change what later requests send
    this.byOrigin.set(origin, copyOf(app));
    if (this.byOrigin.size > this.maxOrigins) this.byOrigin.delete(this.byOrigin.keys().next().value as string);
  }

  /** What an engine-made request to `url` should carry: the last seen for its origin, or nothing. */
  recall(url: string): AppRequestInit | undefined {
    const origin = originOf(url);
    return origin === undefined ? undefined : this.byOrigin.get(origin);
  }

  /** Forgets everything (the engine is disposed). */
  clear(): void {
    this.byOrigin.clear();
  }
}

/**
 * The app part of a request, or undefined when it carried nothing (no headers, no credentials mode).
 * Empty header objects count as nothing, so they neither reach the fetcher nor replace a remembered set.
 */
export function appRequestOf(headers: Record<string, string> | undefined, credentials: RequestCredentials | undefined): AppRequestInit | undefined {
  const hasHeaders = headers !== undefined && Object.keys(headers).length > 0;
  if (!hasHeaders && credentials === undefined) return undefined;
  const app: AppRequestInit = {};
  if (hasHeaders) app.appHeaders = headers;
  if (credentials !== undefined) app.credentials = credentials;
  return app;
}

function copyOf(app: AppRequestInit): AppRequestInit {
  const copy: AppRequestInit = {};
  if (app.appHeaders) copy.appHeaders = { ...app.appHeaders };
  if (app.credentials !== undefined) copy.credentials = app.credentials;
  return copy;
}

// The origin as fetch compares it: scheme, host and port (a default port is dropped, so :443 and none agree).
function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    // 'null' for schemes without an origin (data:, blob:): nothing to key credentials on
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}
