import { useRef } from 'react';
import { deepEqual } from './deep-equal.ts';

// Returns the previous value while the new one is structurally equal, so `memo` children see the same reference.
// Idempotent for a given input, hence safe to run during render (and twice under StrictMode).
export function useStable<T>(value: T): T {
  const ref = useRef(value);
  if (!deepEqual(ref.current, value)) ref.current = value;
  return ref.current;
}
