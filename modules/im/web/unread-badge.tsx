import { useEffect } from 'react';
import { useChatList } from './im-queries.ts';

/**
 * The unread total on the navigation's Messenger item (chats that are not muted), also shown in
 * the tab title so a background tab tells people there is something new.
 */
export function MessengerUnreadBadge() {
  const { totalUnread } = useChatList();
  useEffect(() => {
    const base = document.title.replace(/^\(\d+\+?\) /, '');
    document.title = totalUnread > 0 ? `(${totalUnread > 99 ? '99+' : totalUnread}) ${base}` : base;
  }, [totalUnread]);
  if (totalUnread <= 0) return null;
  return (
    <span className="kite-nav-badge" data-testid="messenger-unread-total">
      {totalUnread > 99 ? '99+' : totalUnread}
    </span>
  );
}
