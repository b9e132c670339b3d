import { useEffect, useEffectEvent } from 'react';

/**
 * Listens to key presses anywhere on the page while `enabled`. The handler is an effect event: it
 * always sees what React last committed, so a second press right after the first acts on the state
 * the first one made (a listener re-added by a plain effect after each render could still hold the
 * old state), and the listener is added once, not on every render.
 */
export function useWindowKeyDown(handler: (event: KeyboardEvent) => void, enabled = true): void {
  const onKeyDown = useEffectEvent(handler);
  useEffect(() => {
    if (!enabled) return;
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}
