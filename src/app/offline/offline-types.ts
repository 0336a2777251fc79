import type { EngineApi } from '../../../packages/kestrel/src/contract/engine-api.ts';
import type { MapViewSource } from './map-view.ts';

// The part of the engine the offline panel uses (Remote<EngineApi> has it).
export type OfflineAreasApi = Pick<EngineApi, 'planArea' | 'saveArea' | 'pauseArea' | 'resumeArea' | 'cancelArea' | 'deleteArea' | 'listAreas'>;

export interface OfflineSource {
  areas: OfflineAreasApi;
  view: MapViewSource;
}
