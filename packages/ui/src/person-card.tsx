import { type ComponentType, createContext, type ReactNode, useContext } from 'react';

/** What a host (the messenger) puts on a person's card besides what the directory says. */
export interface PersonCardActionsContext {
  id: string;
  name: string;
}

export interface PersonCardProps {
  /** The person's `id` (the directory's `UserView.id`). */
  userId: string;
  /** Shows another person's card in the same place (the manager's). */
  onOpenPerson: (userId: string) => void;
  /** The host's own actions, e.g. the messenger's "Message"; offered for active people only. */
  renderActions?: (person: PersonCardActionsContext) => ReactNode;
  /** Called when the card leaves the page (View in Contacts), so the host closes its popover. */
  onLeave?: () => void;
}

/**
 * A person's profile card: who someone is, where they sit and how to reach them, loaded by id, with
 * its loading, not-found and error states. The directory (contact, tier 1) owns it; the app shell
 * hands it down here, so the messenger (tier 2) shows it without importing contact's web code —
 * the same way the messenger's card renderer reaches open platform (`card-renderer.tsx`).
 */
export type PersonCard = ComponentType<PersonCardProps>;

const PersonCardContext = createContext<PersonCard | null>(null);

export function PersonCardProvider({ card, children }: { card: PersonCard; children: ReactNode }) {
  return <PersonCardContext.Provider value={card}>{children}</PersonCardContext.Provider>;
}

/** The shell's person card; null outside the shell (callers then show names as plain text). */
export function usePersonCard(): PersonCard | null {
  return useContext(PersonCardContext);
}
