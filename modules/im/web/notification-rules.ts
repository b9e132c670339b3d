import type { ChatView, MessageEventView, UrgentAlertView } from '@kite/im/contract';

/**
 * When a desktop notification is raised and what it says — pure, so the rules are tested without a
 * browser. Feishu's behaviour: a muted chat stays quiet unless the message @mentions you by name
 * (@all does not break through a mute); what you are looking at does not notify.
 */

export interface MessageFacts {
  /** The viewer sent it (from any tab or device). */
  own: boolean;
  /** A system line ("Alice added Bob"): no reason to interrupt anyone. */
  system: boolean;
  /** The viewer muted the chat. */
  muted: boolean;
  /** It @mentions the viewer by name. */
  mentionsMe: boolean;
  /** The viewer is looking at this chat in some tab right now. */
  inFocus: boolean;
}

export function shouldNotifyMessage(facts: MessageFacts): boolean {
  if (facts.own || facts.system || facts.inFocus) return false;
  return !facts.muted || facts.mentionsMe;
}

/** The message names the viewer (any of their ids) among its mentions; @all is not a mention by name. */
export function mentionsByName(message: Pick<MessageEventView, 'mentions'>, viewerIds: ReadonlySet<string>): boolean {
  return message.mentions.some((mention) => viewerIds.has(mention.id));
}

/** The words a notification needs, in the viewer's language. */
export interface NoticeWords {
  unknownSender: string;
  /** Prefix of a message that @mentions the viewer (`[@You]`). */
  mentioned: string;
  groupTitle: (sender: string, chat: string) => string;
  buzzed: (name: string) => string;
  buzzedIn: (name: string, chat: string) => string;
  /** One line of a message's content (text, or "[Image]" and the like). */
  preview: (message: MessageEventView) => string;
}

export interface NoticeText {
  title: string;
  body: string;
}

/** A new message: the sender (and the group) as title, the message as body. */
export function messageNotice(
  message: MessageEventView,
  chat: Pick<ChatView, 'chatType' | 'name'> | undefined,
  mentioned: boolean,
  words: NoticeWords,
): NoticeText {
  const sender = message.sender?.name || words.unknownSender;
  const body = words.preview(message);
  return {
    title: chat?.chatType === 'group' ? words.groupTitle(sender, chat.name) : sender,
    body: mentioned ? `${words.mentioned} ${body}` : body,
  };
}

/** A buzz: who buzzed (and where) as title, the message (with its sender when someone else buzzed it) as body. */
export function buzzNotice(alert: UrgentAlertView, words: NoticeWords): NoticeText {
  const name = alert.buzzedBy.name || words.unknownSender;
  const preview = words.preview(alert.message);
  const sender = alert.message.sender?.name;
  return {
    title: alert.chat.chatType === 'group' ? words.buzzedIn(name, alert.chat.name) : words.buzzed(name),
    body: sender && sender !== name ? `${sender}: ${preview}` : preview,
  };
}

/** Where clicking a notification leads: the chat, scrolled to the message. */
export function messagePath(chatId: string, openMessageId: string): string {
  return `/messenger/${encodeURIComponent(chatId)}?message=${encodeURIComponent(openMessageId)}`;
}
