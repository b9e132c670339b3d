import { IconChevronLeft } from '@douyinfe/semi-icons';
import { Modal, Skeleton } from '@douyinfe/semi-ui';
import type { MergedMessageView } from '@kite/im/contract';
import { type Locale, useLocale, useMessages } from '@kite/ui/i18n';
import { EmptyState, ErrorState } from '@kite/ui/states';
import { useIsPhone } from '@kite/ui/use-is-phone';
import { UserAvatar } from '@kite/ui/user-avatar';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { fetchMergedHistory, mergedHistoryKey } from './forward-api.ts';
import { forwardErrorTexts, forwardMessages } from './forward-messages.ts';
import { imMessages } from './im-messages.ts';
import { MergedOpenerProvider, useHistoryTitle } from './merged-card.tsx';
import { MessageBody } from './message-body.tsx';
import { parseContent } from './message-content.ts';
import { ProfileTrigger } from './profile-card.tsx';
import { profileTargetOfParty } from './profile-target.ts';

function formatStamp(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}

const NO_VIEWER_IDS: ReadonlySet<string> = new Set();

function MergedItem({ item }: { item: MergedMessageView }) {
  const t = useMessages(imMessages);
  const { locale } = useLocale();
  const name = item.sender?.name || t('unknownSender');
  // The sender as they are now opens their card, as in the timeline (the name is the one kept at forwarding).
  const target = profileTargetOfParty(item.sender);
  return (
    <li className="kite-im-merged-item" data-testid="merged-item" data-message-id={item.messageId}>
      <ProfileTrigger target={target} label={name} className="kite-im-profile-trigger--face">
        <UserAvatar name={name} color={item.sender?.avatarColor} size={32} />
      </ProfileTrigger>
      <div className="kite-im-merged-item__main">
        <div className="kite-im-row__meta">
          <ProfileTrigger target={target} label={name} className="kite-im-row__name" testId="merged-sender">
            {name}
          </ProfileTrigger>
          <span className="kite-im-row__time">{formatStamp(item.createdAt, locale)}</span>
        </div>
        <div className="kite-im-merged-item__body">
          <MessageBody msgType={item.msgType} content={item.content} viewerIds={NO_VIEWER_IDS} messageId={item.messageId} />
        </div>
      </div>
    </li>
  );
}

/**
 * A merged chat history, read from its snapshot: each message with its sender and time, images and
 * files included. A nested history opens in place, with Back to the one around it. Full screen at
 * phone width.
 */
export function MergedHistoryModal({ messageId, onClose }: { messageId: string; onClose: () => void }) {
  const t = useMessages(forwardMessages);
  const isPhone = useIsPhone();
  const title = useHistoryTitle();
  const history = useQuery({ queryKey: mergedHistoryKey(messageId), queryFn: () => fetchMergedHistory(messageId), staleTime: 60_000 });
  /** `om_…` of the histories opened, outermost first. */
  const [path, setPath] = useState<string[]>([messageId]);
  const current = path[path.length - 1] ?? messageId;
  const items = useMemo(() => history.data?.items.filter((item) => item.upperMessageId === current) ?? [], [history.data, current]);
  const heading = useMemo(() => {
    if (!history.data) return t('chatHistoryLabel');
    if (current === history.data.messageId) return title(history.data.content.source);
    const nested = history.data.items.find((item) => item.messageId === current && item.msgType === 'merge_forward');
    const model = nested ? parseContent('merge_forward', nested.content) : null;
    return model?.kind === 'merge_forward' ? title(model.source) : t('chatHistoryLabel');
  }, [history.data, current, title, t]);
  const stepInto = useCallback((nestedId: string) => setPath((list) => [...list, nestedId]), []);

  return (
    <Modal
      visible
      fullScreen={isPhone}
      width={600}
      footer={null}
      onCancel={onClose}
      title={
        <span className="kite-im-merged-modal__title">
          {path.length > 1 ? (
            <button
              type="button"
              className="kite-im-icon-button"
              onClick={() => setPath((list) => list.slice(0, -1))}
              aria-label={t('mergedBack')}
              data-testid="merged-back"
            >
              <IconChevronLeft />
            </button>
          ) : null}
          <span className="kite-im-ellipsis">{heading}</span>
        </span>
      }
      bodyStyle={{ padding: 0 }}
    >
      <div className="kite-im-merged-modal" data-testid="merged-history">
        {history.isPending ? (
          <div className="kite-im-merged-modal__loading">
            <Skeleton.Paragraph rows={4} />
          </div>
        ) : history.isError ? (
          <ErrorState compact error={history.error} errorTexts={forwardErrorTexts} onRetry={() => void history.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState compact illustration="empty" title={t('mergedEmpty')} />
        ) : (
          <MergedOpenerProvider value={stepInto}>
            <ul className="kite-im-merged-modal__list">
              {items.map((item, index) => (
                <MergedItem key={`${item.messageId}-${index}`} item={item} />
              ))}
            </ul>
          </MergedOpenerProvider>
        )}
      </div>
    </Modal>
  );
}
