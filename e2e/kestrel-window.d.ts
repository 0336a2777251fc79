import type { KestrelWindowContract } from '../packages/kestrel/src/maplibre/window-contract.ts';

// Suites read the page's `window.kestrel` (exposeWindowContract) inside page.evaluate.
declare global {
  interface Window {
    kestrel: KestrelWindowContract;
  }
}
