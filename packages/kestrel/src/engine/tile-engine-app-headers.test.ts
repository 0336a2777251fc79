import { describe, expect, it } from 'vitest';
import type { RequestPurpose } from '../contract/engine-api.ts';
import { EPOCH } from '../../test/cache-answers.ts';
import { CacheFakeStore } from '../../test/cache-fake-store.ts';
import { ControllableFetcher } from '../../test/controllable-fetcher.ts';
import { FakeClock, flushMicrotasks } from '../../test/fake-clock.ts';
import { engineHarness } from '../../test/engine-harness.ts';
import { seededRandom } from '../../test/seeded-random.ts';
import { mvtTile } from '../../test/tile-fixtures.ts';
import { TileCache } from './tile-cache.ts';
import { TileEngine } from './tile-engine.ts';

const TILE = 'https://a.test/4/8/8.pbf';
const NEIGHBOUR = 'https://a.test/4/8/9.pbf';
const OTHER_HOST = 'https://b.test/4/8/9.pbf';
const SECRET = 'secret-123';
const APP = { headers: { 'X-Api-Key': SECRET }, credentials: 'include' as const };

describe('TileEngine: the app’s own headers and credentials', () => {
  it('sends a visible request’s app headers and credentials to the fetcher, apart from the conditional headers', async () => {
    const h = engineHarness();
    h.cache.seed(TILE, { bytes: mvtTile(), freshness: 'revalidate', revalidationHeaders: { 'If-None-Match': '"v1"' } });
    h.start(h.req(TILE, APP));
    await h.tick();
    expect(h.fetcher.last()).toMatchObject({
      appHeaders: { 'X-Api-Key': SECRET },
      conditionalHeaders: { 'If-None-Match': '"v1"' },
      credentials: 'include',
    });
  });

  it.each<RequestPurpose>(['prefetch', 'offline-save'])(
    'a %s request carries the headers last seen on a visible request to the same origin, and none to another origin',
    async (purpose) => {
      const h = engineHarness();
      h.start(h.req(TILE, APP));
      await h.tick();
      h.fetcher.last().respond(200, mvtTile());
      await h.tick();
      h.start(h.req(NEIGHBOUR, { purpose }));
      h.start(h.req(OTHER_HOST, { purpose }));
      await h.tick();
      const sent = (url: string) => h.fetcher.calls.find((c) => c.url === url);
      expect(sent(NEIGHBOUR)).toMatchObject({ appHeaders: { 'X-Api-Key': SECRET }, credentials: 'include' });
      expect(sent(OTHER_HOST)).toMatchObject({ appHeaders: {}, credentials: undefined });
    },
  );

  it('remembers the newest headers per origin; a visible request without any is sent bare and forgets nothing', async () => {
    const h = engineHarness();
    h.start(h.req(TILE, { headers: { Authorization: 'Bearer old' } }));
    h.start(h.req('https://a.test/4/9/9.pbf', { headers: { Authorization: 'Bearer new' } }));
    h.start(h.req('https://a.test/4/9/8.pbf'));
    await h.tick();
    expect(h.fetcher.last().appHeaders, 'a visible request goes out as the app gave it').toEqual({});
    h.start(h.req(NEIGHBOUR, { purpose: 'prefetch' }));
    await h.tick();
    expect(h.fetcher.last()).toMatchObject({ url: NEIGHBOUR, appHeaders: { Authorization: 'Bearer new' } });
  });

  it('a background revalidation of a stale tile carries the visible asker’s headers, or its origin’s for a prefetch', async () => {
    const h = engineHarness();
    h.cache.seed(TILE, { bytes: mvtTile(), freshness: 'stale', revalidationHeaders: { 'If-None-Match': '"v1"' } });
    h.cache.seed(NEIGHBOUR, { bytes: mvtTile(), freshness: 'stale', revalidationHeaders: { 'If-None-Match': '"v2"' } });
    h.start(h.req(TILE, APP));
    await h.tick();
    expect(h.fetcher.last()).toMatchObject({ url: TILE, appHeaders: { 'X-Api-Key': SECRET }, conditionalHeaders: { 'If-None-Match': '"v1"' } });
    h.start(h.req(NEIGHBOUR, { purpose: 'prefetch' }));
    await h.tick();
    expect(h.fetcher.last()).toMatchObject({ url: NEIGHBOUR, appHeaders: { 'X-Api-Key': SECRET }, credentials: 'include' });
  });

  it('a revalidation deferred while offline carries the origin’s headers once back online', async () => {
    const h = engineHarness({}, { online: false });
    h.start(h.req(TILE, APP));
    await h.tick();
    h.fetcher.last().respond(200, mvtTile());
    await h.tick();
    h.cache.seed(NEIGHBOUR, { bytes: mvtTile(), freshness: 'stale', revalidationHeaders: { 'If-None-Match': '"v2"' } });
    h.start(h.req(NEIGHBOUR));
    await h.tick();
    expect(h.fetcher.calls).toHaveLength(1);
    h.network.online = true;
    await h.clock.advance(1000);
    expect(h.fetcher.last()).toMatchObject({ url: NEIGHBOUR, appHeaders: { 'X-Api-Key': SECRET }, conditionalHeaders: { 'If-None-Match': '"v2"' } });
  });

  it('sends the app’s headers upstream but keeps them out of the cache key, the stored record, stats and the audit', async () => {
    const clock = new FakeClock();
    const fetcher = new ControllableFetcher();
    const store = new CacheFakeStore();
    const cache = new TileCache({ store, now: () => EPOCH });
    const asked: unknown[] = [];
    const keyFor = cache.keyFor.bind(cache);
    cache.keyFor = (req) => {
      asked.push(req);
      return keyFor(req);
    };
    const engine = new TileEngine({ fetcher: fetcher.fetch, clock, random: seededRandom(1), cache, digest: async () => 'digest' }, { audit: true });
    const done = engine.request({ id: 'r', url: TILE, kind: 'vector', ...APP });
    await flushMicrotasks();
    expect(fetcher.last()).toMatchObject({ appHeaders: { 'X-Api-Key': SECRET }, credentials: 'include' });
    fetcher.last().respond(200, mvtTile(), { 'cache-control': 'max-age=60' });
    await done;
    await store.flush();

    expect(store.records.size).toBe(1);
    const record = [...store.records.values()][0];
    const seen = JSON.stringify({ key: record.key, record: { ...record, bytes: undefined }, asked, stats: engine.stats(), audit: await engine.audit() });
    expect(seen).not.toContain(SECRET);
    expect(seen).not.toContain('X-Api-Key');
    for (const req of asked) {
      expect(req).not.toHaveProperty('headers');
      expect(req).not.toHaveProperty('credentials');
    }
  });
});
