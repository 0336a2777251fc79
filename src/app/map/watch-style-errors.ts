import type { Map as MapLibreMap } from 'maplibre-gl';
import type { NoticeBoard } from '../notices.ts';
import { redactUrl } from '../redact-url.ts';

// An error before the style has loaded means there is no map to show: say so on the page instead of
// leaving a blank canvas. Errors after that (a tile, a sprite) are not the style's and are handled elsewhere.
export function watchStyleErrors(map: MapLibreMap, styleUrl: string, notices: NoticeBoard): Promise<void> {
  return new Promise((resolve, reject) => {
    let loaded = false;
    map.once('load', () => {
      loaded = true;
      notices.clear('style');
      resolve();
    });
    map.on('error', (event) => {
      // tile and source errors carry their tile or source id; they are not the style's
      const scoped = event as { tile?: unknown; sourceId?: string };
      if (loaded || scoped.tile !== undefined || scoped.sourceId !== undefined) return;
      const error = event.error as (Error & { status?: number }) | undefined;
      const why = error?.status ? `HTTP ${error.status}` : (error?.message ?? 'unknown error');
      const text = `Could not load the map style from ${redactUrl(styleUrl)} (${why}). Check the ?style= address or that the tile server is running.`;
      notices.show({ key: 'style', level: 'error', text });
      reject(new Error(text));
    });
  });
}
