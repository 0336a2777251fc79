// Writes the tile server's pyramid as one PMTiles v3 archive (npm run tiles:export -- --out <file>.pmtiles):
// every tile the server answers 200 for, in minZoom–maxZoom and the bbox, gzipped, clustered, identical tiles
// stored once and runs of them run-length encoded. Reading a tile back (e.g. with the pmtiles package) gives
// byte for byte the body GET /tiles/{z}/{x}/{y}.pbf sends with identity encoding; tiles the server answers
// 204 are absent. The JSON metadata carries the server's TileJSON name, attribution and vector_layers (the
// layers that occur in the exported tiles, their zooms clamped to the export's).
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { DATA_MAX_ZOOM } from './layer-catalog.ts';
import { ArchiveWriter, type ArchiveStats } from './pmtiles/archive-writer.ts';
import { TileType, type PmtilesHeader } from './pmtiles/header.ts';
import { zxyToTileId } from './pmtiles/tile-id.ts';
import { buildTileJson } from './style.ts';
import { bboxCenter, tileRange, WORLD_BBOX, type Bbox } from './tile-bbox.ts';
import { createTiler, type Tiler } from './tiler.ts';

export interface ExportPmtilesOptions {
  outFile: string;
  minZoom: number;
  maxZoom: number;
  // Default: the whole web-mercator world.
  bbox?: Bbox;
  tiler?: Tiler;
  // Passed to the archive writer; tests force leaf directories with these.
  maxRootBytes?: number;
  leafEntries?: number;
}

export interface ExportPmtilesResult {
  outFile: string;
  // Tiles in the archive (the server's 200s) and left out (its 204s).
  tiles: number;
  empty: number;
  // Uncompressed bytes of those tiles (what the z/x/y tree export writes).
  rawTileBytes: number;
  layers: string[];
  header: PmtilesHeader;
  stats: ArchiveStats;
  ms: number;
}

export class ExportPmtilesError extends Error {
  override name = 'ExportPmtilesError';
}

export function pmtilesMetadata(minZoom: number, maxZoom: number, layers: readonly string[]): Record<string, unknown> {
  const tileJson = buildTileJson('') as { name: string; attribution: string; vector_layers: Array<{ id: string; minzoom: number; maxzoom: number }> };
  return {
    name: tileJson.name,
    attribution: tileJson.attribution,
    type: 'baselayer',
    vector_layers: tileJson.vector_layers
      .filter((l) => layers.includes(l.id))
      .map((l) => ({ ...l, minzoom: Math.max(l.minzoom, minZoom), maxzoom: Math.min(l.maxzoom, maxZoom) })),
  };
}

export function exportPmtiles(options: ExportPmtilesOptions): ExportPmtilesResult {
  const started = performance.now();
  const outFile = resolve(options.outFile);
  const tiler = options.tiler ?? createTiler();
  const { minZoom, maxZoom } = options;
  const top = Math.min(tiler.maxZoom, DATA_MAX_ZOOM);
  for (const [name, z] of [['minZoom', minZoom], ['maxZoom', maxZoom]] as const) {
    if (!Number.isInteger(z) || z < 0 || z > top) throw new ExportPmtilesError(`${name} must be an integer 0–${top}, got ${z}`);
  }
  if (minZoom > maxZoom) throw new ExportPmtilesError(`minZoom (${minZoom}) is above maxZoom (${maxZoom})`);
  const bbox = options.bbox ?? WORLD_BBOX;

  const writer = new ArchiveWriter({
    tileType: TileType.mvt,
    minZoom,
    maxZoom,
    bounds: bbox,
    center: bboxCenter(bbox, minZoom, maxZoom),
    maxRootBytes: options.maxRootBytes,
    leafEntries: options.leafEntries,
  });
  let empty = 0;
  let rawTileBytes = 0;
  const layers = new Set<string>();
  for (let z = minZoom; z <= maxZoom; z++) {
    const range = tileRange(bbox, z);
    for (let x = range.minX; x <= range.maxX; x++) {
      for (let y = range.minY; y <= range.maxY; y++) {
        const mvt = tiler.getTile(z, x, y);
        if (!mvt) {
          empty++;
          continue;
        }
        writer.addTile(zxyToTileId(z, x, y), mvt);
        rawTileBytes += mvt.byteLength;
        for (const name of Object.keys(new VectorTile(new PbfReader(mvt)).layers)) layers.add(name);
      }
    }
  }
  if (writer.tileCount === 0) throw new ExportPmtilesError(`no tile in z${minZoom}–${maxZoom} within [${bbox.join(', ')}] has data`);

  const layerList = (buildTileJson('').vector_layers as Array<{ id: string }>).map((l) => l.id).filter((id) => layers.has(id));
  const archive = writer.finish(pmtilesMetadata(minZoom, maxZoom, layerList));

  // Written beside the target and renamed, so a reader never sees half an archive.
  mkdirSync(dirname(outFile), { recursive: true });
  const partial = `${outFile}.partial`;
  const fd = openSync(partial, 'w');
  try {
    for (const chunk of archive.chunks) writeSync(fd, chunk);
  } catch (error) {
    closeSync(fd);
    rmSync(partial, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(partial, outFile);

  return {
    outFile,
    tiles: writer.tileCount,
    empty,
    rawTileBytes,
    layers: layerList,
    header: archive.header,
    stats: archive.stats,
    ms: performance.now() - started,
  };
}
