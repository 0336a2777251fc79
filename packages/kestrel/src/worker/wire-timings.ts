import type { WireTiming } from '../engine/engine-stats.ts';

/**
 * Every `fetch` Resource Timing entry of the engine worker, as the engine reads it (wire time and bytes per
 * response). A PerformanceObserver sees each entry once without reading or clearing the buffer, which other
 * readers rely on (host-protocols.ts, the overlay-accuracy suite), and keeps seeing entries after the buffer's
 * 250 are used up. Cross-origin, requestStart and responseStatus are 0 unless the host sends Timing-Allow-Origin
 * (the engine then falls back to the whole fetch duration).
 */
export function watchWireTimings(onTiming: (timing: WireTiming) => void): () => void {
  if (typeof PerformanceObserver === 'undefined' || !PerformanceObserver.supportedEntryTypes?.includes('resource')) return () => undefined;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as PerformanceResourceTiming[]) {
      if (entry.initiatorType !== 'fetch') continue;
      onTiming({
        url: entry.name,
        duration: entry.duration,
        requestStart: entry.requestStart,
        responseEnd: entry.responseEnd,
        responseStatus: (entry as { responseStatus?: number }).responseStatus,
        encodedBodySize: entry.encodedBodySize,
      });
    }
  });
  observer.observe({ type: 'resource', buffered: true });
  return () => observer.disconnect();
}
