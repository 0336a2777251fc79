// Port of `npm run tiles` when nothing else says where the tile server is.
export const DEFAULT_TILE_PORT = 8787;

// `?style=` wins; then the tile server `npm start` told the dev build about; then port 8787 on the page's host,
// so a built app served anywhere finds a tile server started beside it with the default port.
// A relative or protocol-relative `?style=` is made absolute against the page: only absolute http(s) addresses
// are routed through the engine (resource-routing.ts), and a style that bypassed it would bypass its size cap.
export function resolveStyleUrl(location: { search: string; protocol: string; hostname: string; href: string }, tileUrl: string): string {
  const fromQuery = new URLSearchParams(location.search).get('style');
  if (fromQuery) {
    try {
      return new URL(fromQuery, location.href).href;
    } catch {
      return fromQuery;
    }
  }
  const base = tileUrl || `${location.protocol}//${location.hostname}:${DEFAULT_TILE_PORT}`;
  return `${base.replace(/\/$/, '')}/style.json`;
}

// `?style=` is untrusted input: only an http(s) address (absolute, or relative to the page) may be loaded as the
// style. Returns why not, in words for the page's notice, or undefined when the address is acceptable.
export function styleUrlProblem(styleUrl: string, base = 'http://page.invalid/'): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(styleUrl, base);
  } catch {
    return 'the ?style= address is not a URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `the ?style= address must be http(s), not ${parsed.protocol}`;
  return undefined;
}
