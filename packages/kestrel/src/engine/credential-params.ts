import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * Query parameters that are only ever a credential on the tile services we know of (Mapbox and OAuth
 * `access_token`, Stadia `api_key`, Thunderforest `apikey`). The resource is the same whatever their value, so they
 * are stripped from cache keys: a rotated token still hits the tiles cached under the old one.
 */
export const DEFAULT_CREDENTIAL_PARAMS: readonly string[] = ['access_token', 'api_key', 'apikey'];

/**
 * Query parameters that carry a credential on some services (MapTiler `key`, generic `token`) and select content on
 * others (`?key=roads` and `?key=water` are two layers). Their value never persists in clear, but it still tells
 * resources apart: cache keys keep it as a digest, so two different upstream URLs never share a cached body or a
 * coalesced fetch.
 */
export const DEFAULT_SECRET_PARAMS: readonly string[] = ['key', 'token'];

// The persisted stand-in for a secret value: a keyed SHA-256 (HMAC, 128 bits kept) under a fixed domain key. It
// is one-way and collision-resistant, so distinct values keep distinct keys and the value cannot be read back.
// A fixed key keeps it deterministic across sessions: the next page load must find the same records.
const DIGEST_PREFIX = 'kd1-';
const DIGEST = new RegExp(`^${DIGEST_PREFIX}[0-9a-f]{32}$`);
const DIGEST_KEY = utf8ToBytes('kestrel cache key: secret query parameter');

export function digestSecret(value: string): string {
  // Already a digest (a stored template normalised before): normalising again must not change it.
  if (DIGEST.test(value)) return value;
  return DIGEST_PREFIX + bytesToHex(hmac(sha256, DIGEST_KEY, utf8ToBytes(value))).slice(0, 32);
}

/** What happens to a query parameter before anything derived from a URL is persisted. */
export type ParamTreatment = 'strip' | 'digest' | 'keep';

/**
 * The engine's rules for credentials in URLs (EngineOptions `credentialParams` and `secretParams`), matched by name
 * whatever its case. One instance serves cache keys, saved areas' templates and stored resource bodies, so they
 * all agree on what a URL's persisted form is.
 */
export class CredentialParams {
  private readonly strip: Set<string>;
  private readonly digest: Set<string>;

  constructor(
    readonly credentialParams: readonly string[] = DEFAULT_CREDENTIAL_PARAMS,
    readonly secretParams: readonly string[] = DEFAULT_SECRET_PARAMS,
  ) {
    this.strip = new Set(credentialParams.map((name) => name.toLowerCase()));
    // A name in both lists is stripped: the user said its value never changes the resource.
    this.digest = new Set(secretParams.map((name) => name.toLowerCase()).filter((name) => !this.strip.has(name)));
  }

  treatment(name: string): ParamTreatment {
    const lower = name.toLowerCase();
    if (this.strip.has(lower)) return 'strip';
    return this.digest.has(lower) ? 'digest' : 'keep';
  }

  /** A query string (with or without `?`) in its persisted form: credentials out, secrets digested, sorted by name. */
  cleanQuery(search: string): string {
    const params = new URLSearchParams(search);
    const out = new URLSearchParams();
    for (const [name, value] of params) {
      const treatment = this.treatment(name);
      if (treatment === 'keep') out.append(name, value);
      else if (treatment === 'digest') out.append(name, digestSecret(value));
    }
    // Stable sort by name: repeated names keep their relative order, which some servers give meaning to.
    out.sort();
    return out.toString();
  }

  /**
   * A URL template's persisted form, without parsing it as a URL (`{z}` must stay as it is): the same treatment
   * as `cleanQuery`, but the other pairs are kept as written and in their order.
   */
  cleanTemplate(template: string): string {
    const at = template.indexOf('?');
    if (at < 0) return template;
    const [query, fragment = ''] = template.slice(at + 1).split(/(?=#)/);
    const kept: string[] = [];
    for (const pair of query.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const name = decodePart(eq < 0 ? pair : pair.slice(0, eq));
      const treatment = this.treatment(name);
      if (treatment === 'keep') kept.push(pair);
      else if (treatment === 'digest') kept.push(`${pair.slice(0, eq < 0 ? pair.length : eq)}=${digestSecret(decodePart(eq < 0 ? '' : pair.slice(eq + 1)))}`);
    }
    return template.slice(0, at) + (kept.length > 0 ? `?${kept.join('&')}` : '') + fragment;
  }

  /**
   * A URL's credential and secret parameters, name (as written) and value, longest value first: for keeping them
   * out of bodies that are stored (a style or TileJSON fetched with a token repeats it in its tile URLs).
   */
  secretsIn(url: string): UrlSecret[] {
    const at = url.indexOf('?');
    if (at < 0) return [];
    const secrets: UrlSecret[] = [];
    for (const [name, value] of new URLSearchParams(url.slice(at + 1).split('#')[0])) {
      if (value !== '' && this.treatment(name) !== 'keep' && !secrets.some((s) => s.name === name)) secrets.push({ name, value });
    }
    return secrets.sort((a, b) => b.value.length - a.value.length);
  }
}

/** One credential or secret query parameter of a URL. */
export interface UrlSecret {
  name: string;
  value: string;
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return part;
  }
}
