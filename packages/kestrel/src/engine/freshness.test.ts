import { describe, expect, it } from 'vitest';
import { EPOCH, httpDate } from '../../test/cache-answers.ts';
import { Freshness } from './freshness.ts';

function clock(start = EPOCH) {
  const c = { t: start, now: () => c.t };
  return c;
}

function stored(freshness: Freshness, headers: Record<string, string>, status = 200) {
  const decision = freshness.decide(status, headers);
  if (!decision.store) throw new Error('expected a storable answer');
  return decision.policy;
}

describe('Freshness', () => {
  it('never stores a no-store answer, and says it supersedes the cached copy', () => {
    expect(new Freshness().decide(200, { 'cache-control': 'no-store' })).toEqual({ store: false, supersedes: true });
  });

  it('does not store server errors and leaves the cached copy alone', () => {
    expect(new Freshness().decide(503, { 'cache-control': 'max-age=60' })).toEqual({ store: false, supersedes: false });
  });

  it('stores 404 and 204 answers (a cached "no tile")', () => {
    expect(new Freshness().decide(404, {}).store).toBe(true);
    expect(new Freshness().decide(204, { 'cache-control': 'max-age=60' }).store).toBe(true);
  });

  it('is fresh for max-age seconds, then stale with a background revalidation', () => {
    const c = clock();
    const f = new Freshness(c.now);
    const policy = stored(f, { 'cache-control': 'max-age=60', etag: '"a"' });
    expect(f.verdict(policy).freshness).toBe('fresh');
    expect(f.verdict(policy).revalidationHeaders).toEqual({});
    c.t += 61_000;
    expect(f.verdict(policy)).toMatchObject({ freshness: 'stale', revalidationHeaders: { 'if-none-match': '"a"' } });
  });

  it('is fresh until Expires, measured from the server Date', () => {
    const c = clock();
    const f = new Freshness(c.now);
    const policy = stored(f, { date: httpDate(EPOCH), expires: httpDate(EPOCH + 120_000) });
    c.t += 119_000;
    expect(f.verdict(policy).freshness).toBe('fresh');
    c.t += 2_000;
    expect(f.verdict(policy).freshness).toBe('stale');
    expect(f.verdict(policy).expires).toBe(httpDate(EPOCH + 120_000));
  });

  it('asks for revalidation before use when the server sent no-cache', () => {
    const f = new Freshness(clock().now);
    const policy = stored(f, { 'cache-control': 'no-cache', 'last-modified': httpDate(EPOCH - 86_400_000) });
    expect(f.verdict(policy)).toMatchObject({
      freshness: 'revalidate',
      revalidationHeaders: { 'if-modified-since': httpDate(EPOCH - 86_400_000) },
    });
  });

  it('serves must-revalidate entries while fresh and blocks on revalidation once stale', () => {
    const c = clock();
    const f = new Freshness(c.now);
    const policy = stored(f, { 'cache-control': 'max-age=10, must-revalidate' });
    expect(f.verdict(policy).freshness).toBe('fresh');
    c.t += 11_000;
    expect(f.verdict(policy).freshness).toBe('revalidate');
  });

  it('makes a stale entry fresh again after a 304, keeping its validator', () => {
    const c = clock();
    const f = new Freshness(c.now);
    const policy = stored(f, { 'cache-control': 'max-age=10', etag: '"a"' });
    c.t += 20_000;
    const refreshed = f.revalidated(policy, { 'cache-control': 'max-age=300', etag: '"a"', date: httpDate(c.t) });
    expect(f.verdict(refreshed).freshness).toBe('fresh');
    c.t += 301_000;
    expect(f.verdict(refreshed).revalidationHeaders).toEqual({ 'if-none-match': '"a"' });
  });

  it('rebuilds a stored policy object into the same verdict', () => {
    const c = clock();
    const f = new Freshness(c.now);
    const object = structuredClone(stored(f, { 'cache-control': 'max-age=60' }).toObject());
    c.t += 30_000;
    expect(f.verdict(f.revive(object)!).freshness).toBe('fresh');
    c.t += 31_000;
    expect(f.verdict(f.revive(object)!).freshness).toBe('stale');
  });

  it('rejects a stored policy that is not one', () => {
    const f = new Freshness();
    expect(f.revive(null)).toBeUndefined();
    expect(f.revive({ v: 2 })).toBeUndefined();
    expect(f.revive('max-age=60')).toBeUndefined();
  });

  it('keeps no URL, credentials or unrelated headers in the stored policy', () => {
    const f = new Freshness();
    const object = stored(f, { 'cache-control': 'max-age=60', 'set-cookie': 'session=1', 'x-trace': 'abc' }).toObject();
    expect(object.u).toBeUndefined();
    expect(Object.keys(object.resh)).toEqual(['cache-control']);
    expect(JSON.stringify(object)).not.toContain('session');
  });
});
