// Which HTTP version each tile host speaks, read from the engine worker's own Resource Timing entries
// (`nextHopProtocol`: 'http/1.1', 'h2', 'h3'). A PerformanceObserver sees every entry without reading or clearing
// the buffer, which other readers (the overlay-accuracy suite) rely on. Cross-origin, Chromium may leave
// nextHopProtocol empty unless the host sends Timing-Allow-Origin; then nothing is reported and the engine keeps
// the HTTP/1.1 bound, the safe one.
export function watchHostProtocols(onProtocol: (host: string, protocol: string) => void): () => void {
  if (typeof PerformanceObserver === 'undefined' || !PerformanceObserver.supportedEntryTypes?.includes('resource')) return () => undefined;
  const known = new Map<string, string>();
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as PerformanceResourceTiming[]) {
      const protocol = entry.nextHopProtocol;
      if (!protocol) continue;
      let host: string;
      try {
        host = new URL(entry.name).host;
      } catch {
        continue;
      }
      if (known.get(host) === protocol) continue;
      known.set(host, protocol);
      onProtocol(host, protocol);
    }
  });
  observer.observe({ type: 'resource', buffered: true });
  return () => observer.disconnect();
}
