import { IconSearch, IconTick } from '@douyinfe/semi-icons';
import { Input, Modal, Spin, Toast } from '@douyinfe/semi-ui';
import { type ChatView, MAX_FORWARD_TARGETS, type MessageView } from '@kite/im/contract';
import { useMessages } from '@kite/ui/i18n';
import { useBusyAction } from '@kite/ui/use-busy-action';
import { useDebouncedValue } from '@kite/ui/use-debounced-value';
import { useIsPhone } from '@kite/ui/use-is-phone';
import { UserAvatar } from '@kite/ui/user-avatar';
import { useViewer } from '@kite/ui/viewer';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useMemo, useState } from 'react';
import { ChatAvatar } from './chat-avatar.tsx';
import { chatNameMatches, chatWithNewMessage } from './chat-list-model.ts';
import { forwardMessage, mergeForward } from './forward-api.ts';
import { forwardErrorTexts, forwardMessages } from './forward-messages.ts';
import { imQueryKeys } from './im-api.ts';
import { appendMessage, updateCachedChat } from './im-cache.ts';
import { imMessages } from './im-messages.ts';
import { useChatList, usePeopleSearch } from './im-queries.ts';
import { useHistoryTitle } from './merged-card.tsx';
import { previewText } from './message-content.ts';
import { ModalFooter } from './modal-footer.tsx';
import { PickedChip } from './people-picker.tsx';
import { myOpenIds } from './viewer-state.ts';

/** What is being forwarded: one message, or messages of one chat as a merged history. */
export type ForwardSubject = { kind: 'message'; message: MessageView } | { kind: 'history'; chat: ChatView; messageIds: string[] };

/** A chosen target: a chat the viewer is in, or a person (their p2p chat, opened on send). */
type Target = { key: string; name: string; avatar: (size: number) => ReactNode } & (
  | { kind: 'chat'; id: string }
  | { kind: 'user'; id: string }
);

function chatTarget(chat: ChatView): Target {
  return { key: `chat:${chat.id}`, kind: 'chat', id: chat.id, name: chat.name, avatar: (size) => <ChatAvatar chat={chat} size={size} /> };
}

/** One line saying what goes: the message's sender and text, or the history's title and size. */
function SubjectPreview({ subject }: { subject: ForwardSubject }) {
  const t = useMessages(forwardMessages);
  const im = useMessages(imMessages);
  const title = useHistoryTitle();
  const viewer = useViewer();
  let text: string;
  if (subject.kind === 'message') {
    const { message } = subject;
    const body = previewText(message, {
      image: im('previewImage'),
      file: im('previewFile'),
      card: im('previewCard'),
      recalled: im('previewRecalled'),
      unsupported: im('previewUnsupported'),
      all: im('mentionAll'),
      chatHistory: im('previewChatHistory'),
    });
    text = message.sender ? im('previewSender', { name: message.sender.name, text: body }) : body;
  } else {
    const { chat } = subject;
    const source =
      chat.chatType === 'group'
        ? { chat_type: 'group' as const, name: chat.name }
        : { chat_type: 'p2p' as const, names: [viewer.name, chat.peer?.name ?? chat.name] };
    text = `${title(source)} · ${t('chatHistoryCount', { count: subject.messageIds.length })}`;
  }
  return (
    <div className="kite-im-forward__subject" data-testid="forward-subject">
      <span className="kite-im-forward__subject-label">{t('forwardingLabel')}</span>
      <span className="kite-im-forward__subject-text">{text}</span>
    </div>
  );
}

function TargetRow({
  target,
  meta,
  checked,
  disabled,
  onToggle,
  testId,
}: {
  target: Target;
  meta?: string;
  checked: boolean;
  disabled?: boolean;
  onToggle: () => void;
  testId: string;
}) {
  return (
    <button
      type="button"
      className={checked ? 'kite-im-person kite-im-person--checked' : 'kite-im-person'}
      disabled={disabled}
      onClick={onToggle}
      aria-pressed={checked}
      data-testid={testId}
      data-target-name={target.name}
    >
      <span className={checked ? 'kite-im-check kite-im-check--on' : 'kite-im-check'} aria-hidden="true">
        {checked ? <IconTick size="small" /> : null}
      </span>
      {target.avatar(32)}
      <span className="kite-im-person__text">
        <span className="kite-im-person__name">{target.name}</span>
        {meta ? <span className="kite-im-person__meta">{meta}</span> : null}
      </span>
    </button>
  );
}

/** Puts the forwarded copies where the viewer will look: the target chats' histories and the chat list. */
function useWriteForwarded() {
  const queryClient = useQueryClient();
  const viewer = useViewer();
  return (sent: readonly MessageView[]) => {
    let missing = false;
    for (const message of sent) {
      appendMessage(queryClient, message.chatId, message);
      const chat = updateCachedChat(queryClient, message.chatId, (current) =>
        chatWithNewMessage(current, message, { userId: viewer.userId, ids: myOpenIds(viewer.userId) }),
      );
      if (!chat) missing = true;
    }
    // A person's p2p chat opened just now: the list has not seen it yet.
    if (missing) void queryClient.invalidateQueries({ queryKey: imQueryKeys.chats });
  };
}

/**
 * Where to forward: recent chats (those the viewer may post in), and anyone in the directory when
 * searching; several at once (up to 20), shown as chips. Full screen at phone width.
 */
export function ForwardDialog({ subject, onClose, onSent }: { subject: ForwardSubject; onClose: () => void; onSent: () => void }) {
  const t = useMessages(forwardMessages);
  const isPhone = useIsPhone();
  const viewer = useViewer();
  const writeForwarded = useWriteForwarded();
  const { chats, isPending: chatsPending } = useChatList();
  const [query, setQuery] = useState('');
  const settled = useDebouncedValue(query.trim(), 200);
  const people = usePeopleSearch(settled);
  const [chosen, setChosen] = useState<Target[]>([]);
  const [busy, run] = useBusyAction(forwardErrorTexts);

  const matchingChats = useMemo(() => chats.filter((chat) => chatNameMatches(chat.name, settled)), [chats, settled]);
  const p2pWith = useMemo(() => new Map(chats.flatMap((chat) => (chat.peer ? [[chat.peer.id, chat] as const] : []))), [chats]);
  // People with a p2p chat already in the list are that chat; the rest get one when sent to.
  const matchingPeople = settled ? (people.data ?? []).filter((user) => user.id !== viewer.userId) : [];

  const isChosen = (target: Target) => chosen.some((item) => item.key === target.key);
  const toggle = (target: Target) => {
    if (isChosen(target)) return setChosen((list) => list.filter((item) => item.key !== target.key));
    if (chosen.length >= MAX_FORWARD_TARGETS) return Toast.warning(t('forwardLimit', { count: MAX_FORWARD_TARGETS }));
    setChosen((list) => [...list, target]);
  };

  const send = () => {
    if (chosen.length === 0 || busy) return;
    const targets = {
      chatIds: chosen.filter((target) => target.kind === 'chat').map((target) => target.id),
      userIds: chosen.filter((target) => target.kind === 'user').map((target) => target.id),
    };
    void run(async () => {
      const answer =
        subject.kind === 'message'
          ? await forwardMessage(subject.message.id, targets)
          : await mergeForward({ messageIds: subject.messageIds, ...targets });
      writeForwarded(answer.items);
      Toast.success(t('forwardDone', { count: answer.items.length }));
      onSent();
    });
  };

  const personTarget = (user: { id: string; name: string; avatarColor: string }): Target => {
    const chat = p2pWith.get(user.id);
    return chat
      ? chatTarget(chat)
      : {
          key: `user:${user.id}`,
          kind: 'user',
          id: user.id,
          name: user.name,
          avatar: (size) => <UserAvatar name={user.name} color={user.avatarColor} size={size} />,
        };
  };

  const chatRows = matchingChats.map((chat) => (
    <TargetRow
      key={chat.id}
      target={chatTarget(chat)}
      meta={chat.permissions.post ? undefined : t('forwardCannotPost')}
      checked={isChosen(chatTarget(chat))}
      disabled={!chat.permissions.post}
      onToggle={() => toggle(chatTarget(chat))}
      testId={`forward-chat-${chat.id}`}
    />
  ));
  const peopleRows = matchingPeople.map((user) => {
    const target = personTarget(user);
    return (
      <TargetRow
        key={user.id}
        target={target}
        meta={user.departments[0]?.name ?? user.email ?? undefined}
        checked={isChosen(target)}
        onToggle={() => toggle(target)}
        testId={`forward-person-${user.id}`}
      />
    );
  });
  const nothing = !chatsPending && !people.isFetching && chatRows.length === 0 && peopleRows.length === 0;

  return (
    <Modal
      visible
      fullScreen={isPhone}
      width={520}
      title={t('forwardTitle')}
      onCancel={onClose}
      bodyStyle={{ paddingBottom: 8 }}
      footer={
        <ModalFooter
          summary={t('forwardSelected', { count: chosen.length })}
          onCancel={onClose}
          cancelTestId="forward-cancel"
          submit={{
            label: chosen.length > 0 ? t('forwardSendCount', { count: chosen.length }) : t('forwardSend'),
            onClick: send,
            busy,
            disabled: chosen.length === 0,
            testId: 'forward-send',
          }}
        />
      }
    >
      <div className="kite-im-forward" data-testid="forward-dialog">
        <SubjectPreview subject={subject} />
        {chosen.length > 0 ? (
          <div className="kite-im-picker__chips">
            {chosen.map((target) => (
              <PickedChip
                key={target.key}
                avatar={target.avatar(20)}
                name={target.name}
                onRemove={() => toggle(target)}
                removeLabel={t('forwardRemove', { name: target.name })}
              />
            ))}
          </div>
        ) : null}
        <Input
          prefix={<IconSearch />}
          placeholder={t('forwardSearchPlaceholder')}
          value={query}
          onChange={setQuery}
          showClear
          autoFocus
          data-testid="forward-search"
        />
        <div className="kite-im-forward__results">
          {chatsPending ? (
            <div className="kite-im-picker__state">
              <Spin />
            </div>
          ) : null}
          {chatRows.length > 0 ? (
            <>
              <div className="kite-im-forward__section">{t('forwardRecent')}</div>
              {chatRows}
            </>
          ) : null}
          {peopleRows.length > 0 ? (
            <>
              <div className="kite-im-forward__section">{t('forwardPeople')}</div>
              {peopleRows}
            </>
          ) : null}
          {nothing ? (
            <div className="kite-im-picker__state kite-muted">
              {settled ? t('forwardNoMatch', { query: settled }) : t('forwardNoChats')}
            </div>
          ) : null}
        </div>
      </div>
    </Modal>
  );
}
