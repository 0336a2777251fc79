// The page → MapLibre-workers message that registers (or removes) an instance's own tile scheme in the bridge
// (maplibre-bridge.ts), sent with MapLibre's global dispatcher.
export const BRIDGE_SCHEME_MESSAGE = 'kestrel:scheme';

export interface BridgeSchemeMessage {
  scheme: string;
  add: boolean;
}
