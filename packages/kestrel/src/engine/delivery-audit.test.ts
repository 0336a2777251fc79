import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ControllableFetcher } from '../../test/controllable-fetcher.ts';
import { FakeClock, flushMicrotasks } from '../../test/fake-clock.ts';
import { seededRandom } from '../../test/seeded-random.ts';
import { mvtTile } from '../../test/tile-fixtures.ts';
import { DeliveryAudit } from './delivery-audit.ts';
import { TileEngine } from './tile-engine.ts';

const sha256 = async (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const ok = (bytes: number[], tier: 'memory' | 'idb' | 'network' = 'network') => ({ status: 'ok' as const, data: new Uint8Array(bytes).buffer, tier });
// The audit is keyed by whatever names the resource (the engine: its cache key; the bridge: the URL).
const at = (z: number, x: number, y: number, host = 'tiles.test') => `${host}/${z}/${x}/${y}`;

describe('DeliveryAudit', () => {
  it('keys each answer by the resource it names, with the SHA-256 of its body', async () => {
    const audit = new DeliveryAudit(sha256);
    audit.record(at(3, 1, 2), ok([1, 2, 3]));
    const report = await audit.report();
    expect(report.tiles).toEqual({ 'tiles.test/3/1/2': { sha256: [await sha256(new Uint8Array([1, 2, 3]))], ok: 1, noTile: 0 } });
    expect(report).toMatchObject({ delivered: 1, noTile: 0, byTier: { network: 1, memory: 0, idb: 0 } });
  });

  it('hashes a copy: the caller may transfer (detach) the buffer right after recording', async () => {
    const audit = new DeliveryAudit(sha256);
    const response = ok([4, 5, 6]);
    audit.record(at(2, 1, 1), response);
    structuredClone(response.data, { transfer: [response.data] });
    expect(response.data.byteLength).toBe(0);
    expect((await audit.report()).tiles['tiles.test/2/1/1'].sha256).toEqual([await sha256(new Uint8Array([4, 5, 6]))]);
  });

  it('keeps each distinct body once, so a second, different body for one address shows as two hashes', async () => {
    const audit = new DeliveryAudit(sha256);
    audit.record(at(4, 3, 3), ok([1]));
    audit.record(at(4, 3, 3), ok([1], 'memory'));
    audit.record(at(4, 3, 3), ok([2], 'idb'));
    const entry = (await audit.report()).tiles['tiles.test/4/3/3'];
    expect(entry.ok).toBe(3);
    expect(entry.sha256).toHaveLength(2);
  });

  it('counts "no tile" answers apart', async () => {
    const audit = new DeliveryAudit(sha256);
    audit.record(at(5, 0, 0), { status: 'no-tile', data: null, tier: 'idb' });
    const report = await audit.report();
    expect(report.tiles).toEqual({ 'tiles.test/5/0/0': { sha256: [], ok: 0, noTile: 1 } });
    expect(report).toMatchObject({ delivered: 0, noTile: 1 });
  });

  it('waits for hashes still being computed before reporting', async () => {
    let release!: () => void;
    const slow = (bytes: Uint8Array) => new Promise<string>((resolve) => (release = () => resolve(`h${bytes.length}`)));
    const audit = new DeliveryAudit(slow);
    audit.record(at(1, 1, 1), ok([1, 2]));
    const report = audit.report();
    release();
    expect((await report).tiles['tiles.test/1/1/1'].sha256).toEqual(['h2']);
  });

  it('forgets the oldest addresses past its capacity, and counts them', async () => {
    const audit = new DeliveryAudit(sha256, 2);
    for (let x = 0; x < 3; x++) audit.record(at(2, x, 0), ok([x]));
    const report = await audit.report();
    expect(Object.keys(report.tiles)).toEqual(['tiles.test/2/1/0', 'tiles.test/2/2/0']);
    expect(report.dropped).toBe(1);
  });

  it('counts a digest that failed instead of rejecting the report', async () => {
    const audit = new DeliveryAudit(() => Promise.reject(new Error('no crypto')));
    audit.record(at(1, 0, 1), ok([1]));
    expect(await audit.report()).toMatchObject({ hashFailures: 1, delivered: 1 });
  });
});

describe('TileEngine with the audit option', () => {
  function engine(audit: boolean) {
    const fetcher = new ControllableFetcher();
    const engine = new TileEngine({ fetcher: fetcher.fetch, clock: new FakeClock(), random: seededRandom(1), digest: sha256 }, { audit });
    return { fetcher, engine };
  }

  it('records the visible answers it hands out, not prefetches', async () => {
    const { fetcher, engine: e } = engine(true);
    const tile = mvtTile();
    const visible = e.request({ id: 'a', url: 'https://t.test/3/2/1.pbf', kind: 'vector', purpose: 'visible' });
    const prefetch = e.request({ id: 'b', url: 'https://t.test/3/2/2.pbf', kind: 'vector', purpose: 'prefetch' });
    await flushMicrotasks();
    for (const call of fetcher.calls) call.respond(200, tile);
    await Promise.all([visible, prefetch]);
    const report = await e.audit();
    expect(report.enabled).toBe(true);
    const [key] = Object.keys(report.tiles);
    expect(Object.keys(report.tiles)).toHaveLength(1);
    expect(key).toContain('|3/2/1|https://t.test/3/2/1.pbf');
    expect(report.tiles[key].sha256).toEqual([await sha256(tile)]);
  });

  it('keys by the upstream resource: two sources on one host and path are two entries, and no token is kept', async () => {
    const { fetcher, engine: e } = engine(true);
    const roads = e.request({ id: 'a', url: 'https://t.test/3/2/1.pbf?key=roads&access_token=SECRET', kind: 'vector' });
    const water = e.request({ id: 'b', url: 'https://t.test/3/2/1.pbf?key=water&access_token=SECRET', kind: 'vector' });
    const style = e.request({ id: 'c', url: 'https://t.test/style.json', kind: 'resource' });
    await flushMicrotasks();
    for (const call of fetcher.calls) call.respond(call.url.includes('water') ? 204 : 200, call.url.includes('style') ? new TextEncoder().encode('{}') : mvtTile());
    await Promise.all([roads, water, style]);
    const report = await e.audit();
    expect(Object.values(report.tiles).map((t) => [t.ok, t.noTile]).sort()).toEqual([[0, 1], [1, 0]]);
    expect(JSON.stringify(report)).not.toContain('SECRET');
  });

  it('records nothing while the option is off', async () => {
    const { fetcher, engine: e } = engine(false);
    const visible = e.request({ id: 'a', url: 'https://t.test/3/2/1.pbf', kind: 'vector' });
    await flushMicrotasks();
    fetcher.last().respond(200, mvtTile());
    await visible;
    expect(await e.audit()).toMatchObject({ enabled: false, delivered: 0, tiles: {} });
  });
});
