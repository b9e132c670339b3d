import { IconComment, IconEmoji, IconEyeOpened, IconForward, IconLink, IconMore, IconReply } from '@douyinfe/semi-icons';
import { Dropdown, Modal, Popover, Toast } from '@douyinfe/semi-ui';
import type { ChatView, MessageView } from '@kite/im/contract';
import { isApiError } from '@kite/ui/api-client';
import { copyToClipboard } from '@kite/ui/copy-to-clipboard';
import { useErrorText } from '@kite/ui/error-text';
import { useLocale, useMessages } from '@kite/ui/i18n';
import { UserAvatar } from '@kite/ui/user-avatar';
import { useQueryClient } from '@tanstack/react-query';
import { type KeyboardEvent, memo, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { BotAvatar, BotTag } from './bot-avatar.tsx';
import { draftToText, textToDraft } from './composer-text.ts';
import { EditRequestContext, focusComposer } from './edit-last.ts';
import { COMMON_REACTIONS, emojiFor } from './emoji.ts';
import { forwardMessages } from './forward-messages.ts';
import { SelectionToggle, useForwarding } from './forwarding.tsx';
import { editMessage, recallMessage, toggleReaction } from './im-api.ts';
import { writeMessage } from './im-cache.ts';
import { imErrorTexts, imMessages } from './im-messages.ts';
import { useReadUsers } from './im-queries.ts';
import { formatClock } from './im-time.ts';
import { MessageBody } from './message-body.tsx';
import { plainText } from './message-content.ts';
import { MessageMarks, PeopleTabs, useMessageMarkActions } from './message-marks.tsx';
import { ProfileTrigger } from './profile-card.tsx';
import { type PartyLike, profileTargetOfParty } from './profile-target.ts';
import { ReactionChip } from './reaction-chip.tsx';
import { SystemLine } from './system-line.tsx';
import { useDismissOutside, useLongPress } from './use-long-press.ts';

/** The small grid of common reactions, used by the hover bar and the "+" in a reactions row. */
export function EmojiPicker({ onPick }: { onPick: (emojiType: string) => void }) {
  return (
    <div className="kite-im-emoji-picker" data-testid="emoji-picker">
      {COMMON_REACTIONS.map((emojiType) => (
        <button
          type="button"
          key={emojiType}
          className="kite-im-emoji-picker__item"
          onClick={() => onPick(emojiType)}
          title={emojiType}
          data-testid={`emoji-${emojiType}`}
        >
          {emojiFor(emojiType)}
        </button>
      ))}
    </div>
  );
}

function ReadReceipt({ message, chat }: { message: MessageView; chat: ChatView }) {
  const t = useMessages(imMessages);
  const [open, setOpen] = useState(false);
  const readUsers = useReadUsers(message.id, open);
  if (message.unreadCount === null || message.recalled) return null;
  const allRead = message.unreadCount === 0;
  const { data } = readUsers;
  const content = (
    <PeopleTabs
      testId="read-users"
      onClose={() => setOpen(false)}
      empty={t('readUsersEmpty')}
      tabs={
        data && [
          { key: 'unread', label: t('unreadBy', { count: data.unread.length }), people: data.unread },
          { key: 'read', label: t('readBy', { count: data.read.length }), people: data.read },
        ]
      }
    />
  );
  return (
    <Popover content={content} trigger="click" position="leftBottom" visible={open} onVisibleChange={setOpen} showArrow>
      <button
        type="button"
        className={allRead ? 'kite-im-receipt kite-im-receipt--read' : 'kite-im-receipt'}
        data-testid="read-receipt"
        aria-label={allRead ? t('allRead') : t('unreadReceipt', { count: message.unreadCount })}
      >
        {allRead ? (
          <span className="kite-im-receipt__done" aria-hidden="true">
            ✓
          </span>
        ) : chat.chatType === 'p2p' ? (
          <span className="kite-im-receipt__ring" aria-hidden="true" />
        ) : (
          t('unreadReceipt', { count: message.unreadCount })
        )}
      </button>
    </Popover>
  );
}

function InlineEditor({ message, chatKey, onDone }: { message: MessageView; chatKey: string; onDone: () => void }) {
  const t = useMessages(imMessages);
  const errorText = useErrorText(imErrorTexts);
  const queryClient = useQueryClient();
  const initial =
    message.msgType === 'text'
      ? textToDraft(safeText(message.content), message.mentions, t('mentionAll'))
      : { text: plainText(message), mentions: [] };
  const [text, setText] = useState(initial.text);
  const [saving, setSaving] = useState(false);
  const save = async () => {
    const body = draftToText({ text, mentions: initial.mentions });
    if (!body || saving) return;
    setSaving(true);
    try {
      const updated = await editMessage(message.id, JSON.stringify({ text: body }));
      writeMessage(queryClient, chatKey, updated);
      onDone();
    } catch (error) {
      Toast.error(errorText(error));
    } finally {
      setSaving(false);
    }
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onDone();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void save();
    }
  };
  return (
    <div className="kite-im-edit">
      <textarea
        className="kite-im-edit__input"
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
        rows={Math.min(8, Math.max(2, text.split('\n').length))}
        // biome-ignore lint/a11y/noAutofocus: editing starts from an explicit click
        autoFocus
        data-testid="edit-input"
      />
      <div className="kite-im-edit__footer">
        <span className="kite-muted">{t('editHint')}</span>
        <button type="button" className="kite-im-text-button" onClick={onDone}>
          {t('editCancel')}
        </button>
        <button type="button" className="kite-im-text-button kite-im-text-button--primary" onClick={() => void save()} disabled={saving}>
          {t('editSave')}
        </button>
      </div>
    </div>
  );
}

/** Text made of a few emoji and nothing else: shown large, without a bubble, as Feishu and Slack do. */
const EMOJI_ONLY = /^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u200d|\ufe0f|\s)+$/u;
const MAX_BIG_EMOJI = 5;

function isEmojiOnly(message: MessageView): boolean {
  if (message.msgType !== 'text') return false;
  const text = safeText(message.content).trim();
  if (!text || !EMOJI_ONLY.test(text)) return false;
  return (text.match(/\p{Extended_Pictographic}/gu)?.length ?? 0) <= MAX_BIG_EMOJI;
}

/** The bubble's classes: cards and merged histories bring their own frame, a lone image or file needs none. */
function bubbleClassName(message: MessageView, isCard: boolean, quoted: boolean): string {
  if (isCard) return 'kite-im-bubble kite-im-bubble--card';
  if (quoted) return 'kite-im-bubble';
  if (message.msgType === 'image' || message.msgType === 'file') return 'kite-im-bubble kite-im-bubble--media';
  if (isEmojiOnly(message)) return 'kite-im-bubble kite-im-bubble--emoji';
  return 'kite-im-bubble';
}

function safeText(content: string): string {
  try {
    const parsed = JSON.parse(content) as { text?: unknown };
    return typeof parsed.text === 'string' ? parsed.text : '';
  } catch {
    return '';
  }
}

/** What a reply's quote shows of the message it answers; `sender` opens their card (null: unknown yet). */
export interface ReplyTo {
  name: string;
  text: string;
  sender: PartyLike | null;
}

/**
 * A reply's quote: "Reply to Alice" and a line of the original. The name opens Alice's card; the
 * rest of the quote (a button stretched over it, under the name) shows the original. Two sibling
 * buttons, so neither sits inside the other, and both are reached by Tab.
 */
function ReplyQuote({ replyTo, onOpen }: { replyTo: ReplyTo; onOpen: () => void }) {
  const t = useMessages(imMessages);
  const [before = '', after = ''] = t('inReplyTo', { name: '\u0000' }).split('\u0000');
  return (
    <div className="kite-im-quote" data-testid="message-quote">
      <span className="kite-im-quote__name">
        {before}
        <ProfileTrigger
          target={profileTargetOfParty(replyTo.sender)}
          label={replyTo.name}
          className="kite-im-quote__who"
          testId="quote-sender"
        >
          {replyTo.name}
        </ProfileTrigger>
        {after}
      </span>
      <button
        type="button"
        className="kite-im-quote__jump"
        onClick={onOpen}
        aria-label={t('openQuoted', { name: replyTo.name, text: replyTo.text })}
        data-testid="message-quote-jump"
      >
        <span className="kite-im-quote__text">{replyTo.text}</span>
      </button>
    </div>
  );
}

export interface MessageRowProps {
  message: MessageView;
  chat: ChatView;
  startsGroup: boolean;
  own: boolean;
  viewerIds: ReadonlySet<string>;
  /** The message this one quotes: its sender and a line of it ('…' until it is loaded). */
  replyTo?: ReplyTo | null;
  highlighted?: boolean;
  /** Shown inside the thread panel: no "reply" actions or reply count there. */
  inThread?: boolean;
  /** Opens the thread this message roots (`id`), starting it when it has none. */
  onOpenThread?: (rootId: string) => void;
  /** Quotes this message in the composer (a reply in the timeline). */
  onReply?: (message: MessageView) => void;
  /** Shows the quoted message (`id`) in the history. */
  onOpenQuoted?: (messageId: string) => void;
}

/**
 * One message: avatar and name at the start of a group, the bubble, reactions, the viewer's read
 * receipt on their own messages, and the hover bar (reply, react, copy link, more).
 */
export const MessageRow = memo(function MessageRow({
  message,
  chat,
  startsGroup,
  own,
  viewerIds,
  replyTo,
  highlighted = false,
  inThread = false,
  onOpenThread,
  onReply,
  onOpenQuoted,
}: MessageRowProps) {
  const t = useMessages(imMessages);
  const { locale } = useLocale();
  // In a topic group every message is a topic: a reply goes into its thread, never quotes it.
  const topic = chat.chatType === 'group' && chat.settings.messageForm === 'thread' && message.msgType !== 'system';
  const errorText = useErrorText(imErrorTexts);
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [pickerOpen, setPickerOpen] = useState(false);
  const [rowPickerOpen, setRowPickerOpen] = useState(false);
  // Phones: holding the message shows its action bar until the next tap elsewhere.
  const [pressed, setPressed] = useState(false);
  const rowRef = useRef<HTMLDivElement>(null);
  const longPress = useLongPress(() => setPressed(true));
  // ↑ in the empty composer asks to edit this message (EditRequestContext); Escape or saving hands the keyboard back.
  const editRequest = useContext(EditRequestContext);
  const [editFromKeyboard, setEditFromKeyboard] = useState(false);
  useEffect(() => {
    if (editRequest?.messageId !== message.id) return;
    setEditing(true);
    setEditFromKeyboard(true);
    rowRef.current?.scrollIntoView({ block: 'nearest' });
  }, [editRequest, message.id]);
  const stopEditing = () => {
    setEditing(false);
    if (editFromKeyboard) focusComposer();
    setEditFromKeyboard(false);
  };
  const release = useCallback(() => setPressed(false), []);
  useDismissOutside(rowRef, pressed, release);
  const marks = useMessageMarkActions(message, chat, own);
  const forwarding = useForwarding();
  const f = useMessages(forwardMessages);
  // Multi-select covers the main history; a thread panel's rows stay as they are.
  const selecting = Boolean(forwarding?.selected) && !inThread;

  const react = async (emojiType: string) => {
    setPickerOpen(false);
    setRowPickerOpen(false);
    const existing = message.reactions.find((reaction) => reaction.emojiType === emojiType);
    const add = !existing?.reactedByMe;
    try {
      const updated = await toggleReaction(message.id, emojiType, add);
      writeMessage(queryClient, chat.id, updated);
    } catch (error) {
      // Someone (another tab) already did the same: the realtime event brings the state.
      if (!(isApiError(error) && error.status === 409)) Toast.error(errorText(error));
    }
  };

  const copyLink = async () => {
    const url = `${window.location.origin}/messenger/${encodeURIComponent(chat.id)}?message=${encodeURIComponent(message.messageId)}`;
    if (await copyToClipboard(url)) Toast.success(t('linkCopied'));
  };

  const copyText = async () => {
    if (await copyToClipboard(plainText(message))) Toast.success(t('textCopied'));
  };

  const recall = () =>
    Modal.confirm({
      title: t('recallConfirmTitle'),
      content: t('recallConfirmBody'),
      okText: t('actionRecall'),
      okButtonProps: { type: 'danger', theme: 'solid' },
      onOk: async () => {
        try {
          const updated = await recallMessage(message.id);
          writeMessage(queryClient, chat.id, updated);
        } catch (error) {
          Toast.error(errorText(error));
        }
      },
    });

  if (message.recalled || message.msgType === 'system') {
    const text = message.recalled
      ? own
        ? t('recalledByYou')
        : t('recalledBy', { name: message.sender?.name ?? t('unknownSender') })
      : null;
    return (
      <div
        className={highlighted ? 'kite-im-row kite-im-row--notice kite-im-row--highlight' : 'kite-im-row kite-im-row--notice'}
        data-testid="message"
        data-seq={message.seq}
        data-message-id={message.messageId}
      >
        <span className="kite-im-notice" data-testid={message.recalled ? 'message-recalled' : 'message-system'}>
          {text ?? <SystemLine message={message} chatId={chat.id} />}
        </span>
      </div>
    );
  }

  const editable = own && (message.msgType === 'text' || message.msgType === 'post');
  // Cards and merged histories bring their own frame.
  const isCard = message.msgType === 'interactive' || message.msgType === 'merge_forward';
  const quoted = Boolean(replyTo && message.parentId && !inThread);
  const senderName = message.sender?.name ?? t('unknownSender');
  // Apps' bots and custom (webhook) bots look alike: a robot avatar and a "Bot" tag.
  const isBot = message.sender !== null && message.sender.type !== 'user';
  // While picking messages to forward, a click on the row picks it: no card then.
  const senderCard = selecting ? null : profileTargetOfParty(message.sender);
  const className = [
    'kite-im-row',
    own ? 'kite-im-row--own' : '',
    startsGroup ? 'kite-im-row--first' : '',
    highlighted ? 'kite-im-row--highlight' : '',
    pickerOpen || pressed ? 'kite-im-row--active' : '',
    selecting ? 'kite-im-row--selecting' : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <div
      ref={rowRef}
      className={className}
      data-testid="message"
      data-seq={message.seq}
      data-message-id={message.messageId}
      data-own={own ? 'true' : 'false'}
      {...(selecting ? {} : longPress)}
    >
      {selecting && forwarding && !message.ephemeral ? <SelectionToggle message={message} forwarding={forwarding} /> : null}
      <div className="kite-im-row__avatar">
        {startsGroup && !own ? (
          <ProfileTrigger target={senderCard} label={senderName} className="kite-im-profile-trigger--face" testId="sender-avatar">
            {isBot ? (
              <BotAvatar name={senderName} size={32} />
            ) : (
              <UserAvatar name={senderName} color={message.sender?.avatarColor} size={32} />
            )}
          </ProfileTrigger>
        ) : null}
      </div>
      <div className="kite-im-row__main">
        {startsGroup ? (
          <div className="kite-im-row__meta">
            {own ? null : (
              <ProfileTrigger target={senderCard} label={senderName} className="kite-im-row__name" testId="sender-name">
                {senderName}
              </ProfileTrigger>
            )}
            {own || !isBot ? null : <BotTag />}
            <span className="kite-im-row__time">{formatClock(message.createdAt, locale)}</span>
          </div>
        ) : null}
        <div className="kite-im-row__content">
          {editing ? (
            <InlineEditor message={message} chatKey={chat.id} onDone={stopEditing} />
          ) : (
            <div className={bubbleClassName(message, isCard, quoted)} data-testid="message-bubble">
              {quoted && replyTo ? <ReplyQuote replyTo={replyTo} onOpen={() => onOpenQuoted?.(message.parentId!)} /> : null}
              <div className="kite-im-bubble__text" data-testid="message-text">
                <MessageBody
                  msgType={message.msgType}
                  content={message.content}
                  mentions={message.mentions}
                  viewerIds={viewerIds}
                  card={isCard ? { messageId: message.id, chatKey: chat.id } : undefined}
                  messageId={message.messageId}
                />
                {message.edited ? <span className="kite-im-edited">{t('edited')}</span> : null}
              </div>
            </div>
          )}
          {own ? <ReadReceipt message={message} chat={chat} /> : null}
          {/* A card only the viewer sees is no part of the chat: nothing to react to, quote, forward or link. */}
          {!editing && !selecting && !message.ephemeral ? (
            <div className="kite-im-actions" role="toolbar" aria-label={t('actionMore')}>
              <Popover
                trigger="click"
                visible={pickerOpen}
                onVisibleChange={setPickerOpen}
                content={<EmojiPicker onPick={(emojiType) => void react(emojiType)} />}
                position={own ? 'topRight' : 'topLeft'}
              >
                <button
                  type="button"
                  className="kite-im-actions__button"
                  aria-label={t('actionReact')}
                  title={t('actionReact')}
                  data-testid="action-react"
                >
                  <IconEmoji />
                </button>
              </Popover>
              {inThread ? null : (
                <>
                  {topic ? null : (
                    <button
                      type="button"
                      className="kite-im-actions__button"
                      aria-label={t('actionReply')}
                      title={t('actionReply')}
                      onClick={() => onReply?.(message)}
                      data-testid="action-reply"
                    >
                      <IconReply />
                    </button>
                  )}
                  <button
                    type="button"
                    className="kite-im-actions__button"
                    aria-label={t('actionReplyInThread')}
                    title={t('actionReplyInThread')}
                    onClick={() => onOpenThread?.(message.id)}
                    data-testid="action-thread"
                  >
                    <IconComment />
                  </button>
                </>
              )}
              {forwarding ? (
                <button
                  type="button"
                  className="kite-im-actions__button"
                  aria-label={f('actionForward')}
                  title={f('actionForward')}
                  onClick={() => forwarding.forward(message)}
                  data-testid="action-forward"
                >
                  <IconForward />
                </button>
              ) : null}
              <button
                type="button"
                className="kite-im-actions__button"
                aria-label={t('actionCopyLink')}
                title={t('actionCopyLink')}
                onClick={() => void copyLink()}
                data-testid="action-copy-link"
              >
                <IconLink />
              </button>
              <Dropdown
                trigger="click"
                clickToHide
                position={own ? 'bottomRight' : 'bottomLeft'}
                render={
                  <Dropdown.Menu>
                    {message.msgType === 'text' || message.msgType === 'post' ? (
                      <Dropdown.Item onClick={() => void copyText()}>{t('actionCopyText')}</Dropdown.Item>
                    ) : null}
                    {forwarding && !inThread ? (
                      <Dropdown.Item onClick={() => forwarding.startSelecting(message)} data-testid="action-select">
                        {f('actionSelect')}
                      </Dropdown.Item>
                    ) : null}
                    {editable ? (
                      <Dropdown.Item onClick={() => setEditing(true)} data-testid="action-edit">
                        {t('actionEdit')}
                      </Dropdown.Item>
                    ) : null}
                    {marks.menuItems}
                    {own ? (
                      <Dropdown.Item type="danger" onClick={recall} data-testid="action-recall">
                        {t('actionRecall')}
                      </Dropdown.Item>
                    ) : null}
                  </Dropdown.Menu>
                }
              >
                <button
                  type="button"
                  className="kite-im-actions__button"
                  aria-label={t('actionMore')}
                  title={t('actionMore')}
                  data-testid="action-more"
                >
                  <IconMore />
                </button>
              </Dropdown>
            </div>
          ) : null}
        </div>
        {message.ephemeral ? (
          <div className="kite-im-ephemeral-tag" data-testid="ephemeral-label">
            <IconEyeOpened size="small" aria-hidden />
            {t('onlyVisibleToYou')}
          </div>
        ) : null}
        {message.reactions.length > 0 ? (
          <div className="kite-im-reactions" data-testid="reactions">
            {message.reactions.map((reaction) => (
              <ReactionChip
                key={reaction.emojiType}
                messageId={message.id}
                reaction={reaction}
                own={own}
                onToggle={(emojiType) => void react(emojiType)}
              />
            ))}
            <Popover
              trigger="click"
              visible={rowPickerOpen}
              onVisibleChange={setRowPickerOpen}
              content={<EmojiPicker onPick={(emojiType) => void react(emojiType)} />}
            >
              <button type="button" className="kite-im-reaction kite-im-reaction--add" aria-label={t('actionReact')}>
                <IconEmoji />
              </button>
            </Popover>
          </div>
        ) : null}
        <MessageMarks message={message} chat={chat} />
        {marks.dialog}
        {!inThread && (message.replyCount > 0 || (topic && !message.recalled && !message.ephemeral)) ? (
          <button type="button" className="kite-im-thread-link" onClick={() => onOpenThread?.(message.id)} data-testid="thread-link">
            <IconComment size="small" />
            {message.replyCount > 0 ? t('replyCount', { count: message.replyCount }) : t('topicReply')}
            {message.unreadReplyCount > 0 ? (
              <span className="kite-im-thread-link__new" data-testid="thread-new-replies">
                {t('newReplyCount', { count: message.unreadReplyCount })}
              </span>
            ) : null}
          </button>
        ) : null}
      </div>
    </div>
  );
});
