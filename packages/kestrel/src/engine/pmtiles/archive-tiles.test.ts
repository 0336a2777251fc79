import { beforeEach, describe, expect, it } from 'vitest';
import { ArchiveHost, buildArchive } from '../../../test/archive-host.ts';
import { CacheFakeStore } from '../../../test/cache-fake-store.ts';
import { FakeClock } from '../../../test/fake-clock.ts';
import { seededRandom } from '../../../test/seeded-random.ts';
import { mvtTile } from '../../../test/tile-fixtures.ts';
import type { DeepPartial, EngineOptions, TileRequest } from '../../contract/engine-api.ts';
import type { EngineError } from '../engine-error.ts';
import { TileCache } from '../tile-cache.ts';
import { TileEngine } from '../tile-engine.ts';

const ARCHIVE = 'https://cdn.test/world.pmtiles';
const tile = (name: string) => mvtTile([{ name, points: [[1, 2]] }]);

// z0–2, every tile different, so a wrong range shows up as wrong bytes
function pyramid(label = 'v1', maxZoom = 2): Record<string, Uint8Array> {
  const tiles: Record<string, Uint8Array> = {};
  for (let z = 0; z <= maxZoom; z++) for (let x = 0; x < 2 ** z; x++) for (let y = 0; y < 2 ** z; y++) tiles[`${z}/${x}/${y}`] = tile(`${label}-${z}-${x}-${y}`);
  return tiles;
}

function rig(host: ArchiveHost, { store = new CacheFakeStore(), online = true, options = {} as DeepPartial<EngineOptions> } = {}) {
  const network = { online };
  const cache = new TileCache({ store });
  const clock = new FakeClock();
  const engine = new TileEngine({ fetcher: host.fetch, clock, random: seededRandom(1), cache, isOnline: () => network.online }, options);
  let n = 0;
  const ask = (path: string, extra: Partial<TileRequest> = {}) =>
    engine.request({ id: `r${n++}`, url: `pmtiles://${ARCHIVE}${path}`, kind: path ? 'vector' : 'resource', ...extra });
  const bytesOf = async (path: string) => new Uint8Array((await ask(path)).data ?? new ArrayBuffer(0));
  const failure = (path: string) => ask(path).then(() => undefined, (error: EngineError) => error);
  return { engine, cache, store, network, clock, ask, bytesOf, failure };
}

describe('pmtiles:// through the engine', () => {
  let host: ArchiveHost;
  beforeEach(() => {
    host = new ArchiveHost(buildArchive(pyramid()));
  });

  it('answers the source URL with a TileJSON whose tiles stay under pmtiles:// (a style written for the PMTiles Protocol works unchanged)', async () => {
    const { ask } = rig(host);
    const json = JSON.parse(new TextDecoder().decode((await ask('')).data ?? undefined));
    expect(json.tiles).toEqual([`pmtiles://${ARCHIVE}/{z}/{x}/{y}.mvt`]);
    expect([json.minzoom, json.maxzoom]).toEqual([0, 2]);
    expect(json.vector_layers).toEqual([{ id: 'places', fields: {} }]);
    // the header with its root directory, then the metadata: two ranges, nothing read whole
    expect(host.requests.map((r) => r.status)).toEqual([206, 206]);
  });

  it('reads each tile with one byte range and hands MapLibre the uncompressed tile, byte for byte', async () => {
    const { bytesOf } = rig(host);
    const tiles = pyramid();
    for (const z of ['0/0/0', '1/1/0', '2/3/1']) expect(await bytesOf(`/${z}.mvt`)).toEqual(tiles[z]);
    expect(host.requests.every((r) => r.status === 206)).toBe(true);
    // one header read, then one range per tile: the root directory came with the header
    expect(host.requests.length).toBe(1 + 3);
  });

  it('stores tiles per z/x/y: asked again, a tile comes from memory with no request', async () => {
    const { ask } = rig(host);
    await ask('/2/1/1');
    const before = host.requests.length;
    const again = await ask('/2/1/1');
    expect(again.tier).toBe('memory');
    expect(host.requests.length).toBe(before);
  });

  it('a warm reload reads header, directories and tiles from IndexedDB: no range request at all', async () => {
    const store = new CacheFakeStore();
    const first = rig(host, { store });
    await first.ask('');
    await first.ask('/2/2/2');
    const cold = host.requests.length;
    const second = rig(host, { store });
    await second.ask('');
    const again = await second.ask('/2/2/2');
    expect(again.tier).toBe('idb');
    expect(host.requests.length).toBe(cold);
    expect((await second.engine.stats()).archives?.[ARCHIVE]?.cachedReads).toBeGreaterThan(0);
  });

  it('reloads offline from the stored copy even once its freshness ran out', async () => {
    const store = new CacheFakeStore();
    host.cacheControl = 'no-cache';
    const first = rig(host, { store });
    await first.ask('/1/0/1');
    const cold = host.requests.length;
    const offline = rig(host, { store, online: false });
    expect(new Uint8Array((await offline.ask('/1/0/1')).data ?? new ArrayBuffer(0))).toEqual(pyramid()['1/0/1']);
    expect(host.requests.length).toBe(cold);
  });

  it('walks leaf directories (read once each, cached) for archives whose root does not hold every tile', async () => {
    const tiles = pyramid('v1', 4);
    host = new ArchiveHost(buildArchive(tiles, { maxRootBytes: 60, leafEntries: 16 }));
    const { bytesOf, engine } = rig(host);
    for (const z of ['2/0/0', '2/0/1', '4/15/15', '3/5/2', '0/0/0']) expect(await bytesOf(`/${z}`)).toEqual(tiles[z]);
    const stats = (await engine.stats()).archives?.[ARCHIVE];
    expect(stats?.rangeRequests.directory).toBeGreaterThan(0);
    const directoryReads = stats?.rangeRequests.directory ?? 0;
    expect(await bytesOf('/2/0/0')).toEqual(tiles['2/0/0']);
    expect((await engine.stats()).archives?.[ARCHIVE]?.rangeRequests.directory).toBe(directoryReads);
  });

  it('answers "no tile" where the archive has none, and past its zooms, without a tile range', async () => {
    host = new ArchiveHost(buildArchive({ '0/0/0': tile('a'), '1/0/0': tile('b') }));
    const { ask } = rig(host);
    expect((await ask('/1/1/1')).status).toBe('no-tile');
    expect((await ask('/5/3/3')).status).toBe('no-tile');
    expect(host.requests.length).toBe(1);
  });

  it('reads raster archives (PNG tiles) for raster sources', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
    host = new ArchiveHost(buildArchive({ '0/0/0': png }, { tileType: 'png' }));
    const { ask } = rig(host);
    const json = JSON.parse(new TextDecoder().decode((await ask('')).data ?? undefined));
    expect(json.tiles).toEqual([`pmtiles://${ARCHIVE}/{z}/{x}/{y}.png`]);
    const answer = await ask('/0/0/0.png', { kind: 'raster' });
    expect(new Uint8Array(answer.data ?? new ArrayBuffer(0))).toEqual(png);
  });

  it('sends tile ranges through the scheduler: never more in flight than maxInFlight', async () => {
    const { ask } = rig(host, { options: { maxInFlight: 3, prefetch: { enabled: false } } });
    await ask('');
    host.hold = true;
    const asks = [];
    for (let x = 0; x < 4; x++) for (let y = 0; y < 4; y++) asks.push(ask(`/2/${x}/${y}`));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(host.inFlight).toBe(3);
    host.release();
    host.hold = false;
    await Promise.all(asks);
    expect(host.maxInFlight).toBeLessThanOrEqual(3);
    expect(host.rangesOf()).toBe(2 + 16);
  });

  it('coalesces asks for one tile into one range', async () => {
    const { ask } = rig(host);
    await ask('');
    const before = host.requests.length;
    await Promise.all([ask('/2/1/2'), ask('/2/1/2'), ask('/2/1/2', { purpose: 'prefetch' })]);
    expect(host.requests.length - before).toBe(1);
  });
});

describe('archives and hosts that are not what they should be', () => {
  it('refuses a host that ignores Range (200 with the whole file): one request, not retried, a clear reason', async () => {
    const host = new ArchiveHost(buildArchive(pyramid()));
    host.mode = 'ignore-range';
    const { failure } = rig(host);
    const error = await failure('/0/0/0');
    expect(error?.reason).toBe('range-ignored');
    expect(error?.message).toMatch(/does not serve byte ranges/);
    expect(host.requests.length).toBe(1);
  });

  it('says which range a 416 refused', async () => {
    const host = new ArchiveHost(buildArchive(pyramid()));
    const { ask, failure } = rig(host);
    await ask('');
    host.mode = 'refuse-416';
    const error = await failure('/2/2/2');
    expect(error?.reason).toBe('range-refused');
    expect(error?.message).toMatch(/past the end/);
  });

  it('refuses a truncated archive (its directories point past the end) and never hands out a wrong tile', async () => {
    const whole = buildArchive(pyramid());
    const host = new ArchiveHost(whole.slice(0, whole.byteLength - 100));
    const { ask } = rig(host);
    const outcomes: string[] = [];
    for (const [address, bytes] of Object.entries(pyramid())) {
      const answer = await ask(`/${address}`).catch((error: EngineError) => error);
      if ('reason' in answer) {
        // a range that starts inside the file comes back short, one past its end is refused (416)
        expect(['archive-invalid', 'range-refused']).toContain(answer.reason);
        expect(answer.message).toMatch(/truncated/);
        outcomes.push('refused');
      } else {
        // a tile the cut did not reach is intact
        expect(new Uint8Array(answer.data ?? new ArrayBuffer(0))).toEqual(bytes);
        outcomes.push('served');
      }
    }
    expect(outcomes).toContain('refused');
    expect(outcomes).toContain('served');
  });

  it('refuses a file that is not PMTiles v3: wrong magic number, another spec version', async () => {
    const archive = buildArchive(pyramid());
    const notPmtiles = archive.slice();
    notPmtiles.set(new TextEncoder().encode('<html>'), 0);
    const wrongMagic = await rig(new ArchiveHost(notPmtiles)).failure('/0/0/0');
    expect(wrongMagic?.reason).toBe('archive-invalid');
    expect(wrongMagic?.message).toMatch(/magic/);
    const v2 = archive.slice();
    v2[7] = 2;
    const version = await rig(new ArchiveHost(v2)).failure('');
    expect(version?.reason).toBe('archive-invalid');
    expect(version?.message).toMatch(/spec version 2/);
  });

  it('an archive replaced mid-session: drops the old version and serves only the new one', async () => {
    const host = new ArchiveHost(buildArchive(pyramid('v1')));
    const { bytesOf, engine } = rig(host);
    expect(await bytesOf('/2/0/0')).toEqual(pyramid('v1')['2/0/0']);
    host.replace(buildArchive(pyramid('v2')));
    // the next range names another ETag: the engine starts over from the new header
    expect(await bytesOf('/2/1/0')).toEqual(pyramid('v2')['2/1/0']);
    // the tile stored from v1 is not served any more
    expect(await bytesOf('/2/0/0')).toEqual(pyramid('v2')['2/0/0']);
    const stats = (await engine.stats()).archives?.[ARCHIVE];
    expect(stats?.replaced).toBe(1);
    expect(stats?.version).toBe('"v2"');
  });

  it('reads in flight across a replacement: the archive is replaced once, and every tile comes from the new version', async () => {
    const host = new ArchiveHost(buildArchive(pyramid('v1')));
    const { ask, engine } = rig(host);
    await ask('');
    host.hold = true;
    const asks = ['2/0/0', '2/1/1', '2/2/2', '2/3/3'].map((z) => ask(`/${z}`).then((r) => [z, new Uint8Array(r.data ?? new ArrayBuffer(0))] as const));
    const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
    await settle();
    host.replace(buildArchive(pyramid('v2')));
    // the first answer shows the new version, and the archive starts over from its new header…
    host.hold = false;
    host.releaseOne();
    await settle();
    // …then the reads that were asked from the old version come back one by one, naming the new one too
    for (let i = 0; i < 3; i++) {
      host.releaseOne();
      await settle();
    }
    for (const [z, bytes] of await Promise.all(asks)) expect(bytes).toEqual(pyramid('v2')[z]);
    expect((await engine.stats()).archives?.[ARCHIVE]?.replaced).toBe(1);
  });

  it('a tile stored from an older version in an earlier session is never served', async () => {
    const store = new CacheFakeStore();
    const host = new ArchiveHost(buildArchive(pyramid('v1')));
    host.cacheControl = 'no-cache';
    await rig(host, { store }).bytesOf('/1/1/1');
    host.replace(buildArchive(pyramid('v2')));
    expect(await rig(host, { store }).bytesOf('/1/1/1')).toEqual(pyramid('v2')['1/1/1']);
  });
});

describe('archive tiles are tiles like any other', () => {
  it('prefetch reads them ahead of the view, coverage lists them and invalidation drops them', async () => {
    const tiles = pyramid('v1', 3);
    const host = new ArchiveHost(buildArchive(tiles));
    const { engine, cache, ask, clock } = rig(host);
    engine.setSources([{ id: 'world', kind: 'vector', tiles: [`pmtiles://${ARCHIVE}/{z}/{x}/{y}.mvt`], minzoom: 0, maxzoom: 3, tileSize: 512 }]);
    engine.setCamera({ center: [10, 45], zoom: 3, bearing: 0, pitch: 0, width: 1024, height: 768, bounds: [-80, 0, 100, 75], time: 0 });
    // the prefetch ring at rest: no visible ask was made, so whatever is stored came from prefetch
    await expect
      .poll(async () => {
        await clock.advance(250);
        return (await cache.coverage([-180, -85, 180, 85], 3)).length;
      }, { timeout: 5000 })
      .toBeGreaterThan(0);
    const covered = await cache.coverage([-180, -85, 180, 85], 3);
    expect((await engine.stats()).prefetch.completed).toBeGreaterThan(0);
    const { z, x, y } = covered[0].coord;
    const ranges = host.rangesOf();
    const answer = await ask(`/${z}/${x}/${y}.mvt`);
    expect(answer.prefetched).toBe(true);
    expect(new Uint8Array(answer.data ?? new ArrayBuffer(0))).toEqual(tiles[`${z}/${x}/${y}`]);
    expect(host.rangesOf()).toBe(ranges);
    expect(await cache.invalidate([-180, -85, 180, 85], { minZoom: 3, maxZoom: 3 })).toBeGreaterThanOrEqual(covered.length);
    engine.configure({ prefetch: { enabled: false } });
    await ask(`/${z}/${x}/${y}.mvt`);
    expect(host.rangesOf()).toBe(ranges + 1);
  });
});
