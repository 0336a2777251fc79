import type { ReactNode } from 'react';

/** The header row of a percentile table: a first column, one column per quantile, and the sample count. */
export function QuantileHead({ first, quantiles }: { first: ReactNode; quantiles: readonly string[] }) {
  return (
    <thead>
      <tr>
        {first}
        {quantiles.map((q) => (
          <th scope="col" key={q}>
            {q}
          </th>
        ))}
        <th scope="col" title="samples in the window">
          n
        </th>
      </tr>
    </thead>
  );
}
