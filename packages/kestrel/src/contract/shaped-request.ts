import type { TileRequest } from './engine-api.ts';

// What the app's `transformRequest` put on a request besides its URL, as MapLibre hands it to a protocol
// handler: headers (an Authorization or API-key header) and `credentials`. Passed on to the engine's fetch, and
// never into a cache key or storage (the engine keys by URL, credential parameters stripped).
export function shapedRequest(params: { headers?: unknown; credentials?: RequestCredentials }): Pick<TileRequest, 'headers' | 'credentials'> {
  const out: Pick<TileRequest, 'headers' | 'credentials'> = {};
  const headers = plainHeaders(params.headers);
  if (headers) out.headers = headers;
  if (params.credentials === 'include' || params.credentials === 'omit' || params.credentials === 'same-origin') out.credentials = params.credentials;
  return out;
}

// MapLibre passes the object the app returned: a plain record, or a Headers instance.
function plainHeaders(headers: unknown): Record<string, string> | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const pairs = typeof (headers as Headers).get === 'function' ? [...(headers as Headers).entries()] : Object.entries(headers);
  const out = Object.fromEntries(pairs.filter((pair): pair is [string, string] => typeof pair[1] === 'string'));
  return Object.keys(out).length ? out : undefined;
}
