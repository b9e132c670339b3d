import { IconBell } from '@douyinfe/semi-icons';
import { Dropdown, Popover, Spin, Tabs, Toast } from '@douyinfe/semi-ui';
import type { ChatView, MessageView, PinView, UrgentSummary, UserRef } from '@kite/im/contract';
import { useErrorText } from '@kite/ui/error-text';
import { useMessages } from '@kite/ui/i18n';
import { useIsPhone } from '@kite/ui/use-is-phone';
import { UserAvatar } from '@kite/ui/user-avatar';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { BuzzDialog } from './buzz-dialog.tsx';
import { ProfileTrigger } from './profile-card.tsx';
import { pinMessage, removePin, unpinMessage, usePins, useUrgentStatus, useUrgentSummaries, writePin } from './urgent-pin-api.ts';
import { urgentPinErrorTexts, urgentPinMessages } from './urgent-pin-messages.ts';
import './urgent-pins.css';

/** A pushpin (Semi has none), drawn in the text colour. */
export function PinIcon() {
  return (
    <svg className="kite-pin-icon" viewBox="0 0 16 16" width="1em" height="1em" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M10.3 1.3a1 1 0 0 1 1.4 0l3 3a1 1 0 0 1 0 1.4l-.8.8a1 1 0 0 1-1 .25l-2.2 2.2.4 2.6a1 1 0 0 1-.28.86l-.6.6a1 1 0 0 1-1.42 0L6.7 10.9l-3.5 3.5a.7.7 0 0 1-1-1l3.5-3.5L3.6 7.8a1 1 0 0 1 0-1.42l.6-.6a1 1 0 0 1 .86-.28l2.6.4 2.2-2.2a1 1 0 0 1 .25-1z"
      />
    </svg>
  );
}

function usePinOf(chatId: string, messageId: string): PinView | undefined {
  return usePins(chatId).data?.find((pin) => pin.message.id === messageId);
}

/**
 * People with their avatars (who read a message, who acknowledged a buzz), each opening their
 * profile card (`onOpenPerson` after), or `empty` when none.
 */
export function PeopleList({ people, empty, onOpenPerson }: { people: UserRef[]; empty: string; onOpenPerson?: () => void }) {
  if (people.length === 0) return <div className="kite-im-readers__empty">{empty}</div>;
  return (
    <ul className="kite-im-readers__list">
      {people.map((person) => (
        <li key={person.id}>
          <ProfileTrigger
            target={{ kind: 'person', userId: person.id }}
            label={person.name}
            className="kite-im-profile-trigger--row"
            testId="people-list-profile"
            onOpen={onOpenPerson}
          >
            <UserAvatar name={person.name} color={person.avatarColor} size={24} />
            <span>{person.name}</span>
          </ProfileTrigger>
        </li>
      ))}
    </ul>
  );
}

/** One tab of {@link PeopleTabs}. */
export interface PeopleTab {
  key: string;
  label: string;
  people: UserRef[];
}

/**
 * Who is still due and who is done (unread / read, waiting / acknowledged) in two tabs, the first
 * shown while anyone is in it; a spinner until `tabs` arrive. `onClose` closes the popover they
 * sit in.
 */
export function PeopleTabs({
  tabs,
  empty,
  testId,
  onClose,
}: {
  tabs: [PeopleTab, PeopleTab] | undefined;
  empty: string;
  testId: string;
  onClose: () => void;
}) {
  // At phone width a person's card is a sheet over the page, and the list would float above it;
  // on desktop the card opens beside the list, which stays for the next person.
  const onOpenPerson = useIsPhone() ? onClose : undefined;
  if (!tabs) {
    return (
      <div className="kite-im-readers" data-testid={testId}>
        <Spin />
      </div>
    );
  }
  const defaultTab = tabs[0].people.length > 0 ? tabs[0].key : tabs[1].key;
  return (
    <div className="kite-im-readers" data-testid={testId}>
      {/* Keyed by the default tab: a refetch that changes it (everyone done) shows that tab. */}
      <Tabs key={defaultTab} size="small" type="line" defaultActiveKey={defaultTab}>
        {tabs.map((tab) => (
          <Tabs.TabPane key={tab.key} tab={tab.label} itemKey={tab.key}>
            <PeopleList people={tab.people} empty={empty} onOpenPerson={onOpenPerson} />
          </Tabs.TabPane>
        ))}
      </Tabs>
    </div>
  );
}

/** "Buzzed · 1/3 acknowledged"; a click lists who is still waiting and who acknowledged. */
function BuzzMarker({ summary }: { summary: UrgentSummary }) {
  const t = useMessages(urgentPinMessages);
  const [open, setOpen] = useState(false);
  const status = useUrgentStatus(summary.messageId, open);
  const done = summary.acknowledged >= summary.total;
  const recipients = status.data?.recipients;
  const people = (acknowledged: boolean) =>
    (recipients ?? []).filter((recipient) => Boolean(recipient.acknowledgedAt) === acknowledged).map((recipient) => recipient.user);
  const content = (
    <PeopleTabs
      testId="buzz-status"
      onClose={() => setOpen(false)}
      empty={t('buzzListEmpty')}
      tabs={
        recipients && [
          { key: 'waiting', label: t('buzzWaitingTab', { count: people(false).length }), people: people(false) },
          { key: 'acknowledged', label: t('buzzAcknowledgedTab', { count: people(true).length }), people: people(true) },
        ]
      }
    />
  );
  return (
    <Popover content={content} trigger="click" position="bottom" visible={open} onVisibleChange={setOpen} showArrow>
      <button
        type="button"
        className={done ? 'kite-im-mark kite-im-mark--buzz-done' : 'kite-im-mark kite-im-mark--buzz'}
        data-testid="buzz-marker"
        data-acknowledged={summary.acknowledged}
        data-total={summary.total}
      >
        <IconBell size="small" />
        {t('buzzMarker', { acknowledged: summary.acknowledged, total: summary.total })}
      </button>
    </Popover>
  );
}

/**
 * What hangs under a message besides reactions: its pin ("Pinned by Bob") and, for the sender and
 * whoever buzzed it, how many of the buzzed people have acknowledged.
 */
export function MessageMarks({ message, chat }: { message: MessageView; chat: ChatView }) {
  const t = useMessages(urgentPinMessages);
  const pin = usePinOf(chat.id, message.id);
  const summary = useUrgentSummaries(chat.id).data?.get(message.id);
  if (!pin && !summary) return null;
  return (
    <div className="kite-im-marks" data-testid="message-marks">
      {pin ? (
        <span className="kite-im-mark kite-im-mark--pin" data-testid="pin-marker">
          <PinIcon />
          {t('pinnedBy', { name: pin.pinnedBy.name })}
        </span>
      ) : null}
      {summary ? <BuzzMarker summary={summary} /> : null}
    </div>
  );
}

/** Pins or unpins a message for everyone in its chat, and says so (or why not). */
export function usePinToggle(chatId: string, messageId: string): (pinned: boolean) => Promise<void> {
  const t = useMessages(urgentPinMessages);
  const errorText = useErrorText(urgentPinErrorTexts);
  const queryClient = useQueryClient();
  return async (pinned) => {
    try {
      if (pinned) {
        writePin(queryClient, chatId, await pinMessage(messageId));
        Toast.success(t('pinDone'));
      } else {
        await unpinMessage(messageId);
        removePin(queryClient, chatId, messageId);
        Toast.success(t('unpinDone'));
      }
    } catch (error) {
      Toast.error(errorText(error));
    }
  };
}

/**
 * The "More" menu's pin and buzz items for a message, and the buzz dialog they open, as the server
 * allows: pinning by `permissions.pin`, unpinning by the pin's `canUnpin`, buzzing one's own
 * message by `permissions.buzz` and anyone's by `permissions.manage` (the group's owner and admins).
 */
export function useMessageMarkActions(message: MessageView, chat: ChatView, own: boolean): { menuItems: ReactNode[]; dialog: ReactNode } {
  const t = useMessages(urgentPinMessages);
  const pin = usePinOf(chat.id, message.id);
  const setPinned = usePinToggle(chat.id, message.id);
  const [buzzing, setBuzzing] = useState(false);

  const menuItems: ReactNode[] = [];
  if (pin ? pin.canUnpin : chat.permissions.pin) {
    menuItems.push(
      <Dropdown.Item key="pin" onClick={() => void setPinned(!pin)} data-testid={pin ? 'action-unpin' : 'action-pin'}>
        {pin ? t('actionUnpin') : t('actionPin')}
      </Dropdown.Item>,
    );
  }
  if (own ? chat.permissions.buzz : chat.permissions.manage) {
    menuItems.push(
      <Dropdown.Item key="buzz" onClick={() => setBuzzing(true)} data-testid="action-buzz">
        {t('actionBuzz')}
      </Dropdown.Item>,
    );
  }
  const dialog = buzzing ? <BuzzDialog chat={chat} message={message} onClose={() => setBuzzing(false)} /> : null;
  return { menuItems, dialog };
}
