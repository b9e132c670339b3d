import { IconTick } from '@douyinfe/semi-icons';
import { Button, Toast } from '@douyinfe/semi-ui';
import { type ChatView, MAX_MERGE_FORWARD_MESSAGES, type MessageView } from '@kite/im/contract';
import { useMessages } from '@kite/ui/i18n';
import { useWindowKeyDown } from '@kite/ui/use-window-key-down';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from 'react';
import { ForwardDialog, type ForwardSubject } from './forward-dialog.tsx';
import { forwardMessages } from './forward-messages.ts';
import { MergedOpenerProvider } from './merged-card.tsx';
import { MergedHistoryModal } from './merged-history.tsx';
import './forwarding.css';

/** What a conversation offers its messages: forward one, select several, open a merged history. */
export interface Forwarding {
  /** Opens the forward dialog for one message. */
  forward(message: MessageView): void;
  /** Multi-select: the selected messages (`id`), or null when not selecting. */
  selected: ReadonlySet<string> | null;
  /** Starts selecting, with `message` selected. */
  startSelecting(message: MessageView): void;
  toggleSelected(message: MessageView): void;
  stopSelecting(): void;
  /** Forwards the selected messages as one merged chat history (opens the dialog). */
  mergeSelected(): void;
  /** Opens the merged chat history a `merge_forward` message holds (`om_…`). */
  openMerged(messageId: string): void;
}

const ForwardingContext = createContext<Forwarding | null>(null);

/** The conversation's forwarding, or null outside one (then messages offer no forward actions). */
export function useForwarding(): Forwarding | null {
  return useContext(ForwardingContext);
}

/**
 * Forwarding for one chat: the selection of multi-select mode, the forward dialog and the merged
 * history viewer. Wraps the conversation and its side panel, so a thread can forward too. Esc
 * leaves multi-select.
 */
export function ForwardingProvider({ chat, children }: { chat: ChatView; children: ReactNode }) {
  const t = useMessages(forwardMessages);
  const [subject, setSubject] = useState<ForwardSubject | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string> | null>(null);
  const [merged, setMerged] = useState<string | null>(null);
  // The chat changes with every message; every row reads this context, so it changes only with the selection.
  const chatNow = useRef(chat);
  chatNow.current = chat;

  const toggleSelected = useCallback(
    (message: MessageView) =>
      setSelected((current) => {
        const next = new Set(current ?? []);
        if (next.has(message.id)) next.delete(message.id);
        else if (next.size >= MAX_MERGE_FORWARD_MESSAGES) {
          Toast.warning(t('selectionLimit', { count: MAX_MERGE_FORWARD_MESSAGES }));
          return current;
        } else next.add(message.id);
        return next;
      }),
    [t],
  );

  useWindowKeyDown((event) => {
    if (event.key === 'Escape' && !event.defaultPrevented && !document.querySelector('.semi-modal-wrap')) {
      event.preventDefault();
      setSelected(null);
    }
  }, selected !== null);

  const value = useMemo<Forwarding>(
    () => ({
      forward: (message) => setSubject({ kind: 'message', message }),
      selected,
      startSelecting: (message) => setSelected(new Set([message.id])),
      toggleSelected,
      stopSelecting: () => setSelected(null),
      mergeSelected: () => {
        if (selected && selected.size > 0) setSubject({ kind: 'history', chat: chatNow.current, messageIds: [...selected] });
      },
      openMerged: setMerged,
    }),
    [selected, toggleSelected],
  );

  return (
    <ForwardingContext.Provider value={value}>
      <MergedOpenerProvider value={setMerged}>{children}</MergedOpenerProvider>
      {subject ? (
        <ForwardDialog
          subject={subject}
          onClose={() => setSubject(null)}
          onSent={() => {
            if (subject.kind === 'history') setSelected(null);
            setSubject(null);
          }}
        />
      ) : null}
      {merged ? <MergedHistoryModal messageId={merged} onClose={() => setMerged(null)} /> : null}
    </ForwardingContext.Provider>
  );
}

/** In multi-select, the whole row toggles its message; a round box at the start shows the state. */
export function SelectionToggle({ message, forwarding }: { message: MessageView; forwarding: Forwarding }) {
  const t = useMessages(forwardMessages);
  const checked = forwarding.selected?.has(message.id) ?? false;
  return (
    <button
      type="button"
      aria-pressed={checked}
      aria-label={t('selectionToggle')}
      className="kite-im-select"
      onClick={() => forwarding.toggleSelected(message)}
      data-testid="select-message"
    >
      <span className={checked ? 'kite-im-check kite-im-check--on' : 'kite-im-check'} aria-hidden="true">
        {checked ? <IconTick size="small" /> : null}
      </span>
    </button>
  );
}

/** Takes the composer's place while selecting: how many, merge-forward, cancel. */
export function SelectionBar({ forwarding }: { forwarding: Forwarding }) {
  const t = useMessages(forwardMessages);
  const count = forwarding.selected?.size ?? 0;
  return (
    <div className="kite-im-selection-bar" data-testid="selection-bar">
      <span className="kite-im-selection-bar__count" aria-live="polite">
        {t('selectionCount', { count })}
      </span>
      <Button onClick={forwarding.stopSelecting} data-testid="selection-cancel">
        {t('selectionCancel')}
      </Button>
      <Button theme="solid" disabled={count === 0} onClick={forwarding.mergeSelected} data-testid="selection-merge">
        {t('selectionMerge')}
      </Button>
    </div>
  );
}
