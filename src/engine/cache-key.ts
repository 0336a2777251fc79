import type { TileCoord } from '../contract/engine-api.ts';

// Query parameters that carry credentials on common tile services (Mapbox `access_token`, MapTiler `key`,
// Stadia/Thunderforest `api_key`/`apikey`, generic `token`); the same list as the engine's default options.
// Stripping them keeps tokens out of IndexedDB and lets a rotated token hit the tiles cached under the old one.
export const DEFAULT_CREDENTIAL_PARAMS: readonly string[] = ['access_token', 'key', 'api_key', 'apikey', 'token'];

export interface CacheKeyParts {
  source: string;
  coord?: TileCoord;
  // the normalised URL: no credentials, no userinfo, no fragment, query sorted by name
  url: string;
}

// `|` separates the parts; the source is percent-encoded and the URL comes last, so a `|` inside either
// cannot shift the fields when the key is parsed back.
const SEPARATOR = '|';
const NO_COORD = '-';

// Builds normalised cache keys: source + z/x/y + the URL without credentials.
export class CacheKey {
  private readonly credentials: Set<string>;

  // `credentialParams` replaces the defaults rather than adding to them: a server whose `key` parameter
  // selects content (not a credential) must be able to keep it, or distinct tiles would share one key.
  constructor(credentialParams: readonly string[] = DEFAULT_CREDENTIAL_PARAMS) {
    this.credentials = new Set(credentialParams.map((name) => name.toLowerCase()));
  }

  keyFor(req: { url: string; source?: string; coord?: TileCoord }): string {
    const source = encodeURIComponent(req.source ?? '');
    const coord = req.coord ? `${req.coord.z}/${req.coord.x}/${req.coord.y}` : NO_COORD;
    return [source, coord, this.normaliseUrl(req.url)].join(SEPARATOR);
  }

  normaliseUrl(raw: string): string {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return this.normaliseUnparsable(raw);
    }
    url.username = '';
    url.password = '';
    url.hash = '';
    url.search = this.cleanQuery(url.search);
    return url.href;
  }

  // Relative or malformed URLs still must not leak a token into the key.
  private normaliseUnparsable(raw: string): string {
    const withoutFragment = raw.split('#')[0];
    const queryAt = withoutFragment.indexOf('?');
    const base = (queryAt < 0 ? withoutFragment : withoutFragment.slice(0, queryAt)).replace(
      /^((?:[a-z][a-z0-9+.-]*:)?\/\/)[^/?#]*@/i,
      '$1',
    );
    const query = queryAt < 0 ? '' : this.cleanQuery(withoutFragment.slice(queryAt));
    return query ? `${base}?${query}` : base;
  }

  private cleanQuery(search: string): string {
    const params = new URLSearchParams(search);
    for (const name of [...params.keys()]) {
      if (this.credentials.has(name.toLowerCase())) params.delete(name);
    }
    // Stable sort by name: repeated names keep their relative order, which some servers give meaning to.
    params.sort();
    return params.toString();
  }
}

export function parseCacheKey(key: string): CacheKeyParts | undefined {
  const first = key.indexOf(SEPARATOR);
  const second = first < 0 ? -1 : key.indexOf(SEPARATOR, first + 1);
  if (second < 0) return undefined;
  let source: string;
  try {
    source = decodeURIComponent(key.slice(0, first));
  } catch {
    return undefined;
  }
  const coordText = key.slice(first + 1, second);
  const url = key.slice(second + 1);
  if (coordText === NO_COORD) return { source, url };
  const [z, x, y] = coordText.split('/').map(Number);
  if (![z, x, y].every(Number.isInteger)) return undefined;
  return { source, coord: { z, x, y }, url };
}
