// npm run serve:static [-- --port 8080 --maxzoom 5]
// Builds the app if dist/ has none, exports our pyramid as one PMTiles archive, and serves both from nginx alone
// (Debian's nginx-light; `apt-get install -y nginx-light`): what a deployment on object storage, a CDN or any
// static host looks like (docs/DEPLOY.md). Ctrl-C stops nginx.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startNginx } from '../e2e/nginx/nginx-host.ts';
import { buildStaticSite, viewerUrl, writeSiteStyle } from './static-site.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    maxzoom: { type: 'string', default: '5' },
    site: { type: 'string', default: '.static-site' },
  },
});
const port = Number(values.port);
const maxZoom = Number(values.maxzoom);
if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`--port must be a TCP port, got ${values.port}`);
if (!Number.isInteger(maxZoom) || maxZoom < 0 || maxZoom > 8) throw new Error(`--maxzoom must be 0–8, got ${values.maxzoom}`);

if (!existsSync('dist/index.html')) execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], { stdio: 'inherit' });
console.log(`exporting z0–${maxZoom} into one PMTiles archive…`);
const site = buildStaticSite({ distDir: 'dist', siteDir: values.site, maxZoom, archive: join('node_modules', '.cache', `kestrel-z0-${maxZoom}.pmtiles`) });
const host = await startNginx({ root: site.siteDir, port, archiveCacheControl: 'max-age=300' });
writeSiteStyle(site.siteDir, host.url);
console.log(`Kestrel, static: ${viewerUrl(host.url)}  (nginx alone serves ${site.siteDir}: the app and ${(site.archiveBytes / 1e6).toFixed(2)} MB of PMTiles; Ctrl-C stops it)`);

const stop = () => void host.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
