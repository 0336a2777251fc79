import type { Map as MapLibreMap } from 'maplibre-gl';
import type { NoticeBoard } from 'kestrel-maps';
import { redactUrl } from 'kestrel-maps';
import { styleUrlProblem } from './style-url.ts';

// An error before the style has loaded means there is no map to show: say so on the page instead of
// leaving a blank canvas. Errors after that (a tile, a sprite) are not the style's and are handled elsewhere.
export function watchStyleErrors(map: MapLibreMap, styleUrl: string, notices: NoticeBoard): Promise<void> {
  return new Promise((resolve, reject) => {
    // Untrusted input: a javascript:, data: or other non-http(s) address is refused before MapLibre's own error
    // (whose wording would hide why) can replace this notice.
    const problem = styleUrlProblem(styleUrl, location.href);
    if (problem) {
      const text = `Could not load the map style: ${problem}.`;
      notices.show({ key: 'style', level: 'error', text });
      reject(new Error(text));
      return;
    }
    let loaded = false;
    // Once the style document itself has been read, a failure before `load` is one of its resources (a sprite, a
    // glyph range; say a javascript: address in it): the map still loads, so it is a warning, not a failed style.
    let parsed = false;
    // the first error names the problem; MapLibre's validation reports one per bad field
    let failed = false;
    map.once('style.load', () => (parsed = true));
    map.once('load', () => {
      loaded = true;
      notices.clear('style');
      resolve();
    });
    map.on('error', (event) => {
      // tile and source errors carry their tile or source id; they are not the style's
      const scoped = event as { tile?: unknown; sourceId?: string };
      if (loaded || failed || scoped.tile !== undefined || scoped.sourceId !== undefined) return;
      const error = event.error as (Error & { status?: number }) | undefined;
      // A 200 whose body was refused (not JSON, HTML, too large) carries its status too: the message says why.
      // URLs inside messages (MapLibre's own errors name them) lose their queries, where tokens live.
      const why = error?.status && error.status >= 400 ? `HTTP ${error.status}` : redactUrls(error?.message ?? 'unknown error');
      if (parsed) {
        notices.show({ key: 'style-resources', level: 'warn', text: `Part of the map style could not be loaded (${why}).` });
        return;
      }
      const text = `Could not load the map style from ${redactUrl(styleUrl)} (${why}). Check the ?style= address or that the tile server is running.`;
      failed = true;
      notices.show({ key: 'style', level: 'error', text });
      reject(new Error(text));
    });
  });
}

function redactUrls(text: string): string {
  return text.replace(/\bhttps?:\/\/[^\s)'"]+/gi, (url) => redactUrl(url));
}
