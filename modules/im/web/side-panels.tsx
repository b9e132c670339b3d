import { IconChevronLeft, IconClose, IconMore, IconPlus } from '@douyinfe/semi-icons';
import { Button, Dropdown, Input, Modal, Select, Switch, Tag, TextArea, Toast } from '@douyinfe/semi-ui';
import type { ChatView, MessageView } from '@kite/im/contract';
import { CopyableValue } from '@kite/ui/copyable-value';
import { useErrorText } from '@kite/ui/error-text';
import { useMessages } from '@kite/ui/i18n';
import { ErrorState, LoadingState } from '@kite/ui/states';
import { UserAvatar } from '@kite/ui/user-avatar';
import { useViewer } from '@kite/ui/viewer';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, type RefObject, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useLocation } from 'react-router';
import { UploadTray, useAttachments } from './attachments.tsx';
import { ChatSearchPanel, ChatSearchTitle } from './chat-search-panel.tsx';
import { Composer } from './composer.tsx';
import { useEdgePaging } from './edge-paging.ts';
import { forwardMessages } from './forward-messages.ts';
import {
  type ChatMember,
  dissolveChat,
  imQueryKeys,
  leaveChat,
  markThreadRead,
  removeMembers,
  setAdmins,
  transferChat,
  type UpdateChatPatch,
  updateChat,
  updateMyChatSettings,
} from './im-api.ts';
import { applyThreadRead, removeCachedChat, showThreadAround, writeChat } from './im-cache.ts';
import { imErrorTexts, imMessages } from './im-messages.ts';
import { fetchThreadPage, useMembers, useMessageHistory, useThread } from './im-queries.ts';
import { MessageRow } from './message-row.tsx';
import { mergeMessagePages } from './message-timeline.ts';
import { AddMembersModal } from './new-chat-modal.tsx';
import { notificationMessages } from './notification-messages.ts';
import type { SidePanel } from './open-message.ts';
import { PinnedMessages, usePinnedTitle } from './pinned-panel.tsx';
import { ProfileTrigger } from './profile-card.tsx';
import { useSendMessage } from './use-send-message.ts';
import { myOpenIds, rememberOpenId } from './viewer-state.ts';
import { WebhookBotsSection } from './webhook-bots-section.tsx';

type Translate = ReturnType<typeof useMessages<keyof (typeof imMessages)['en-US']>>;

function PanelFrame({
  title,
  onClose,
  onBack,
  children,
  testId,
  extra,
}: {
  title: ReactNode;
  onClose: () => void;
  onBack?: () => void;
  children: ReactNode;
  testId: string;
  extra?: ReactNode;
}) {
  const t = useMessages(imMessages);
  return (
    <aside className="kite-im-panel" data-testid={testId}>
      <header className="kite-im-panel__header">
        {onBack ? (
          <button type="button" className="kite-im-icon-button" onClick={onBack} aria-label={t('back')}>
            <IconChevronLeft />
          </button>
        ) : null}
        <h2 className="kite-im-panel__title">{title}</h2>
        {extra}
        {onBack ? null : (
          <button
            type="button"
            className="kite-im-icon-button"
            onClick={onClose}
            aria-label={t('closePanel')}
            title={t('closePanel')}
            data-testid="close-panel"
          >
            <IconClose />
          </button>
        )}
      </header>
      <div className="kite-im-panel__body">{children}</div>
    </aside>
  );
}

interface ThreadPanelProps {
  chat: ChatView;
  rootId: string;
  /** `om_…` of a reply to scroll to and highlight (opened from a link, a search hit, a pin…). */
  replyId?: string;
  onClose: () => void;
  onBack?: () => void;
}

/** Within this distance of the end, the thread counts as scrolled to the bottom (and is read). */
const THREAD_BOTTOM_PX = 48;
/** Within this distance of the top, older replies load. */
const THREAD_LOAD_OLDER_PX = 200;

/**
 * Scrolls the thread to the reply it was opened at and marks it for a moment, once the thread has
 * loaded and again for each new request (another navigation to the same reply). A reply outside
 * the loaded pages (deep in a long thread) brings the page around it first. Answers the reply
 * marked now.
 */
function useReplyFocus(
  scroller: RefObject<HTMLDivElement | null>,
  thread: { chatId: string; rootId: string },
  replyId: string | undefined,
  items: MessageView[] | undefined,
) {
  const f = useMessages(forwardMessages);
  const queryClient = useQueryClient();
  const request = useLocation().key;
  const [highlight, setHighlight] = useState<string | null>(null);
  const done = useRef<string | null>(null);
  const fetched = useRef<string | null>(null);
  const { chatId, rootId } = thread;
  useLayoutEffect(() => {
    if (!replyId || !items || done.current === request) return;
    if (!items.some((message) => message.messageId === replyId)) {
      if (fetched.current === request) {
        done.current = request;
        Toast.warning(f('linkMessageMissing'));
        return;
      }
      fetched.current = request;
      const cursor = { aroundMessageId: replyId };
      fetchThreadPage(chatId, rootId, cursor)
        .then((page) => showThreadAround(queryClient, chatId, rootId, page, cursor))
        .catch(() => {
          done.current = request;
          Toast.warning(f('linkMessageMissing'));
        });
      return;
    }
    done.current = request;
    scroller.current?.querySelector(`[data-message-id="${CSS.escape(replyId)}"]`)?.scrollIntoView({ block: 'center' });
    setHighlight(replyId);
    setTimeout(() => setHighlight(null), 2400);
  }, [replyId, items, request, scroller, f, chatId, rootId, queryClient]);
  return highlight;
}

/** Whether the page is in front (a hidden tab reads nothing). */
function usePageVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  useEffect(() => {
    const onChange = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, []);
  return visible;
}

/**
 * Reads the thread while its end is on screen and the tab is in front: up to its newest reply, once
 * when it opens (the cached root may not know of every unread reply) and then whenever the root
 * shows unread replies again. The answer, and `im.thread.read` on the viewer's other tabs, take the
 * root's "N new replies" and the thread's part of the chat's unread count away.
 */
function useMarkThreadRead(chat: ChatView, rootId: string, state: { atEnd: boolean; newestSeq: number; unread: number | undefined }) {
  const queryClient = useQueryClient();
  const visible = usePageVisible();
  const requested = useRef(0);
  const { atEnd, newestSeq, unread } = state;
  useEffect(() => {
    if (!visible || !atEnd || newestSeq === 0 || requested.current >= newestSeq) return;
    if (unread === 0 && requested.current > 0) return;
    requested.current = newestSeq;
    markThreadRead(chat.id, rootId, newestSeq)
      .then((answer) => applyThreadRead(queryClient, answer))
      .catch(() => {
        requested.current = 0;
      });
  }, [visible, atEnd, newestSeq, unread, chat.id, rootId, queryClient]);
}

function ThreadPanel({ chat, rootId, replyId, onClose, onBack }: ThreadPanelProps) {
  const t = useMessages(imMessages);
  const viewer = useViewer();
  const history = useMessageHistory(chat.id);
  const thread = useThread(chat.id, rootId, replyId);
  const scroller = useRef<HTMLDivElement>(null);
  const messages = useMemo(() => mergeMessagePages(thread.data?.pages ?? []), [thread.data]);
  const { pending, send, resend, discard } = useSendMessage(chat, rootId);
  const attachments = useAttachments(chat, rootId);
  const viewerIds = myOpenIds(viewer.userId);
  const root = useMemo(
    () =>
      messages.find((message) => message.id === rootId) ??
      mergeMessagePages(history.data?.pages ?? []).find((message) => message.id === rootId),
    [messages, history.data, rootId],
  );
  const replies = messages.filter((message) => message.id !== rootId);
  const first = replies[0]?.seq ?? 0;
  const last = replies[replies.length - 1]?.seq ?? 0;
  // Keep the reader's place as in the history: older pages grow the list above; new replies follow
  // a reader at the end (or the viewer's own). A thread opens at its end, or at the reply asked for.
  const range = useRef<{ first: number; last: number } | null>(null);
  const bottomDistance = useRef(0);
  // Paged at both ends; `loadingNewer` while a newer page (a page around a reply scrolled down) is on
  // its way: it grows the list below, the place stays.
  const { loadingNewer, onScrolled } = useEdgePaging(scroller, thread, THREAD_LOAD_OLDER_PX, messages.length);
  const [atEnd, setAtEnd] = useState(false);
  const measure = () => {
    const element = scroller.current;
    if (!element) return;
    bottomDistance.current = element.scrollHeight - element.clientHeight - element.scrollTop;
    setAtEnd(bottomDistance.current < THREAD_BOTTOM_PX && !thread.hasPreviousPage);
  };
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element || thread.isPending) return;
    const before = range.current;
    range.current = { first, last };
    if (!before) {
      if (!replyId) element.scrollTop = element.scrollHeight;
    } else if (first < before.first && last === before.last) {
      element.scrollTop = element.scrollHeight - element.clientHeight - bottomDistance.current;
    } else if (last > before.last && loadingNewer.current) {
      loadingNewer.current = false;
    } else if (last > before.last) {
      const own = replies[replies.length - 1]?.sender?.id === viewer.userId;
      if (bottomDistance.current < THREAD_BOTTOM_PX * 2 || own) element.scrollTop = element.scrollHeight;
    }
    measure();
  });
  const highlight = useReplyFocus(scroller, { chatId: chat.id, rootId }, replyId, thread.data ? messages : undefined);
  useMarkThreadRead(chat, rootId, { atEnd, newestSeq: last, unread: root?.unreadReplyCount });
  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    measure();
    onScrolled(bottomDistance.current);
  };
  const row = (message: NonNullable<typeof root>, startsGroup: boolean) => (
    <MessageRow
      key={message.id}
      message={message}
      chat={chat}
      startsGroup={startsGroup}
      own={message.sender?.type === 'user' && message.sender.id === viewer.userId}
      viewerIds={viewerIds}
      inThread
      highlighted={highlight === message.messageId}
    />
  );
  return (
    <PanelFrame title={t('panelThread')} onClose={onClose} onBack={onBack} testId="thread-panel">
      <div className="kite-im-thread">
        <div className="kite-im-thread__scroll" ref={scroller} onScroll={onScroll} data-testid="thread-scroll">
          {root ? (
            <div className="kite-im-thread__root">{row(root, true)}</div>
          ) : (
            <div className="kite-im-panel__note">{t('threadRootMissing')}</div>
          )}
          {thread.isPending ? (
            <LoadingState compact />
          ) : thread.isError ? (
            <ErrorState compact error={thread.error} onRetry={() => thread.refetch()} />
          ) : replies.length === 0 && pending.length === 0 ? (
            <div className="kite-im-panel__note">{t('threadEmpty')}</div>
          ) : (
            <>
              <div className="kite-im-thread__count">{t('replyCount', { count: Math.max(root?.replyCount ?? 0, replies.length) })}</div>
              {thread.hasNextPage ? (
                <div className="kite-im-thread__older" data-testid="thread-older">
                  {thread.isFetchingNextPage ? <LoadingState compact /> : t('threadOlderReplies')}
                </div>
              ) : null}
              {replies.map((message, index) => row(message, index === 0 || replies[index - 1]?.sender?.id !== message.sender?.id))}
              {thread.isFetchingPreviousPage ? <LoadingState compact /> : null}
              {pending.map((message) => (
                <div key={message.uuid} className="kite-im-thread__pending">
                  <span>{message.text.replace(/<at user_id="[^"]*">([^<]*)<\/at>/g, '@$1')}</span>
                  {message.failed ? (
                    <>
                      <button
                        type="button"
                        className="kite-im-text-button kite-im-text-button--primary"
                        onClick={() => resend(message.uuid)}
                      >
                        {t('retrySend')}
                      </button>
                      <button type="button" className="kite-im-text-button" onClick={() => discard(message.uuid)}>
                        ✕
                      </button>
                    </>
                  ) : (
                    <span className="kite-muted">{t('sending')}</span>
                  )}
                </div>
              ))}
            </>
          )}
        </div>
        <UploadTray uploads={attachments.uploads} onDismiss={attachments.dismiss} />
        <Composer
          chat={chat}
          draftKey={`${chat.id}:${rootId}`}
          placeholder={t('threadComposerPlaceholder')}
          onSend={send}
          onAttach={attachments.attach}
          autoFocus
          testId="thread-composer"
        />
      </div>
    </PanelFrame>
  );
}

function roleTag(role: ChatMember['role'], t: Translate) {
  if (role === 'owner')
    return (
      <Tag size="small" color="amber">
        {t('roleOwner')}
      </Tag>
    );
  if (role === 'admin')
    return (
      <Tag size="small" color="blue">
        {t('roleAdmin')}
      </Tag>
    );
  return null;
}

function MembersPanel({ chat, onClose, onBack }: { chat: ChatView; onClose: () => void; onBack?: () => void }) {
  const t = useMessages(imMessages);
  const errorText = useErrorText(imErrorTexts);
  const viewer = useViewer();
  const queryClient = useQueryClient();
  const members = useMembers(chat.id);
  const [adding, setAdding] = useState(false);
  const roleOrder = { owner: 0, admin: 1, member: 2 } as const;
  const list = (members.data?.pages.flatMap((page) => page.items) ?? []).sort((a, b) => roleOrder[a.role] - roleOrder[b.role]);
  const total = members.data?.pages[0]?.total ?? chat.memberCount;

  useEffect(() => {
    const me = list.find((member) => member.user.id === viewer.userId);
    if (me) rememberOpenId(viewer.userId, me.user.openId);
  }, [list, viewer.userId]);

  const run = async (action: () => Promise<ChatView>, success?: string) => {
    try {
      writeChat(queryClient, await action());
      void queryClient.invalidateQueries({ queryKey: imQueryKeys.members(chat.id) });
      if (success) Toast.success(success);
    } catch (error) {
      Toast.error(errorText(error));
    }
  };

  const memberActions = (member: ChatMember) => {
    if (member.user.id === viewer.userId || member.role === 'owner') return null;
    const items: ReactNode[] = [];
    if (chat.permissions.dissolve) {
      items.push(
        <Dropdown.Item key="admin" onClick={() => void run(() => setAdmins(chat.id, [member.user.id], member.role !== 'admin'))}>
          {member.role === 'admin' ? t('revokeAdmin') : t('makeAdmin')}
        </Dropdown.Item>,
        <Dropdown.Item
          key="transfer"
          onClick={() =>
            Modal.confirm({
              title: t('transferOwner'),
              content: t('transferConfirm', { name: member.user.name }),
              onOk: () => run(() => transferChat(chat.id, member.user.id)),
            })
          }
        >
          {t('transferOwner')}
        </Dropdown.Item>,
      );
    }
    if (chat.permissions.manage) {
      items.push(
        <Dropdown.Item
          key="remove"
          type="danger"
          onClick={() =>
            Modal.confirm({
              title: t('removeMember'),
              content: t('removeMemberConfirm', { name: member.user.name }),
              okButtonProps: { type: 'danger', theme: 'solid' },
              onOk: () => run(() => removeMembers(chat.id, [member.user.id]), t('memberRemoved', { name: member.user.name })),
            })
          }
          data-testid="remove-member"
        >
          {t('removeMember')}
        </Dropdown.Item>,
      );
    }
    if (items.length === 0) return null;
    return (
      <Dropdown trigger="click" position="bottomRight" render={<Dropdown.Menu>{items}</Dropdown.Menu>}>
        <button
          type="button"
          className="kite-im-icon-button kite-im-member__more"
          aria-label={t('actionMore')}
          data-testid={`member-actions-${member.user.id}`}
        >
          <IconMore />
        </button>
      </Dropdown>
    );
  };

  return (
    <PanelFrame
      title={`${t('panelMembers')} · ${total}`}
      onClose={onClose}
      onBack={onBack}
      testId="members-panel"
      extra={
        chat.permissions.addMembers && chat.chatType === 'group' ? (
          <Button size="small" icon={<IconPlus />} onClick={() => setAdding(true)} data-testid="add-members">
            {t('addMembers')}
          </Button>
        ) : null
      }
    >
      {members.isPending ? (
        <LoadingState compact />
      ) : members.isError ? (
        <ErrorState compact error={members.error} onRetry={() => members.refetch()} />
      ) : (
        <ul className="kite-im-members" data-testid="members-list">
          {list.map((member) => (
            <li
              key={member.user.id}
              className="kite-im-member"
              data-testid={`member-${member.user.id}`}
              data-member-name={member.user.name}
            >
              <ProfileTrigger
                target={{ kind: 'person', userId: member.user.id }}
                label={member.user.name}
                className="kite-im-profile-trigger--row"
                testId="member-profile"
              >
                <UserAvatar name={member.user.name} color={member.user.avatarColor} size={32} />
                <span className="kite-im-member__name">
                  {member.user.name}
                  {member.user.id === viewer.userId ? <span className="kite-muted"> ({t('you')})</span> : null}
                </span>
              </ProfileTrigger>
              {roleTag(member.role, t)}
              {memberActions(member)}
            </li>
          ))}
          {members.hasNextPage ? (
            <li className="kite-im-members__more">
              <Button theme="borderless" onClick={() => void members.fetchNextPage()} loading={members.isFetchingNextPage}>
                {t('loadMoreChats')}
              </Button>
            </li>
          ) : null}
        </ul>
      )}
      {adding ? <AddMembersModal chat={chat} memberIds={list.map((member) => member.user.id)} onClose={() => setAdding(false)} /> : null}
    </PanelFrame>
  );
}

/** A text field that saves on blur or Enter, read-only without `canEdit`. */
function EditableField({
  label,
  value,
  empty,
  canEdit,
  multiline = false,
  onSave,
  testId,
}: {
  label: string;
  value: string;
  empty: string;
  canEdit: boolean;
  multiline?: boolean;
  onSave: (value: string) => Promise<void>;
  testId: string;
}) {
  const [draft, setDraft] = useState(value);
  const [editing, setEditing] = useState(false);
  useEffect(() => setDraft(value), [value]);
  const commit = async () => {
    setEditing(false);
    if (draft.trim() === value.trim()) return;
    await onSave(draft.trim()).catch(() => setDraft(value));
  };
  return (
    <div className="kite-im-setting">
      <div className="kite-im-setting__label">{label}</div>
      {editing ? (
        multiline ? (
          <TextArea
            autosize
            value={draft}
            onChange={setDraft}
            onBlur={() => void commit()}
            autoFocus
            maxCount={10_000}
            data-testid={`${testId}-input`}
          />
        ) : (
          <Input
            value={draft}
            onChange={setDraft}
            onBlur={() => void commit()}
            onEnterPress={() => void commit()}
            autoFocus
            maxLength={100}
            data-testid={`${testId}-input`}
          />
        )
      ) : (
        <button
          type="button"
          className={canEdit ? 'kite-im-setting__value kite-im-setting__value--editable' : 'kite-im-setting__value'}
          onClick={() => canEdit && setEditing(true)}
          disabled={!canEdit}
          data-testid={testId}
        >
          {value ? <span className="kite-im-setting__text">{value}</span> : <span className="kite-muted">{empty}</span>}
        </button>
      )}
    </div>
  );
}

type Policy = 'all' | 'admins';

/** One of a group's "who can …" settings: everyone, or the owner and admins. */
function PolicySelect({
  label,
  value,
  disabled,
  onChange,
  testId,
}: {
  label: string;
  value: Policy;
  disabled: boolean;
  onChange: (value: Policy) => void;
  testId?: string;
}) {
  const t = useMessages(imMessages);
  return (
    <div>
      <div className="kite-im-setting__label">{label}</div>
      <Select
        value={value}
        disabled={disabled}
        onChange={(next) => onChange(next as Policy)}
        optionList={[
          { value: 'all', label: t('policyAll') },
          { value: 'admins', label: t('policyAdmins') },
        ]}
        style={{ width: '100%' }}
        aria-label={label}
        data-testid={testId}
      />
    </div>
  );
}

function SettingsPanel({
  chat,
  onClose,
  onBack,
  onLeft,
}: {
  chat: ChatView;
  onClose: () => void;
  onBack?: () => void;
  onLeft: () => void;
}) {
  const t = useMessages(imMessages);
  const n = useMessages(notificationMessages);
  const errorText = useErrorText(imErrorTexts);
  const queryClient = useQueryClient();
  const canManage = chat.permissions.manage && chat.chatType === 'group';

  const save = async (patch: UpdateChatPatch) => {
    try {
      writeChat(queryClient, await updateChat(chat.id, patch));
      Toast.success(t('settingsSaved'));
    } catch (error) {
      Toast.error(errorText(error));
      throw error;
    }
  };
  // A refused change has shown its toast; the select keeps the saved value.
  const savePolicy = (settings: Partial<ChatView['settings']>) => void save({ settings }).catch(() => undefined);
  const saveMine = async (patch: { muted?: boolean; pinned?: boolean }) => {
    writeChat(queryClient, { ...chat, ...patch });
    try {
      writeChat(queryClient, await updateMyChatSettings(chat.id, patch));
    } catch (error) {
      writeChat(queryClient, chat);
      Toast.error(errorText(error));
    }
  };
  const leave = () =>
    Modal.confirm({
      title: t('leaveGroup'),
      content: t('leaveConfirm', { name: chat.name }),
      okButtonProps: { type: 'danger', theme: 'solid' },
      onOk: async () => {
        try {
          await leaveChat(chat.id);
          removeCachedChat(queryClient, chat.id);
          onLeft();
        } catch (error) {
          Toast.error(errorText(error));
        }
      },
    });
  const dissolve = () =>
    Modal.confirm({
      title: t('dissolveGroup'),
      content: t('dissolveConfirm', { name: chat.name }),
      okButtonProps: { type: 'danger', theme: 'solid' },
      onOk: async () => {
        try {
          await dissolveChat(chat.id);
          removeCachedChat(queryClient, chat.id);
          onLeft();
        } catch (error) {
          Toast.error(errorText(error));
        }
      },
    });

  return (
    <PanelFrame title={t('panelSettings')} onClose={onClose} onBack={onBack} testId="settings-panel">
      <div className="kite-im-settings">
        {chat.chatType === 'group' ? (
          <>
            <EditableField
              label={t('settingsName')}
              value={chat.name}
              empty=""
              canEdit={canManage}
              onSave={(name) => save({ name })}
              testId="setting-name"
            />
            <EditableField
              label={t('settingsDescription')}
              value={chat.description}
              empty={t('settingsDescriptionEmpty')}
              canEdit={canManage}
              multiline
              onSave={(description) => save({ description })}
              testId="setting-description"
            />
            <EditableField
              label={t('settingsAnnouncement')}
              value={chat.announcement}
              empty={t('settingsAnnouncementEmpty')}
              canEdit={canManage}
              multiline
              onSave={(announcement) => save({ announcement })}
              testId="setting-announcement"
            />
            <div className="kite-im-setting">
              <div className="kite-im-setting__label">{t('settingsPostPolicy')}</div>
              <Select
                value={chat.settings.postPolicy}
                disabled={!canManage}
                onChange={(value) => savePolicy({ postPolicy: value as ChatView['settings']['postPolicy'] })}
                optionList={[
                  { value: 'all', label: t('postPolicyAll') },
                  { value: 'admins', label: t('postPolicyAdmins') },
                  { value: 'listed', label: t('postPolicyListed') },
                ]}
                style={{ width: '100%' }}
                data-testid="setting-post-policy"
              />
            </div>
            <div className="kite-im-setting kite-im-setting--split">
              <PolicySelect
                label={t('settingsAddMemberPolicy')}
                value={chat.settings.addMemberPolicy}
                disabled={!canManage}
                onChange={(addMemberPolicy) => savePolicy({ addMemberPolicy })}
              />
              <PolicySelect
                label={t('settingsAtAllPolicy')}
                value={chat.settings.atAllPolicy}
                disabled={!canManage}
                onChange={(atAllPolicy) => savePolicy({ atAllPolicy })}
              />
            </div>
            <div className="kite-im-setting kite-im-setting--split">
              <PolicySelect
                label={t('settingsBuzzPolicy')}
                value={chat.settings.buzzPolicy}
                disabled={!canManage}
                onChange={(buzzPolicy) => savePolicy({ buzzPolicy })}
                testId="setting-buzz-policy"
              />
              <PolicySelect
                label={t('settingsPinPolicy')}
                value={chat.settings.pinPolicy}
                disabled={!canManage}
                onChange={(pinPolicy) => savePolicy({ pinPolicy })}
                testId="setting-pin-policy"
              />
            </div>
            <div className="kite-im-setting">
              <div className="kite-im-setting__label">{t('messageFormLabel')}</div>
              <Select
                value={chat.settings.messageForm}
                disabled={!canManage}
                onChange={(value) => savePolicy({ messageForm: value as ChatView['settings']['messageForm'] })}
                optionList={[
                  { value: 'chat', label: t('messageFormChat') },
                  { value: 'thread', label: t('messageFormThread') },
                ]}
                style={{ width: '100%' }}
                data-testid="setting-message-form"
              />
            </div>
            {canManage ? null : <div className="kite-im-panel__note">{t('settingsReadOnly')}</div>}
          </>
        ) : (
          <div className="kite-im-setting kite-im-setting--peer">
            <UserAvatar name={chat.peer?.name ?? chat.name} color={chat.peer?.avatarColor} size={48} />
            <div className="kite-im-setting__peer-name">{t('p2pInfo', { name: chat.peer?.name ?? chat.name })}</div>
          </div>
        )}
        {chat.chatType === 'group' ? <WebhookBotsSection chat={chat} /> : null}
        <div className="kite-im-settings__group">
          <div className="kite-im-setting kite-im-setting--row">
            <span>{t('settingsMute')}</span>
            <Switch
              checked={chat.muted}
              onChange={(muted) => void saveMine({ muted })}
              aria-label={t('settingsMute')}
              data-testid="setting-mute"
            />
          </div>
          <div className="kite-im-setting__hint">{n('mutedMentionsHint')}</div>
          <div className="kite-im-setting kite-im-setting--row">
            <span>{t('settingsPin')}</span>
            <Switch
              checked={chat.pinned}
              onChange={(pinned) => void saveMine({ pinned })}
              aria-label={t('settingsPin')}
              data-testid="setting-pin"
            />
          </div>
        </div>
        <div className="kite-im-setting">
          <CopyableValue label={t('chatIdLabel')} value={chat.chatId} testId="chat-id" />
        </div>
        {chat.chatType === 'group' && (chat.permissions.leave || chat.permissions.dissolve) ? (
          <div className="kite-im-settings__danger">
            {chat.permissions.leave ? (
              <Button type="danger" block onClick={leave} data-testid="leave-group">
                {t('leaveGroup')}
              </Button>
            ) : null}
            {chat.permissions.dissolve ? (
              <Button type="danger" theme="solid" block onClick={dissolve} data-testid="dissolve-group">
                {t('dissolveGroup')}
              </Button>
            ) : null}
          </div>
        ) : null}
      </div>
    </PanelFrame>
  );
}

function PinsPanel({ chat, onClose, onBack }: { chat: ChatView; onClose: () => void; onBack?: () => void }) {
  return (
    <PanelFrame title={usePinnedTitle(chat)} onClose={onClose} onBack={onBack} testId="pins-panel">
      <PinnedMessages chat={chat} />
    </PanelFrame>
  );
}

/** The right-hand pane: a thread, the members, the pinned messages, or chat info and settings. */
export function SidePanelView({
  chat,
  panel,
  onClose,
  onBack,
  onLeft,
}: {
  chat: ChatView;
  panel: SidePanel;
  onClose: () => void;
  /** Phone width: back to the conversation instead of a close button. */
  onBack?: () => void;
  onLeft: () => void;
}) {
  switch (panel.kind) {
    case 'thread':
      return <ThreadPanel key={panel.rootId} chat={chat} rootId={panel.rootId} replyId={panel.replyId} onClose={onClose} onBack={onBack} />;
    case 'members':
      return <MembersPanel chat={chat} onClose={onClose} onBack={onBack} />;
    case 'settings':
      return <SettingsPanel chat={chat} onClose={onClose} onBack={onBack} onLeft={onLeft} />;
    case 'pins':
      return <PinsPanel chat={chat} onClose={onClose} onBack={onBack} />;
    case 'search':
      return (
        <PanelFrame title={<ChatSearchTitle />} onClose={onClose} onBack={onBack} testId="chat-search-panel">
          <ChatSearchPanel chat={chat} />
        </PanelFrame>
      );
  }
}
