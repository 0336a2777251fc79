import CachePolicy from 'http-cache-semantics';
import type { CachedTile } from './ports.ts';

export type StoredPolicy = CachePolicy.CachePolicyObject;

export interface FreshnessVerdict {
  freshness: CachedTile['freshness'];
  // empty unless the entry needs a (background or blocking) revalidation
  revalidationHeaders: Record<string, string>;
  cacheControl?: string;
  expires?: string;
  // the stored ETag, when the answer had one
  validator?: string;
}

// Only the headers that decide freshness and revalidation are kept: the policy object is persisted, and
// anything else (cookies, tracing ids, CORS noise) would only bloat records or leak into storage.
const KEPT_HEADERS = ['cache-control', 'expires', 'date', 'age', 'etag', 'last-modified', 'pragma', 'vary'];

// Statuses whose answer is worth caching: a tile, or a cached "no tile here".
const CACHEABLE_STATUSES = new Set([200, 203, 204, 404, 410]);

// The request every tile policy is built and evaluated against. No URL and no headers: the cache key
// already identifies the resource, and leaving the URL out keeps credentials out of the stored policy.
const TILE_REQUEST: CachePolicy.Request = { method: 'GET', headers: {} };

export type StoreDecision = { store: true; policy: CachePolicy } | { store: false; supersedes: boolean };

// HTTP freshness for cached tiles, on top of http-cache-semantics as a private (non-shared) cache.
// `now` is wall-clock epoch ms: policies are persisted across sessions and compared with the server's
// Date/Expires headers, so a monotonic engine clock would be wrong here.
export class Freshness {
  private readonly Policy: typeof CachePolicy;

  constructor(now: () => number = Date.now) {
    // http-cache-semantics reads time only through `now()`, which it documents as the override point.
    this.Policy = class ClockedPolicy extends CachePolicy {
      now(): number {
        return now();
      }
    };
  }

  // `supersedes`: the server answered successfully but forbade storing (no-store), so an older cached copy
  // is outdated and should go. Errors and uncacheable statuses leave the cached copy alone.
  decide(status: number, headers: Record<string, string>): StoreDecision {
    if (!CACHEABLE_STATUSES.has(status)) return { store: false, supersedes: false };
    const policy = new this.Policy(TILE_REQUEST, { status, headers: keptHeaders(headers) }, { shared: false });
    if (!policy.storable()) return { store: false, supersedes: true };
    return { store: true, policy };
  }

  // A stored object that does not rebuild into a policy is corrupt: undefined, and the caller drops it.
  revive(stored: unknown): CachePolicy | undefined {
    if (!isStoredPolicy(stored)) return undefined;
    try {
      return this.Policy.fromObject(stored);
    } catch {
      return undefined;
    }
  }

  verdict(policy: CachePolicy): FreshnessVerdict {
    const { resh, rescc } = policy.toObject();
    const freshness = this.classify(policy, rescc, resh);
    const verdict: FreshnessVerdict = {
      freshness,
      revalidationHeaders: freshness === 'fresh' ? {} : revalidationHeaders(policy),
      cacheControl: headerText(resh['cache-control']),
      expires: headerText(resh.expires),
    };
    const validator = headerText(resh.etag);
    if (validator !== undefined) verdict.validator = validator;
    return verdict;
  }

  // A 304 answer: the stored bytes stay, the policy takes the new headers (new Date, max-age, ETag).
  revalidated(policy: CachePolicy, headers: Record<string, string>): CachePolicy {
    return policy.revalidatedPolicy(TILE_REQUEST, { status: 304, headers: keptHeaders(headers) }).policy;
  }

  // Not `evaluateRequest`: it treats must-revalidate as "revalidate even while fresh" and an expired
  // response without stale-while-revalidate as a miss. A map tile a little out of date beats a blank map,
  // so past its lifetime an entry is served stale and refreshed in the background, unless the server
  // demanded validation (no-cache, or must-revalidate once stale, or Vary: *).
  private classify(policy: CachePolicy, rescc: Record<string, string>, resh: CachePolicy.Headers): CachedTile['freshness'] {
    if ('no-cache' in rescc || resh.vary === '*') return 'revalidate';
    if (!policy.stale()) return 'fresh';
    return 'must-revalidate' in rescc ? 'revalidate' : 'stale';
  }
}

function revalidationHeaders(policy: CachePolicy): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(policy.revalidationHeaders(TILE_REQUEST))) {
    const text = headerText(value);
    if (text !== undefined) out[name] = text;
  }
  return out;
}

function keptHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (KEPT_HEADERS.includes(lower)) out[lower] = value;
  }
  return out;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function isStoredPolicy(value: unknown): value is StoredPolicy {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<StoredPolicy>;
  return v.v === 1 && typeof v.t === 'number' && typeof v.resh === 'object' && v.resh !== null && typeof v.rescc === 'object' && v.rescc !== null;
}
