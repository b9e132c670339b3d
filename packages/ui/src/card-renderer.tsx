import { type ComponentType, createContext, type ReactNode, useContext } from 'react';

/**
 * Shows an interactive card (its JSON, as a message holds it) the way the messenger does, with
 * inert controls. The messenger owns card rendering; the app shell hands its renderer down here,
 * so a module below the messenger (the console's card template preview) shows cards without
 * importing the messenger.
 */
export type CardRenderer = ComponentType<{ content: string }>;

const CardRendererContext = createContext<CardRenderer | null>(null);

export function CardRendererProvider({ renderer, children }: { renderer: CardRenderer; children: ReactNode }) {
  return <CardRendererContext.Provider value={renderer}>{children}</CardRendererContext.Provider>;
}

/** The shell's card renderer; null outside the shell (callers then show the JSON itself). */
export function useCardRenderer(): CardRenderer | null {
  return useContext(CardRendererContext);
}
