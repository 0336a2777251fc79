import type { KestrelAreas } from 'kestrel-maps';
import type { MapViewSource } from './map-view.ts';

// The part of Kestrel the offline panel uses.
export type OfflineAreasApi = KestrelAreas;

export interface OfflineSource {
  areas: OfflineAreasApi;
  view: MapViewSource;
}
