import { IconAt, IconImage, IconSend } from '@douyinfe/semi-icons';
import { Tooltip } from '@douyinfe/semi-ui';
import type { ChatView } from '@kite/im/contract';
import { useMessages } from '@kite/ui/i18n';
import { UserAvatar } from '@kite/ui/user-avatar';
import { useViewer } from '@kite/ui/viewer';
import { type ClipboardEvent, type DragEvent, type KeyboardEvent, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { chatNameMatches } from './chat-list-model.ts';
import {
  activeMentionQuery,
  type ComposerDraft,
  type ComposerMention,
  draftToText,
  insertMention,
  liveMentions,
  parseStoredDraft,
} from './composer-text.ts';
import { updateMyChatSettings } from './im-api.ts';
import { imMessages } from './im-messages.ts';
import { useMembers } from './im-queries.ts';
import { helpKeys } from './shortcuts-dialog.tsx';
import { rememberOpenId } from './viewer-state.ts';

const DRAFT_PREFIX = 'kite.im.draft.';

/** The draft of a chat (or thread) kept on this device. */
export function readLocalDraft(key: string): ComposerDraft | null {
  try {
    return parseStoredDraft(window.localStorage.getItem(DRAFT_PREFIX + key));
  } catch {
    return null;
  }
}

function writeLocalDraft(key: string, draft: ComposerDraft): void {
  try {
    if (draft.text.trim()) window.localStorage.setItem(DRAFT_PREFIX + key, JSON.stringify(draft));
    else window.localStorage.removeItem(DRAFT_PREFIX + key);
  } catch {
    // Storage full or unavailable: the draft lives as long as the page.
  }
}

interface MentionOption extends ComposerMention {
  avatarColor: string | null;
  hint?: string;
}

function postPolicyReason(chat: ChatView, t: ReturnType<typeof useMessages<keyof (typeof imMessages)['en-US']>>): string {
  if (chat.settings.postPolicy === 'admins') return t('postNotAllowedAdmins');
  if (chat.settings.postPolicy === 'listed') return t('postNotAllowedListed');
  return t('postNotAllowed');
}

export interface ComposerProps {
  chat: ChatView;
  /** Where the draft is kept: the chat id, or `chatId:rootId` for a thread. */
  draftKey: string;
  placeholder: string;
  /** Sends the text content (`{"text": …}` value); resolves when handed over, rejects to keep the text. */
  onSend: (text: string) => void;
  /** Also keep the draft on the server (the main composer of a chat, not threads). */
  syncServerDraft?: boolean;
  autoFocus?: boolean;
  testId?: string;
  /** Files picked with the attach button, pasted or dropped on the box; without it, attaching is off. */
  onAttach?: (files: File[]) => void;
  /** ↑ in an empty box: edit the viewer's last message; answers whether there was one. */
  onEditLast?: () => boolean;
}

/**
 * The message box: Enter sends, Shift+Enter breaks the line, `@` opens the member picker (with
 * @all when the chat allows it). The draft is kept per chat on this device and on the server.
 * When the chat's post policy shuts the viewer out, it says why instead.
 */
export function Composer({
  chat,
  draftKey,
  placeholder,
  onSend,
  syncServerDraft = false,
  autoFocus = false,
  testId = 'composer',
  onAttach,
  onEditLast,
}: ComposerProps) {
  const t = useMessages(imMessages);
  const viewer = useViewer();
  const textarea = useRef<HTMLTextAreaElement>(null);
  const [draft, setDraft] = useState<ComposerDraft>(() => readLocalDraft(draftKey) ?? { text: serverDraft(chat), mentions: [] });
  const [caret, setCaret] = useState(0);
  /**
   * Where the caret goes once the text the code just changed is on screen. Placed as soon as React
   * has written it (a layout effect), before the browser handles the next key: a caret placed a
   * frame later would move back over what a fast typist typed meanwhile.
   */
  const placeCaret = useRef<number | null>(null);
  useLayoutEffect(() => {
    const position = placeCaret.current;
    if (position === null) return;
    placeCaret.current = null;
    textarea.current?.focus();
    textarea.current?.setSelectionRange(position, position);
  });
  const [pickerIndex, setPickerIndex] = useState(0);
  const [pickerDismissed, setPickerDismissed] = useState<number | null>(null);
  const draftRef = useRef(draft);
  draftRef.current = draft;
  const fileInput = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  // Switching chats: load that chat's draft; leaving one: save it on the server too.
  useEffect(() => {
    const loaded = readLocalDraft(draftKey) ?? { text: serverDraft(chat), mentions: [] };
    setDraft(loaded);
    const initialText = loaded.text;
    return () => {
      writeLocalDraft(draftKey, draftRef.current);
      const finalText = draftRef.current.text.trim();
      if (syncServerDraft && finalText !== initialText.trim()) {
        void updateMyChatSettings(chat.id, { draft: finalText }).catch(() => undefined);
      }
    };
  }, [draftKey]);

  useEffect(() => {
    const timer = setTimeout(() => writeLocalDraft(draftKey, draft), 300);
    return () => clearTimeout(timer);
  }, [draft, draftKey]);

  useEffect(() => {
    if (autoFocus && chat.permissions.post) textarea.current?.focus();
  }, [draftKey, autoFocus, chat.permissions.post]);

  // Grow with the text up to a limit, like Feishu's box.
  useEffect(() => {
    const element = textarea.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight, 200)}px`;
  }, [draft.text]);

  const mention = activeMentionQuery(draft.text, caret);
  const pickerOpen = mention !== null && pickerDismissed !== mention.start;
  const members = useMembers(chat.id, pickerOpen);
  const options = useMemo<MentionOption[]>(() => {
    if (!mention) return [];
    const all: MentionOption[] = [];
    if (chat.chatType === 'group' && chat.permissions.atAll) {
      const name = t('mentionAll');
      if (chatNameMatches(name, mention.query) || chatNameMatches('all', mention.query)) {
        all.push({ userId: 'all', name, avatarColor: null, hint: t('mentionAllHint') });
      }
    }
    for (const page of members.data?.pages ?? []) {
      for (const member of page.items) {
        if (member.user.id === viewer.userId) {
          rememberOpenId(viewer.userId, member.user.openId);
          continue;
        }
        if (!chatNameMatches(member.user.name, mention.query)) continue;
        all.push({ userId: member.user.openId || member.user.id, name: member.user.name, avatarColor: member.user.avatarColor });
      }
    }
    return all.slice(0, 8);
  }, [mention?.query, members.data, chat, viewer.userId, t]);

  if (!chat.permissions.post) {
    return (
      <div className="kite-im-composer kite-im-composer--disabled" data-testid={`${testId}-disabled`}>
        {postPolicyReason(chat, t)}
      </div>
    );
  }

  const update = (text: string, nextCaret: number) => {
    setDraft((current) => ({ text, mentions: current.mentions }));
    setCaret(nextCaret);
    setPickerIndex(0);
  };

  const pick = (option: MentionOption) => {
    if (!mention) return;
    const next = insertMention(draft.text, mention.start, caret, option.name);
    setDraft((current) => ({ text: next.text, mentions: [...current.mentions.filter((m) => m.userId !== option.userId), option] }));
    setCaret(next.caret);
    placeCaret.current = next.caret;
  };

  const send = () => {
    const body = draftToText({ text: draft.text, mentions: liveMentions(draft) });
    if (!body) return;
    onSend(body);
    setDraft({ text: '', mentions: [] });
    writeLocalDraft(draftKey, { text: '', mentions: [] });
    if (syncServerDraft && serverDraft(chat)) void updateMyChatSettings(chat.id, { draft: '' }).catch(() => undefined);
    setCaret(0);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing) return;
    if (pickerOpen && options.length > 0) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setPickerIndex((index) => (index + step + options.length) % options.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        const option = options[Math.min(pickerIndex, options.length - 1)];
        if (option) pick(option);
        return;
      }
    }
    if (pickerOpen && event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      setPickerDismissed(mention?.start ?? null);
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.altKey) {
      event.preventDefault();
      send();
    } else if (event.key === 'ArrowUp' && !event.altKey && draft.text === '' && onEditLast?.()) {
      event.preventDefault();
    }
  };

  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = [...event.clipboardData.files];
    if (!onAttach || files.length === 0) return;
    event.preventDefault();
    onAttach(files);
  };
  const hasFiles = (event: DragEvent) => Boolean(onAttach) && [...event.dataTransfer.types].includes('Files');
  const onDragOver = (event: DragEvent<HTMLDivElement>) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    setDragging(true);
  };
  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    setDragging(false);
    const files = [...event.dataTransfer.files];
    if (!onAttach || files.length === 0) return;
    event.preventDefault();
    onAttach(files);
  };

  const insertAt = () => {
    const element = textarea.current;
    const position = element?.selectionStart ?? draft.text.length;
    const before = draft.text.slice(0, position);
    const prefix = before && !/\s$/.test(before) ? ' @' : '@';
    const text = before + prefix + draft.text.slice(position);
    update(text, position + prefix.length);
    setPickerDismissed(null);
    placeCaret.current = position + prefix.length;
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: dropping files is a shortcut; the attach button does the same.
    <div
      className={dragging ? 'kite-im-composer kite-im-composer--dragging' : 'kite-im-composer'}
      data-testid={testId}
      onDragOver={onDragOver}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      data-drop-label={t('dropToSend')}
    >
      {pickerOpen ? (
        <div className="kite-im-mention-picker" role="listbox" data-testid="mention-picker">
          {options.length === 0 ? (
            <div className="kite-im-mention-picker__empty">{members.isPending ? '…' : t('mentionNoMatch')}</div>
          ) : (
            options.map((option, index) => (
              <button
                type="button"
                role="option"
                aria-selected={index === pickerIndex}
                key={option.userId}
                className={index === pickerIndex ? 'kite-im-mention-option kite-im-mention-option--active' : 'kite-im-mention-option'}
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => pick(option)}
                onMouseEnter={() => setPickerIndex(index)}
                data-testid={`mention-option-${option.userId}`}
              >
                {option.userId === 'all' ? (
                  <span className="kite-im-mention-option__all">
                    <IconAt />
                  </span>
                ) : (
                  <UserAvatar name={option.name} color={option.avatarColor} size={24} />
                )}
                <span>{option.name}</span>
                {option.hint ? <span className="kite-muted">{option.hint}</span> : null}
              </button>
            ))
          )}
        </div>
      ) : null}
      <textarea
        ref={textarea}
        className="kite-im-composer__input"
        placeholder={placeholder}
        value={draft.text}
        rows={1}
        onChange={(event) => update(event.target.value, event.target.selectionStart)}
        onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
        aria-label={placeholder}
        data-testid={`${testId}-input`}
      />
      <div className="kite-im-composer__toolbar">
        <button type="button" className="kite-im-icon-button" onClick={insertAt} aria-label="@" title="@">
          <IconAt />
        </button>
        {onAttach ? (
          <>
            <button
              type="button"
              className="kite-im-icon-button"
              onClick={() => fileInput.current?.click()}
              aria-label={t('attach')}
              title={t('attach')}
              data-testid={`${testId}-attach`}
            >
              <IconImage />
            </button>
            <input
              ref={fileInput}
              type="file"
              multiple
              hidden
              data-testid={`${testId}-file`}
              onChange={(event) => {
                const files = [...(event.target.files ?? [])];
                event.target.value = '';
                if (files.length > 0) onAttach(files);
              }}
            />
          </>
        ) : (
          <Tooltip content={t('attachUnavailable')}>
            <span>
              <button type="button" className="kite-im-icon-button" disabled aria-label={t('attachUnavailable')}>
                <IconImage />
              </button>
            </span>
          </Tooltip>
        )}
        <span className="kite-im-composer__hint">{t('composerHint', { help: helpKeys() })}</span>
        <button
          type="button"
          className="kite-im-send"
          onClick={send}
          disabled={!draft.text.trim()}
          aria-label={t('send')}
          title={t('send')}
          data-testid={`${testId}-send`}
        >
          <IconSend />
        </button>
      </div>
    </div>
  );
}

/** The server's copy of the draft, when it sends one (another device wrote it). */
export function serverDraft(chat: ChatView): string {
  const value = (chat as ChatView & { draft?: unknown }).draft;
  return typeof value === 'string' ? value : '';
}
