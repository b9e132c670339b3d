import { IconSearch } from '@douyinfe/semi-icons';
import { Button, Checkbox, Input, Modal, Spin, Tag, Toast } from '@douyinfe/semi-ui';
import type { ChatView, MessageView } from '@kite/im/contract';
import { useMessages } from '@kite/ui/i18n';
import { useBusyAction } from '@kite/ui/use-busy-action';
import { UserAvatar } from '@kite/ui/user-avatar';
import { useViewer } from '@kite/ui/viewer';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { imMessages, previewLabels } from './im-messages.ts';
import { useMembers } from './im-queries.ts';
import { previewText } from './message-content.ts';
import { ModalFooter } from './modal-footer.tsx';
import { buzzMessage, urgentPinQueryKeys, useUrgentStatus, writeSummary } from './urgent-pin-api.ts';
import { urgentPinErrorTexts, urgentPinMessages } from './urgent-pin-messages.ts';

/** Above this many candidates the dialog offers a search box. */
const SEARCH_FROM = 8;

/**
 * Picks people of the chat to buzz about a message: everyone but the viewer and the message's
 * sender. Who is already waiting or has acknowledged shows next to their name; buzzing someone who
 * acknowledged alerts them again. In a 1:1 chat the other person is picked already.
 */
export function BuzzDialog({ chat, message, onClose }: { chat: ChatView; message: MessageView; onClose: () => void }) {
  const t = useMessages(urgentPinMessages);
  const tIm = useMessages(imMessages);
  const viewer = useViewer();
  const queryClient = useQueryClient();
  const members = useMembers(chat.id);
  const status = useUrgentStatus(message.id, true);
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<ReadonlySet<string>>(() => new Set(chat.chatType === 'p2p' && chat.peer ? [chat.peer.id] : []));
  const [busy, run] = useBusyAction(urgentPinErrorTexts);

  const senderId = message.sender?.type === 'user' ? message.sender.id : null;
  const candidates = (members.data?.pages.flatMap((page) => page.items) ?? []).filter(
    (member) => member.user.id !== viewer.userId && member.user.id !== senderId,
  );
  const needle = query.trim().toLowerCase();
  const shown = needle ? candidates.filter((member) => member.user.name.toLowerCase().includes(needle)) : candidates;
  const stateOf = new Map((status.data?.recipients ?? []).map((recipient) => [recipient.user.id, recipient.acknowledgedAt]));

  const toggle = (id: string, on: boolean) =>
    setPicked((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const submit = () =>
    run(async () => {
      const answer = await buzzMessage(message.id, [...picked]);
      queryClient.setQueryData(urgentPinQueryKeys.status(message.id), answer);
      writeSummary(queryClient, chat.id, { messageId: answer.messageId, total: answer.total, acknowledged: answer.acknowledged });
      // Someone still waiting is not buzzed twice.
      const alerted = [...picked].filter((id) => !(stateOf.has(id) && stateOf.get(id) === null)).length;
      Toast.success(t('buzzSent', { count: alerted }));
      onClose();
    });

  const stateTag = (id: string) => {
    if (!stateOf.has(id)) return null;
    return stateOf.get(id) ? (
      <Tag size="small" color="green">
        {t('buzzStateAcknowledged')}
      </Tag>
    ) : (
      <Tag size="small" color="red">
        {t('buzzStatePending')}
      </Tag>
    );
  };

  return (
    <Modal
      visible
      title={t('buzzTitle')}
      onCancel={onClose}
      width={440}
      style={{ maxWidth: 'calc(100vw - 32px)' }}
      footer={
        <ModalFooter
          onCancel={onClose}
          submit={{
            label: t('buzzSubmit', { count: picked.size }),
            onClick: () => void submit(),
            busy,
            disabled: picked.size === 0,
            danger: true,
            testId: 'buzz-submit',
          }}
        />
      }
    >
      <p className="kite-im-buzz__hint">{t('buzzHint')}</p>
      <blockquote className="kite-im-buzz__quote">{previewText(message, previewLabels(tIm))}</blockquote>
      {candidates.length > SEARCH_FROM ? (
        <Input
          prefix={<IconSearch />}
          placeholder={t('buzzSearch')}
          value={query}
          onChange={setQuery}
          showClear
          data-testid="buzz-search"
        />
      ) : null}
      {members.isPending ? (
        <Spin />
      ) : candidates.length === 0 ? (
        <div className="kite-im-buzz__note">{t('buzzNobody')}</div>
      ) : shown.length === 0 ? (
        <div className="kite-im-buzz__note">{t('buzzNoMatch')}</div>
      ) : (
        <ul className="kite-im-buzz__list" data-testid="buzz-candidates">
          {shown.map((member) => (
            <li key={member.user.id} data-testid={`buzz-pick-${member.user.id}`}>
              <Checkbox checked={picked.has(member.user.id)} onChange={(event) => toggle(member.user.id, Boolean(event.target.checked))}>
                <span className="kite-im-buzz__person">
                  <UserAvatar name={member.user.name} color={member.user.avatarColor} size={24} />
                  <span className="kite-im-buzz__name">{member.user.name}</span>
                  {stateTag(member.user.id)}
                </span>
              </Checkbox>
            </li>
          ))}
        </ul>
      )}
      {members.hasNextPage ? (
        <Button theme="borderless" onClick={() => void members.fetchNextPage()} loading={members.isFetchingNextPage}>
          {t('buzzMoreMembers')}
        </Button>
      ) : null}
    </Modal>
  );
}
