import type { TileCoord } from '../contract/engine-api.ts';
import { CredentialParams } from './credential-params.ts';
import { ARCHIVE_SCHEME } from './pmtiles/archive-url.ts';

export interface CacheKeyParts {
  source: string;
  coord?: TileCoord;
  // the normalised URL: no credentials, secrets as digests, no userinfo, no fragment, query sorted by name
  url: string;
}

// `|` separates the parts; the source is percent-encoded and the URL comes last, so a `|` inside either
// cannot shift the fields when the key is parsed back.
const SEPARATOR = '|';
const NO_COORD = '-';

// Builds normalised cache keys: source + z/x/y + the URL in its persisted form (credential-params.ts): no
// credentials, secrets as digests. Keys go to IndexedDB, so no token may appear in one; and two upstream URLs that
// differ in any other way (a secret's value included) must never share a key, or one would get the other's body.
export class CacheKey {
  constructor(readonly params: CredentialParams = new CredentialParams()) {}

  keyFor(req: { url: string; source?: string; coord?: TileCoord }): string {
    const source = encodeURIComponent(req.source ?? '');
    const coord = req.coord ? `${req.coord.z}/${req.coord.x}/${req.coord.y}` : NO_COORD;
    return [source, coord, this.normaliseUrl(req.url)].join(SEPARATOR);
  }

  normaliseUrl(raw: string): string {
    // pmtiles://https://host/a.pmtiles/z/x/y: the archive's URL is the one to clean (a URL parser would take
    // "https" for the host of the pmtiles: URL and drop the colon after it)
    if (raw.startsWith(ARCHIVE_SCHEME)) return ARCHIVE_SCHEME + this.normaliseUrl(raw.slice(ARCHIVE_SCHEME.length));
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return this.normaliseUnparsable(raw);
    }
    url.username = '';
    url.password = '';
    url.hash = '';
    url.search = this.params.cleanQuery(url.search);
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
    const query = queryAt < 0 ? '' : this.params.cleanQuery(withoutFragment.slice(queryAt));
    return query ? `${base}?${query}` : base;
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
