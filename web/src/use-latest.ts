import { useLayoutEffect, useRef, type RefObject } from 'react';

/**
 * A ref holding the value of the last render, for callbacks that must see it without being made
 * again when it changes. It is set after the render commits (not during it), before any effect runs.
 */
export function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}
