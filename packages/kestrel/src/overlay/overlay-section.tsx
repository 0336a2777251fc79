import { useId, type ReactNode } from 'react';

// A titled group of figures; the heading names the region for screen-reader navigation.
export function OverlaySection({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  const headingId = useId();
  return (
    <section className="kpo-section" aria-labelledby={headingId} data-testid={testId}>
      <h3 id={headingId} className="kpo-section-title">
        {title}
      </h3>
      {children}
    </section>
  );
}

// A label and its figures on one line of a definition list.
export function FigureRow({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="kpo-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
