// Writes the tile server's pyramid as static files any web server can host (nginx, a CDN bucket):
//
//   <out>/tiles/{z}/{x}/{y}.pbf   uncompressed MVT, byte for byte what GET /tiles/{z}/{x}/{y}.pbf answers
//                                 (tiles the server answers 204 are not written: a static host says 404)
//   <out>/tiles.json              TileJSON 3.0.0, tiles: ["<base>/tiles/{z}/{x}/{y}.pbf"]
//   <out>/style.json              GET /style.json with its vector source as {"url": "<base>/tiles.json"}
//   <out>/fonts/{fontstack}/{range}.pbf
//                                 every glyph range 0-255 … 65280-65535 of the style's font stack, byte for byte
//                                 what GET /fonts/… answers (ranges the font has no glyph in are small, empty PBFs,
//                                 so a name in another script costs the map no 404)
//
// <base> is the URL the directory will be served at. Unknown at export time (a test's nginx port, say), it is
// the literal token __BASE__ until fillBase(outDir, baseUrl) sets it; fillBase can be called again later.
//
//   node node_modules/tsx/dist/cli.mjs tile-server/export-static.ts --out <dir> [--minzoom 0] [--maxzoom 4] [--base-url <url>]
//
// With --out <file>.pmtiles the CLI writes one PMTiles v3 archive instead (export-pmtiles.ts), optionally
// limited to --bbox w,s,e,n, and the glyph ranges in fonts/ beside it (a style for the archive points its
// `glyphs` there).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { exportPmtiles, ExportPmtilesError } from './export-pmtiles.ts';
import { rangeName, GLYPH_RANGE_SIZE } from './glyph-pbf.ts';
import { createGlyphStore, MAX_GLYPH_CODE_POINT, type GlyphStore } from './glyph-store.ts';
import { DATA_MAX_ZOOM, LAYERS } from './layer-catalog.ts';
import { buildStyle, buildTileJson, GLYPHS_SUFFIX } from './style.ts';
import { BboxError, parseBbox } from './tile-bbox.ts';
import { createTiler, type Tiler } from './tiler.ts';

export const BASE_TOKEN = '__BASE__';
// Path of every tile below the base, as in tileUrlTemplate() (style.ts) and the server's route.
export const TILE_SUFFIX = '/tiles/{z}/{x}/{y}.pbf';
export const TILEJSON_SUFFIX = '/tiles.json';

export interface ExportStaticOptions {
  outDir: string;
  minZoom: number;
  maxZoom: number;
  // Where outDir will be served (no trailing slash needed). Omitted: __BASE__, to be set with fillBase().
  baseUrl?: string;
  // The tiler to cut with; a fresh Natural Earth one (as the server builds) by default.
  tiler?: Tiler;
  // Glyph ranges to write under fonts/; the server's (bundled Noto Sans, disk-cached) by default.
  glyphs?: GlyphStore;
}

export interface ExportStaticResult {
  outDir: string;
  // Tiles written (the server's 200s) and skipped (its 204s).
  tiles: number;
  empty: number;
  // Sum of the .pbf files' sizes.
  bytes: number;
  // Source layers that occur in at least one written tile.
  layers: string[];
  // Glyph range files written under fonts/, and their total size.
  glyphRanges: number;
  glyphBytes: number;
  ms: number;
}

export class ExportStaticError extends Error {
  override name = 'ExportStaticError';
}

function checkZooms(minZoom: number, maxZoom: number, dataMaxZoom: number): void {
  for (const [name, z] of [['minZoom', minZoom], ['maxZoom', maxZoom]] as const) {
    if (!Number.isInteger(z) || z < 0 || z > dataMaxZoom) throw new ExportStaticError(`${name} must be an integer 0–${dataMaxZoom}, got ${z}`);
  }
  if (minZoom > maxZoom) throw new ExportStaticError(`minZoom (${minZoom}) is above maxZoom (${maxZoom})`);
}

function normaliseBase(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ExportStaticError(`baseUrl must be an absolute http(s) URL, got "${baseUrl}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ExportStaticError(`baseUrl must be http(s), got "${baseUrl}"`);
  if (url.search || url.hash) throw new ExportStaticError(`baseUrl must not carry a query or fragment, got "${baseUrl}"`);
  return url.href.replace(/\/+$/, '');
}

// Every string in a JSON value, with its path, for the "does the style still need the tile server" check.
function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* strings(value[i], `${path}[${i}]`);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* strings(v, `${path}.${k}`);
}

// The server's style with every vector source pointing at <base>/tiles.json and its glyphs at <base>/fonts/, both
// written by the export. A sprite on the server (there is none) would be dropped rather than left pointing at a Node
// server the static host does not have, and anything else still naming the server fails the export instead of
// shipping a style that half works.
export function staticStyle(base: string): Record<string, unknown> {
  const style = buildStyle(base) as Record<string, unknown> & { sources: Record<string, Record<string, unknown>> };
  if (JSON.stringify(style.sprite ?? '').includes(base)) delete style.sprite;
  for (const [id, source] of Object.entries(style.sources)) {
    if (source.type !== 'vector') continue;
    // With a url, MapLibre takes tiles, zooms, bounds and attribution from the TileJSON.
    style.sources[id] = { type: 'vector', url: `${base}${TILEJSON_SUFFIX}` };
  }
  for (const [path, text] of strings(style, 'style')) {
    if (text.includes(base) && !/^style\.sources\.[^.]+\.url$/.test(path) && path !== 'style.glyphs') {
      throw new ExportStaticError(`${path} still points at the tile server (${text}); the static export cannot serve it`);
    }
  }
  return style;
}

/**
 * The server's style with its vector source read from one PMTiles archive (`pmtiles://<archiveUrl>`, the URL
 * convention of the PMTiles MapLibre Protocol, which Kestrel's engine reads itself). `base` is where the rest of the
 * static site is served (its glyphs and sprite, if the style has them).
 */
export function archiveStyle(base: string, archiveUrl: string): Record<string, unknown> {
  const style = staticStyle(base) as Record<string, unknown> & { sources: Record<string, Record<string, unknown>> };
  for (const [id, source] of Object.entries(style.sources)) {
    if (source.type === 'vector') style.sources[id] = { type: 'vector', url: `pmtiles://${archiveUrl}` };
  }
  return style;
}

export function staticTileJson(base: string, minZoom: number, maxZoom: number, layers: readonly string[]): Record<string, unknown> {
  const tileJson = buildTileJson(base);
  const center = tileJson.center as [number, number, number];
  return {
    ...tileJson,
    tiles: [`${base}${TILE_SUFFIX}`],
    minzoom: minZoom,
    maxzoom: maxZoom,
    center: [center[0], center[1], Math.min(maxZoom, Math.max(minZoom, center[2]))],
    vector_layers: LAYERS.filter((l) => layers.includes(l.id)).map((l) => ({
      id: l.id,
      description: l.description,
      minzoom: Math.max(l.minzoom, minZoom),
      maxzoom: Math.min(l.maxzoom, maxZoom),
      fields: l.fields,
    })),
  };
}

/**
 * Writes `<outDir>/fonts/{fontstack}/{start}-{end}.pbf`: every range MapLibre could ask for, so a static host never
 * answers a glyph request 404 (fonts/ is replaced). The directory export calls it; so does a PMTiles export, beside
 * the archive, for the style that will use it.
 */
export function writeGlyphs(outDir: string, store: GlyphStore = createGlyphStore()): { ranges: number; bytes: number } {
  const fontsDir = join(outDir, 'fonts');
  rmSync(fontsDir, { recursive: true, force: true });
  let ranges = 0;
  let bytes = 0;
  for (const fontstack of store.fontstacks) {
    mkdirSync(join(fontsDir, fontstack), { recursive: true });
    for (let start = 0; start <= MAX_GLYPH_CODE_POINT; start += GLYPH_RANGE_SIZE) {
      const body = store.range(fontstack, start)!;
      writeFileSync(join(fontsDir, fontstack, `${rangeName(start)}.pbf`), body);
      ranges++;
      bytes += body.length;
    }
  }
  return { ranges, bytes };
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

export function exportStatic(options: ExportStaticOptions): ExportStaticResult {
  const started = performance.now();
  const outDir = resolve(options.outDir);
  const tiler = options.tiler ?? createTiler();
  checkZooms(options.minZoom, options.maxZoom, Math.min(tiler.maxZoom, DATA_MAX_ZOOM));
  const base = options.baseUrl === undefined ? undefined : normaliseBase(options.baseUrl);

  // tiles/ is this export's own layout: start it empty so no tile from an earlier export survives.
  const tilesDir = join(outDir, 'tiles');
  rmSync(tilesDir, { recursive: true, force: true });
  mkdirSync(tilesDir, { recursive: true });

  let tiles = 0;
  let empty = 0;
  let bytes = 0;
  const layers = new Set<string>();
  for (let z = options.minZoom; z <= options.maxZoom; z++) {
    const n = 2 ** z;
    for (let x = 0; x < n; x++) {
      let columnMade = false;
      for (let y = 0; y < n; y++) {
        const mvt = tiler.getTile(z, x, y);
        if (!mvt) {
          empty++;
          continue;
        }
        // Exactly the body tile-store.ts keeps and the server sends (identity encoding).
        const body = Buffer.from(mvt.buffer, mvt.byteOffset, mvt.byteLength);
        if (!columnMade) {
          mkdirSync(join(tilesDir, String(z), String(x)), { recursive: true });
          columnMade = true;
        }
        writeFileSync(join(tilesDir, String(z), String(x), `${y}.pbf`), body);
        for (const name of Object.keys(new VectorTile(new PbfReader(mvt)).layers)) layers.add(name);
        tiles++;
        bytes += body.length;
      }
    }
  }

  const layerList = LAYERS.map((l) => l.id as string).filter((id) => layers.has(id));
  writeJson(join(outDir, 'tiles.json'), staticTileJson(BASE_TOKEN, options.minZoom, options.maxZoom, layerList));
  writeJson(join(outDir, 'style.json'), staticStyle(BASE_TOKEN));
  const glyphs = writeGlyphs(outDir, options.glyphs ?? createGlyphStore());
  if (base !== undefined) fillBase(outDir, base);
  return { outDir, tiles, empty, bytes, layers: layerList, glyphRanges: glyphs.ranges, glyphBytes: glyphs.bytes, ms: performance.now() - started };
}

// Points an export's tiles.json and style.json at baseUrl, in place. Works on a fresh export (__BASE__) and on
// one filled before (the URLs are rebuilt, not search-and-replaced), so one export can be re-pointed at a new port.
export function fillBase(outDir: string, baseUrl: string): void {
  const base = normaliseBase(baseUrl);
  const tileJsonPath = join(outDir, 'tiles.json');
  const tileJson = JSON.parse(readFileSync(tileJsonPath, 'utf8')) as Record<string, unknown>;
  tileJson.tiles = [`${base}${TILE_SUFFIX}`];
  writeJson(tileJsonPath, tileJson);

  const stylePath = join(outDir, 'style.json');
  const style = JSON.parse(readFileSync(stylePath, 'utf8')) as { sources?: Record<string, Record<string, unknown>>; glyphs?: string };
  for (const source of Object.values(style.sources ?? {})) {
    if (source.type === 'vector' && typeof source.url === 'string' && source.url.endsWith(TILEJSON_SUFFIX)) source.url = `${base}${TILEJSON_SUFFIX}`;
  }
  if (typeof style.glyphs === 'string' && style.glyphs.endsWith(GLYPHS_SUFFIX)) style.glyphs = `${base}${GLYPHS_SUFFIX}`;
  writeJson(stylePath, style);
}

const USAGE = `usage: node node_modules/tsx/dist/cli.mjs tile-server/export-static.ts --out <dir | file.pmtiles> [options]

  --out <dir>        where to write tiles/, fonts/, tiles.json and style.json (tiles/ and fonts/ are replaced)
  --out <file>.pmtiles
                     write one PMTiles v3 archive instead (gzip tiles, clustered, run-length encoded), and the
                     glyph ranges in fonts/ beside it
  --minzoom <n>      first zoom to export (default 0)
  --maxzoom <n>      last zoom to export (default 4; the data goes to ${DATA_MAX_ZOOM}, each zoom ~4× the last)
  --base-url <url>   the URL <dir> will be served at; omitted, the JSON files say ${BASE_TOKEN} until fillBase()
                     (directory export only)
  --bbox <w,s,e,n>   only tiles overlapping this box, in degrees; sets the archive's bounds and center
                     (.pmtiles only; default the whole world)
`;

function toZoom(flag: string, value: string): number {
  const n = /^\d{1,2}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n)) throw new ExportStaticError(`${flag} expects an integer 0–${DATA_MAX_ZOOM}, got "${value}"`);
  return n;
}

function main(argv: string[]): void {
  let values: { out?: string; minzoom: string; maxzoom: string; 'base-url'?: string; bbox?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      // A western or southern bbox starts with "-", which parseArgs would take for a flag: join it to --bbox.
      args: argv.flatMap((arg, i) => (argv[i - 1] === '--bbox' ? [] : arg === '--bbox' && i + 1 < argv.length ? [`--bbox=${argv[i + 1]}`] : [arg])),
      options: {
        out: { type: 'string' },
        minzoom: { type: 'string', default: '0' },
        maxzoom: { type: 'string', default: '4' },
        'base-url': { type: 'string' },
        bbox: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`export-static: ${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  try {
    if (!values.out) throw new ExportStaticError('--out <dir> is required');
    if (values.out.endsWith('.pmtiles')) {
      if (values['base-url'] !== undefined) throw new ExportStaticError('--base-url is for the directory export; a .pmtiles archive names no URL');
      const result = exportPmtiles({
        outFile: values.out,
        minZoom: toZoom('--minzoom', values.minzoom),
        maxZoom: toZoom('--maxzoom', values.maxzoom),
        bbox: values.bbox === undefined ? undefined : parseBbox(values.bbox),
      });
      const { stats } = result;
      const glyphs = writeGlyphs(dirname(resolve(values.out)));
      console.log(
        `exported z${values.minzoom}–${values.maxzoom} to ${result.outFile}: ${result.tiles} tiles (${result.empty} empty, not stored), ` +
          `${stats.totalBytes} bytes (tiles ${(result.rawTileBytes / 1e6).toFixed(2)} MB uncompressed), ${stats.tileContents} distinct, ` +
          `${stats.tileEntries} entries (${stats.runLengthEntries} with run length > 1), ${stats.leafDirectories} leaf directories, ` +
          `layers ${result.layers.join(', ')}, in ${(result.ms / 1000).toFixed(1)} s; ${glyphs.ranges} glyph ranges ` +
          `(${(glyphs.bytes / 1e6).toFixed(2)} MB) in ${join(dirname(resolve(values.out)), 'fonts')}`,
      );
      return;
    }
    if (values.bbox !== undefined) throw new ExportStaticError('--bbox is for .pmtiles archives; the directory export is always the whole world');
    const result = exportStatic({
      outDir: values.out,
      minZoom: toZoom('--minzoom', values.minzoom),
      maxZoom: toZoom('--maxzoom', values.maxzoom),
      baseUrl: values['base-url'],
    });
    console.log(
      `exported z${values.minzoom}–${values.maxzoom} to ${result.outDir}: ${result.tiles} tiles (${result.empty} empty, not written), ` +
        `${(result.bytes / 1e6).toFixed(2)} MB, layers ${result.layers.join(', ')}, ${result.glyphRanges} glyph ranges ` +
        `(${(result.glyphBytes / 1e6).toFixed(2)} MB), in ${(result.ms / 1000).toFixed(1)} s` +
        (values['base-url'] ? `; base ${values['base-url']}` : `; base ${BASE_TOKEN} (call fillBase)`),
    );
  } catch (error) {
    if (!(error instanceof ExportStaticError || error instanceof ExportPmtilesError || error instanceof BboxError)) throw error;
    console.error(`export-static: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main(process.argv.slice(2));
