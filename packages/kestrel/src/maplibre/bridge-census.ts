import type { BridgeCounts, BridgeDeliveries, TileChannelMessage } from '../contract/tile-channel.ts';

/**
 * What every MapLibre-worker bridge of this page reports, summed; `bridges` is how many answered. `deliveries`
 * (when asked for): what the bridges handed MapLibre while the engine audited, merged per URL.
 */
export type BridgeCensus = BridgeCounts & { bridges: number; deliveries?: BridgeDeliveries };

// Asks the bridges in MapLibre's workers (tile-bridge.ts) how the tile asks they received have ended. The
// bridges count on their own, independently of MapLibre's events and of the engine, so a suite can check that
// every ask ended (open 0) against a witness that is neither. A bridge answers at once; `waitMs` bounds how long
// the page listens (a MapLibre worker busy parsing a tile answers a little later).
export function readBridgeCensus(channelName: string, waitMs = 300, options: { deliveries?: boolean } = {}): Promise<BridgeCensus> {
  const channel = new BroadcastChannel(channelName);
  const reports = new Map<string, BridgeCounts>();
  const deliveries: BridgeDeliveries = {};
  channel.onmessage = (event: MessageEvent<TileChannelMessage>) => {
    if (event.data.type !== 'census-report') return;
    reports.set(event.data.asker, event.data.counts);
    for (const [url, entry] of Object.entries(event.data.deliveries ?? {})) {
      const merged = deliveries[url] ?? { sha256: [], ok: 0, noTile: 0 };
      for (const hash of entry.sha256) if (!merged.sha256.includes(hash)) merged.sha256.push(hash);
      merged.ok += entry.ok;
      merged.noTile += entry.noTile;
      deliveries[url] = merged;
    }
  };
  channel.postMessage({ type: 'census', ...(options.deliveries ? { deliveries: true } : {}) } satisfies TileChannelMessage);
  return new Promise((resolve) => {
    setTimeout(() => {
      channel.close();
      const sum: BridgeCensus = { requests: 0, answered: 0, errored: 0, aborted: 0, direct: 0, resent: 0, open: 0, bridges: reports.size };
      for (const counts of reports.values()) for (const key of Object.keys(counts) as (keyof BridgeCounts)[]) sum[key] += counts[key];
      resolve(options.deliveries ? { ...sum, deliveries } : sum);
    }, waitMs);
  });
}
