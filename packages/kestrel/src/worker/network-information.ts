import type { ConnectionHint } from '../engine/prefetch-ledger.ts';

// The Network Information API as Chromium exposes it to workers too (not in TypeScript's lib: declared here).
interface NetworkInformation extends EventTarget {
  saveData?: boolean;
  effectiveType?: string;
}

// Reports the link's save-data and effective type now and on every change, read in the worker itself so the
// main thread has nothing to relay. Browsers without the API report nothing, and prefetch stays on.
export function watchConnection(report: (hint: ConnectionHint) => void): void {
  const connection = (self.navigator as { connection?: NetworkInformation }).connection;
  if (!connection) return;
  const send = () => report({ saveData: connection.saveData, effectiveType: connection.effectiveType });
  connection.addEventListener('change', send);
  send();
}
