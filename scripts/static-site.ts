// The whole app as static files: the built app (dist/), one PMTiles archive of our pyramid and a style that
// reads it through `pmtiles://`. Any static host that serves byte ranges can serve it (docs/DEPLOY.md); no Node
// process, no tile server. Used by `npm run serve:static` and by the nginx-only e2e.
//
//   site/                 a copy of dist/
//   site/data/kestrel.pmtiles
//   site/data/fonts/{fontstack}/{range}.pbf  the style's glyphs (labels), every range
//   site/data/style.json  written by writeSiteStyle() once the site's URL is known
import { cpSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { exportPmtiles } from '../tile-server/export-pmtiles.ts';
import { archiveStyle, writeGlyphs } from '../tile-server/export-static.ts';

export const ARCHIVE_PATH = '/data/kestrel.pmtiles';
export const STYLE_PATH = '/data/style.json';

export interface StaticSiteOptions {
  distDir: string;
  siteDir: string;
  minZoom?: number;
  maxZoom: number;
  // an archive exported before (same zooms) is reused instead of exported again
  archive?: string;
}

export interface StaticSite {
  siteDir: string;
  archiveFile: string;
  archiveBytes: number;
  tiles: number;
  exportMs: number;
}

export function buildStaticSite(options: StaticSiteOptions): StaticSite {
  const distDir = resolve(options.distDir);
  const siteDir = resolve(options.siteDir);
  if (!existsSync(join(distDir, 'index.html'))) throw new Error(`${distDir} has no index.html: run \`npx vite build\` first`);
  rmSync(siteDir, { recursive: true, force: true });
  cpSync(distDir, siteDir, { recursive: true });
  const archiveFile = join(siteDir, ARCHIVE_PATH);
  mkdirSync(join(siteDir, 'data'), { recursive: true });
  writeGlyphs(join(siteDir, 'data'));
  if (options.archive && existsSync(options.archive)) {
    cpSync(options.archive, archiveFile);
    return { siteDir, archiveFile, archiveBytes: statSync(archiveFile).size, tiles: 0, exportMs: 0 };
  }
  const result = exportPmtiles({ outFile: archiveFile, minZoom: options.minZoom ?? 0, maxZoom: options.maxZoom });
  if (options.archive) {
    mkdirSync(dirname(options.archive), { recursive: true });
    cpSync(archiveFile, options.archive);
  }
  return { siteDir, archiveFile, archiveBytes: result.stats.totalBytes, tiles: result.tiles, exportMs: result.ms };
}

/** Writes the site's style, its source `pmtiles://<siteUrl>/data/kestrel.pmtiles`, once the site's URL is known. */
export function writeSiteStyle(siteDir: string, siteUrl: string): string {
  const base = siteUrl.replace(/\/$/, '');
  const style = archiveStyle(`${base}/data`, `${base}${ARCHIVE_PATH}`);
  writeFileSync(join(siteDir, STYLE_PATH), `${JSON.stringify(style, null, 2)}\n`);
  return `${base}${STYLE_PATH}`;
}

/** The viewer's address on the site, opening the archive's style. */
export function viewerUrl(siteUrl: string): string {
  return `${siteUrl.replace(/\/$/, '')}/?style=${encodeURIComponent(STYLE_PATH)}`;
}
