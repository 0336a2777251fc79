// Loaded into MapLibre's own workers with `importScriptInWorkers`: registers Kestrel's tile scheme there, so vector
// tiles go from MapLibre's worker to the engine worker over a BroadcastChannel without touching the main thread.
// MapLibre import()s it as a module because its URL ends in .mjs. Each tile URL carries its page's id
// (`<scheme>://<page>/<url>`), which names the page's channel. The logic is in tile-bridge.ts.
import { DEFAULT_SCHEME } from '../contract/tile-channel.ts';
import { BRIDGE_SCHEME_MESSAGE, type BridgeSchemeMessage } from '../contract/bridge-scheme.ts';
import { shapedRequest } from '../contract/shaped-request.ts';
import { TileBridge } from './tile-bridge.ts';

type Load = (
  params: { url: string; type?: string; headers?: unknown; credentials?: RequestCredentials },
  abort: AbortController,
) => Promise<{ data: ArrayBuffer }>;

interface MapLibreWorkerScope {
  addProtocol?: (name: string, load: Load) => void;
  removeProtocol?: (name: string) => void;
  // MapLibre's worker object; its actor takes handlers for messages the page broadcasts (getGlobalDispatcher)
  worker?: { actor?: { registerMessageHandler?: (type: string, handler: (mapId: unknown, params: BridgeSchemeMessage) => Promise<void>) => void } };
}

const scope = self as unknown as MapLibreWorkerScope;
const bridge = new TileBridge();
const load: Load = (params, abortController) => bridge.load(params.url, abortController.signal, shapedRequest(params));
scope.addProtocol?.(DEFAULT_SCHEME, load);
// An instance with a scheme of its own (createKestrel's `scheme`) announces it to the workers; without this
// MapLibre forwards its tiles to the main thread, which still works, one hop slower.
scope.worker?.actor?.registerMessageHandler?.(BRIDGE_SCHEME_MESSAGE, async (_mapId, { scheme, add }) => {
  if (scheme === DEFAULT_SCHEME) return;
  if (add) scope.addProtocol?.(scheme, load);
  else scope.removeProtocol?.(scheme);
});
