import { type RefObject, useEffect, useRef } from 'react';

const PRESS_MS = 450;
/** A finger that moves this far is scrolling, not pressing. */
const SLOP_PX = 10;

/**
 * Touch screens have no hover: holding a message (as in Feishu or WhatsApp) opens its actions.
 * Returns handlers for the row; `onPress` runs after the finger has rested for ~half a second.
 * The browser's own long-press or right-click menu (contextmenu) opens the same actions, except on
 * links, images and text fields.
 */
export function useLongPress(onPress: () => void) {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const start = useRef<{ x: number; y: number } | null>(null);
  const cancel = () => {
    clearTimeout(timer.current);
    start.current = null;
  };
  useEffect(() => cancel, []);
  return {
    onTouchStart: (event: React.TouchEvent) => {
      const touch = event.touches[0];
      if (!touch || event.touches.length > 1) return cancel();
      start.current = { x: touch.clientX, y: touch.clientY };
      clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        start.current = null;
        onPress();
      }, PRESS_MS);
    },
    onTouchMove: (event: React.TouchEvent) => {
      const touch = event.touches[0];
      if (start.current && touch && Math.hypot(touch.clientX - start.current.x, touch.clientY - start.current.y) > SLOP_PX) cancel();
    },
    onTouchEnd: cancel,
    onTouchCancel: cancel,
    onContextMenu: (event: React.MouseEvent) => {
      // Links, images and text fields keep the browser's own menu (open in new tab, copy, paste).
      if ((event.target as Element).closest('a, img, textarea, input')) return;
      event.preventDefault();
      cancel();
      onPress();
    },
  };
}

/** Calls `onDismiss` when the user touches or clicks outside `ref` while `active`. */
export function useDismissOutside(ref: RefObject<HTMLElement | null>, active: boolean, onDismiss: () => void): void {
  useEffect(() => {
    if (!active) return;
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node | null;
      // Popovers and menus render in a portal: a tap inside one is not "outside".
      if (target && (ref.current?.contains(target) || (target as Element).closest?.('.semi-portal'))) return;
      onDismiss();
    };
    document.addEventListener('pointerdown', onPointerDown, true);
    return () => document.removeEventListener('pointerdown', onPointerDown, true);
  }, [ref, active, onDismiss]);
}
