import { useSyncExternalStore } from 'react';

/** Below this width the shell switches to its phone layout (bottom tabs, lists instead of tables). */
export const PHONE_MAX_WIDTH = 767;

const query = `(max-width: ${PHONE_MAX_WIDTH}px)`;

function subscribe(onChange: () => void): () => void {
  const media = window.matchMedia(query);
  media.addEventListener('change', onChange);
  return () => media.removeEventListener('change', onChange);
}

function snapshot(): boolean {
  return window.matchMedia(query).matches;
}

/** Whether the viewport is phone-sized; re-renders when the window crosses the breakpoint. */
export function useIsPhone(): boolean {
  return useSyncExternalStore(subscribe, snapshot, () => false);
}
