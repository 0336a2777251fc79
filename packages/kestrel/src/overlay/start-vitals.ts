import { onCLS, onFCP, onINP, onLCP, onTTFB, type MetricType, type ReportOpts } from 'web-vitals';
import type { VitalName, VitalsSnapshot } from './overlay-types.ts';

type Reporter = (onReport: (metric: MetricType) => void, opts?: ReportOpts) => void;

export type VitalReporters = Record<VitalName, Reporter>;

const WEB_VITALS: VitalReporters = {
  LCP: onLCP as Reporter,
  INP: onINP as Reporter,
  CLS: onCLS as Reporter,
  FCP: onFCP as Reporter,
  TTFB: onTTFB as Reporter,
};

const NAMES: readonly VitalName[] = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'];

// Call once, early, so web-vitals' observers see the first paint (pageVitals() below is the page's one). `reportAllChanges` makes LCP, INP and
// CLS update live while the user works the map instead of only when the page is hidden, which is what a live
// overlay needs. web-vitals offers no way to unsubscribe, hence no stop().
export function startVitals(reporters: VitalReporters = WEB_VITALS): { vitals(): VitalsSnapshot } {
  const latest: VitalsSnapshot = { LCP: null, INP: null, CLS: null, FCP: null, TTFB: null };
  for (const name of NAMES) {
    reporters[name](
      (metric) => {
        latest[name] = { value: metric.value, rating: metric.rating };
      },
      { reportAllChanges: true },
    );
  }
  // a copy, so a snapshot kept in React state or an export does not change under its holder
  return { vitals: () => ({ ...latest }) };
}

let page: { vitals(): VitalsSnapshot } | undefined;

// The page's web-vitals, started on first use and shared: the window contract and every overlay control read the
// same observers (web-vitals cannot unsubscribe, so a second start would add observers for good).
export function pageVitals(): { vitals(): VitalsSnapshot } {
  page ??= startVitals();
  return page;
}
