import type { ChatView } from '@kite/im/contract';
import { UserAvatar } from '@kite/ui/user-avatar';

const GROUP_COLORS = ['#3370ff', '#7f3bf5', '#00b2b2', '#f54a45', '#ff8800', '#2ea121', '#d136d1', '#4954e6'];

function colorFor(text: string): string {
  let hash = 0;
  for (const character of text) hash = (hash * 31 + (character.codePointAt(0) ?? 0)) >>> 0;
  return GROUP_COLORS[hash % GROUP_COLORS.length] ?? '#3370ff';
}

/** A p2p chat shows the peer's avatar; a group a rounded square with its first character. */
export function ChatAvatar({ chat, size = 40 }: { chat: Pick<ChatView, 'chatType' | 'name' | 'peer' | 'id'>; size?: number }) {
  if (chat.chatType === 'p2p') {
    return <UserAvatar name={chat.peer?.name ?? chat.name} color={chat.peer?.avatarColor} size={size} />;
  }
  const initial = Array.from(chat.name.trim())[0]?.toUpperCase() ?? '#';
  return (
    <span
      className="kite-im-group-avatar"
      role="img"
      aria-label={chat.name}
      style={{ width: size, height: size, fontSize: Math.round(size * 0.42), background: colorFor(chat.id) }}
    >
      {initial}
    </span>
  );
}
