import { Tooltip } from '@douyinfe/semi-ui';
import type { MessageView } from '@kite/im/contract';
import { useLocale, useMessages } from '@kite/ui/i18n';
import { useViewer } from '@kite/ui/viewer';
import { useCallback, useMemo } from 'react';
import { useOpenMessage } from './open-message.ts';
import { ProfileTrigger } from './profile-card.tsx';
import { profileTargetOfParty } from './profile-target.ts';
import { type SystemSegment, systemSegments, systemText } from './system-line.ts';
import { systemLineMessages } from './system-line-messages.ts';

/** Words a system message for the viewer as plain text (the chat list's preview). */
export function useSystemText(): (message: Pick<MessageView, 'system'>) => string {
  const t = useMessages(systemLineMessages);
  const { locale } = useLocale();
  const viewer = useViewer();
  return useCallback((message) => systemText(message.system, { t, locale, viewerUserId: viewer.userId }), [t, locale, viewer.userId]);
}

function Segment({ segment, onOpenMessage }: { segment: SystemSegment; onOpenMessage: (messageId: string) => void }) {
  switch (segment.kind) {
    case 'text':
      return <>{segment.text}</>;
    case 'party':
      return (
        <ProfileTrigger target={profileTargetOfParty(segment.party)} label={segment.party.name || segment.text} testId="system-party">
          <span className="kite-im-system__name" data-party-id={segment.party.id} data-self={segment.self ? 'true' : undefined}>
            {segment.text}
          </span>
        </ProfileTrigger>
      );
    case 'others': {
      const names = segment.parties.map((party) => party.name).filter(Boolean);
      const label = <span className="kite-im-system__name kite-im-system__others">{segment.text}</span>;
      return names.length > 0 ? <Tooltip content={names.join(', ')}>{label}</Tooltip> : label;
    }
    case 'message':
      return (
        <button
          type="button"
          className="kite-im-system__link"
          onClick={() => onOpenMessage(segment.messageId)}
          data-testid="system-message-link"
        >
          {segment.text}
        </button>
      );
  }
}

/**
 * A system message as one centred, muted line of the history ("Alice added Bob to the group"):
 * names in the viewer's language and as they are now, the pinned message a link to it.
 */
export function SystemLine({ message, chatId }: { message: MessageView; chatId: string }) {
  const t = useMessages(systemLineMessages);
  const { locale } = useLocale();
  const viewer = useViewer();
  const openMessage = useOpenMessage();
  const segments = useMemo(
    () => (message.system ? systemSegments(message.system, { t, locale, viewerUserId: viewer.userId }) : null),
    [message.system, t, locale, viewer.userId],
  );
  if (!segments) return <>{t('systemUnknown')}</>;
  return (
    <>
      {segments.map((segment, index) => (
        <Segment key={index} segment={segment} onOpenMessage={(messageId) => openMessage(chatId, messageId, { keepPanel: true })} />
      ))}
    </>
  );
}
