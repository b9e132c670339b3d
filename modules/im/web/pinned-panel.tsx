import { Button } from '@douyinfe/semi-ui';
import type { ChatView, PinView } from '@kite/im/contract';
import { useLocale, useMessages } from '@kite/ui/i18n';
import { EmptyState, ErrorState, LoadingState } from '@kite/ui/states';
import { UserAvatar } from '@kite/ui/user-avatar';
import { useViewer } from '@kite/ui/viewer';
import { imMessages } from './im-messages.ts';
import { formatListTime } from './im-time.ts';
import { useJumpToMessage } from './jump-to-message.ts';
import { MessageBody } from './message-body.tsx';
import { PinIcon, usePinToggle } from './message-marks.tsx';
import { usePins } from './urgent-pin-api.ts';
import { urgentPinMessages } from './urgent-pin-messages.ts';
import { myOpenIds } from './viewer-state.ts';

function PinnedItem({ chat, pin }: { chat: ChatView; pin: PinView }) {
  const t = useMessages(urgentPinMessages);
  const tIm = useMessages(imMessages);
  const { locale } = useLocale();
  const viewer = useViewer();
  const { message } = pin;
  const setPinned = usePinToggle(chat.id, message.id);
  const jump = useJumpToMessage();
  const open = () => jump({ chatId: chat.id, messageId: message.messageId });
  const sender = message.sender?.name ?? tIm('unknownSender');
  return (
    <li className="kite-im-pin" data-testid="pinned-item" data-message-id={message.messageId}>
      <div className="kite-im-pin__head">
        <UserAvatar name={sender} color={message.sender?.avatarColor} size={24} />
        <span className="kite-im-pin__sender">{sender}</span>
        <span className="kite-im-pin__time">{formatListTime(message.createdAt, locale, tIm('yesterday'))}</span>
      </div>
      <button type="button" className="kite-im-pin__body" onClick={open} title={t('pinJump')}>
        <MessageBody msgType={message.msgType} content={message.content} mentions={message.mentions} viewerIds={myOpenIds(viewer.userId)} />
      </button>
      <div className="kite-im-pin__foot">
        <PinIcon />
        <span className="kite-im-pin__by">
          {t('pinLine', { name: pin.pinnedBy.name, time: formatListTime(pin.pinnedAt, locale, tIm('yesterday')) })}
        </span>
        <Button size="small" theme="borderless" onClick={open} data-testid="pin-jump">
          {t('pinJump')}
        </Button>
        {pin.canUnpin ? (
          <Button size="small" theme="borderless" type="tertiary" onClick={() => void setPinned(false)} data-testid="pin-unpin">
            {t('actionUnpin')}
          </Button>
        ) : null}
      </div>
    </li>
  );
}

/** The side panel's pinned messages of a chat, newest pin first, live for every member. */
export function PinnedMessages({ chat }: { chat: ChatView }) {
  const t = useMessages(urgentPinMessages);
  const pins = usePins(chat.id);
  if (pins.isPending) return <LoadingState compact />;
  if (pins.isError) return <ErrorState compact error={pins.error} onRetry={() => void pins.refetch()} />;
  if (pins.data.length === 0) {
    return <EmptyState compact illustration="empty" title={t('pinsEmptyTitle')} description={t('pinsEmptyHint')} testId="pins-empty" />;
  }
  return (
    <ul className="kite-im-pins" data-testid="pinned-list">
      {pins.data.map((pin) => (
        <PinnedItem key={pin.message.id} chat={chat} pin={pin} />
      ))}
    </ul>
  );
}

/** The panel's title: "Pinned · 3". */
export function usePinnedTitle(chat: ChatView): string {
  const t = useMessages(urgentPinMessages);
  const count = usePins(chat.id).data?.length ?? 0;
  return count > 0 ? `${t('panelPins')} · ${count}` : t('panelPins');
}

/** The conversation header's button that opens (or closes) the pinned messages. */
export function PinsButton({ active, onClick }: { active: boolean; onClick: () => void }) {
  const t = useMessages(urgentPinMessages);
  return (
    <button
      type="button"
      className={active ? 'kite-im-icon-button kite-im-icon-button--active' : 'kite-im-icon-button'}
      onClick={onClick}
      aria-label={t('panelPins')}
      title={t('panelPins')}
      data-testid="open-pins"
    >
      <PinIcon />
    </button>
  );
}
