import type { MessageView } from '@kite/im/contract';
import { createContext } from 'react';

/**
 * A request to edit one message in place: ↑ in an empty composer edits the viewer's last message
 * (as in Slack). `at` makes each request new, so asking again after cancelling opens it again.
 */
export interface EditRequest {
  messageId: string;
  at: number;
}

export const EditRequestContext = createContext<EditRequest | null>(null);

/** Messages the viewer may edit in place: their own text and rich text, not recalled. */
export function isEditableBy(message: MessageView, userId: string): boolean {
  return (
    message.sender?.type === 'user' &&
    message.sender.id === userId &&
    !message.recalled &&
    (message.msgType === 'text' || message.msgType === 'post')
  );
}

/** The viewer's newest editable message among loaded history pages (newest page first, each oldest first). */
export function lastEditableMessage(pages: ReadonlyArray<{ items: readonly MessageView[] }>, userId: string): MessageView | undefined {
  for (const page of pages) {
    const found = page.items.findLast((message) => isEditableBy(message, userId));
    if (found) return found;
  }
  return undefined;
}

/** Back to the conversation's message box, where a keyboard edit started. */
export function focusComposer(): void {
  document.querySelector<HTMLTextAreaElement>('.kite-im-conversation > .kite-im-composer .kite-im-composer__input')?.focus();
}
