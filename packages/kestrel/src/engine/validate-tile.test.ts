import { describe, expect, it } from 'vitest';
import { mvtTile, pngTile, utf8 } from '../../test/tile-fixtures.ts';
import { validateTile } from './validate-tile.ts';

const vector = { kind: 'vector' as const, maxTileBytes: 4 * 1024 * 1024 };

function streamOf(chunks: Uint8Array[], failAfter = false): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      chunks.forEach((c) => controller.enqueue(c));
      if (failAfter) controller.error(new TypeError('network error'));
      else controller.close();
    },
  });
}

describe('validateTile', () => {
  it('accepts a real MVT and returns its bytes', async () => {
    const tile = mvtTile();
    const result = await validateTile(new Response(tile, { headers: { 'content-type': 'application/x-protobuf' } }), vector);
    expect(result).toEqual({ ok: true, bytes: tile });
  });

  it('accepts an empty 200 body as an empty tile', async () => {
    expect(await validateTile(new Response(null, { status: 200 }), vector)).toEqual({ ok: true, bytes: new Uint8Array(0) });
    expect(await validateTile(new Response(new Uint8Array(0)), vector)).toMatchObject({ ok: true });
  });

  it('joins a body that arrives in several chunks', async () => {
    const tile = mvtTile();
    const parts = [tile.subarray(0, 5), tile.subarray(5, 9), tile.subarray(9)];
    const result = await validateTile(new Response(streamOf(parts)), vector);
    expect(result).toEqual({ ok: true, bytes: tile });
  });

  it('rejects an HTML body (captive portal, error page)', async () => {
    const res = new Response('<!doctype html><p>Sign in to Wi-Fi</p>', { headers: { 'content-type': 'text/html' } });
    expect(await validateTile(res, vector)).toMatchObject({ ok: false, reason: 'html-body' });
  });

  it('rejects a JSON body where a tile was expected', async () => {
    const res = new Response('{"message":"Invalid token"}', { headers: { 'content-type': 'application/json' } });
    expect(await validateTile(res, { ...vector, kind: 'raster' })).toMatchObject({ ok: false, reason: 'json-body' });
  });

  it('rejects garbage bytes for a raster tile', async () => {
    expect(await validateTile(new Response(utf8('GARBAGE!')), { ...vector, kind: 'raster' })).toMatchObject({
      ok: false,
      reason: 'garbage',
    });
  });

  it('rejects a declared Content-Length above maxTileBytes without reading the body', async () => {
    let pulled = false;
    const body = new ReadableStream({ pull: () => void (pulled = true) });
    const res = new Response(body, { headers: { 'content-length': String(5 * 1024 * 1024) } });
    expect(await validateTile(res, vector)).toMatchObject({ ok: false, reason: 'oversized' });
    expect(pulled).toBe(false);
  });

  it('stops reading once the body passes maxTileBytes, when no length was declared', async () => {
    const chunk = new Uint8Array(600);
    let served = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        served++;
        controller.enqueue(chunk);
      },
    });
    expect(await validateTile(new Response(endless), { ...vector, maxTileBytes: 1000 })).toMatchObject({
      ok: false,
      reason: 'oversized',
    });
    expect(served).toBeLessThan(5);
  });

  it('reports a body shorter than its Content-Length as truncated when the server says it is not encoded', async () => {
    const tile = pngTile(100);
    const res = new Response(streamOf([tile]), { headers: { 'content-length': '150', 'content-encoding': 'identity' } });
    expect(await validateTile(res, { ...vector, kind: 'raster' })).toMatchObject({ ok: false, reason: 'truncated' });
  });

  it('does not compare lengths when the body was content-encoded', async () => {
    const tile = pngTile(100);
    const res = new Response(streamOf([tile]), { headers: { 'content-length': '150', 'content-encoding': 'gzip' } });
    expect(await validateTile(res, { ...vector, kind: 'raster' })).toMatchObject({ ok: true });
  });

  it('does not compare lengths when the encoding is hidden (a cross-origin gzipped tile)', async () => {
    const tile = pngTile(100);
    const res = new Response(streamOf([tile]), { headers: { 'content-length': '60' } });
    expect(await validateTile(res, { ...vector, kind: 'raster' })).toMatchObject({ ok: true });
  });

  it('reports a stream error mid-body as truncated', async () => {
    const res = new Response(streamOf([pngTile(10)], true));
    expect(await validateTile(res, { ...vector, kind: 'raster' })).toMatchObject({ ok: false, reason: 'truncated' });
  });

  it('rejects an opaque response', async () => {
    const res = new Response(null);
    Object.defineProperty(res, 'type', { value: 'opaque' });
    expect(await validateTile(res, vector)).toMatchObject({ ok: false, reason: 'opaque' });
  });

  it('allows JSON for the resource kind', async () => {
    const res = new Response('{"version":8,"sources":{}}', { headers: { 'content-type': 'application/json' } });
    expect(await validateTile(res, { ...vector, kind: 'resource' })).toMatchObject({ ok: true });
  });

  it('rejects with the abort reason when the signal aborts during a stalled read', async () => {
    const stalled = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(pngTile(8)) });
    const controller = new AbortController();
    const pending = validateTile(new Response(stalled), { ...vector, signal: controller.signal });
    const reason = new Error('timeout');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});
