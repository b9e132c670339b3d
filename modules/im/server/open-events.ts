import { appHasScope, type OpenEvent, type OpenEventMapper, type RegisterOpenEvent } from '@kite/events/contract';
import {
  type ChatEventPayload,
  type ImParty,
  imEvents,
  type MembersEventPayload,
  type MessageEventPayload,
  type ReactionEventPayload,
  type ReadEventPayload,
} from '@kite/im/contract';
import type { AppRecord } from '@kite/openplatform/contract';
import type { DomainEvent } from '@kite/platform/outbox';
import { openContent } from './forward-content.ts';

/**
 * Feishu im events for apps (reference/feishu-openapi.md §6a). An app hears about a chat only when
 * its bot is a member (the payload lists the chat's apps), never about its own actions, and only
 * with an im scope. Mappers are pure: the domain payloads carry every id they print.
 */

const IM_SCOPES = ['im:message', 'im:message.group_msg', 'im:chat'];

function userId(party: ImParty) {
  return { open_id: party.openId, union_id: party.unionId, user_id: party.userId };
}

function operatorFields(operator: ImParty | null, app: AppRecord) {
  return {
    operator_id: operator ? userId(operator) : { open_id: '', union_id: '', user_id: '' },
    external: false,
    operator_tenant_key: app.tenantKey,
  };
}

function inChat(chat: { appIds: string[] }, app: AppRecord): boolean {
  return chat.appIds.includes(app.appId) && appHasScope(app, ...IM_SCOPES);
}

function isSelf(party: ImParty | null, app: AppRecord): boolean {
  return party?.type === 'app' && party.id === app.appId;
}

const ms = (iso: string) => String(Date.parse(iso));

/**
 * `im.message.receive_v1`: p2p messages to the bot, messages that @mention it, and — with
 * `im:message.group_msg` — every message in its groups. Apps' bots do not hear each other (Feishu
 * neither: two bots could answer each other forever). A custom bot's messages do reach them, as
 * `sender_type: 'app'` with empty user ids (Feishu delivers none, so alert bots poll there; a custom
 * bot hears nothing, so it cannot loop). `GET messages/:id` names the custom bot (`sender.id`).
 */
export const messageReceiveMapper: OpenEventMapper = (event, app) => {
  const payload = event.payload as MessageEventPayload;
  const { sender, message, chat } = payload;
  // System lines (no sender) are not messages anyone sent: Feishu sends no receive_v1 for them.
  if (!sender || message.msgType === 'system' || sender.type === 'app' || !chat.appIds.includes(app.appId)) return null;
  if (!appHasScope(app, 'im:message', 'im:message.group_msg')) return null;
  const mentioned = payload.mentions.some((mention) => mention.type === 'app' && mention.id === app.appId);
  if (chat.chatType === 'group' && !mentioned && !appHasScope(app, 'im:message.group_msg')) return null;
  return {
    eventType: 'im.message.receive_v1',
    event: {
      sender: { sender_id: userId(sender), sender_type: sender.type === 'user' ? 'user' : 'app', tenant_key: app.tenantKey },
      message: {
        message_id: message.messageId,
        ...(payload.rootMessageId ? { root_id: payload.rootMessageId } : {}),
        ...(payload.parentMessageId ? { parent_id: payload.parentMessageId } : {}),
        ...(message.threadId ? { thread_id: message.threadId } : {}),
        create_time: ms(message.createdAt),
        update_time: ms(message.updatedAt),
        chat_id: chat.chatId,
        chat_type: chat.chatType,
        message_type: message.msgType,
        content: openContent(message.msgType, message.content),
        mentions: payload.mentions.map((mention) => ({
          key: mention.key,
          id: userId(mention),
          name: mention.name,
          tenant_key: app.tenantKey,
        })),
      },
    },
  };
};

function membersMapper(kind: 'added' | 'deleted'): OpenEventMapper {
  return (event, app) => {
    const payload = event.payload as MembersEventPayload;
    if (isSelf(payload.operator, app) || !appHasScope(app, ...IM_SCOPES)) return null;
    const events: OpenEvent[] = [];
    if (payload.users.length > 0 && inChat(payload.chat, app)) {
      events.push({
        eventType: `im.chat.member.user.${kind}_v1`,
        event: {
          chat_id: payload.chat.chatId,
          ...operatorFields(payload.operator, app),
          name: payload.chat.name,
          users: payload.users.map((user) => ({ name: user.name, tenant_key: app.tenantKey, user_id: userId(user) })),
        },
      });
    }
    // The bot itself added or removed: it hears so even when it is no longer in the chat.
    if (payload.apps.some((bot) => bot.id === app.appId)) {
      events.push({
        eventType: `im.chat.member.bot.${kind}_v1`,
        event: { chat_id: payload.chat.chatId, ...operatorFields(payload.operator, app), name: payload.chat.name },
      });
    }
    return events;
  };
}

/** A group created with the bot in it: the bot hears it was added. */
export const chatCreatedMapper: OpenEventMapper = (event, app) => {
  const payload = event.payload as ChatEventPayload;
  if (payload.chat.chatType !== 'group' || !inChat(payload.chat, app) || isSelf(payload.operator, app)) return null;
  return {
    eventType: 'im.chat.member.bot.added_v1',
    event: { chat_id: payload.chat.chatId, ...operatorFields(payload.operator, app), name: payload.chat.name },
  };
};

export const chatUpdatedMapper: OpenEventMapper = (event, app) => {
  const payload = event.payload as ChatEventPayload;
  if (!inChat(payload.chat, app) || isSelf(payload.operator, app)) return null;
  const pick = (source: Record<string, unknown> | undefined) => {
    const fields: Record<string, unknown> = {};
    for (const field of payload.changed ?? []) {
      if (field === 'name' || field === 'description') fields[field] = source?.[field] ?? '';
    }
    return fields;
  };
  return {
    eventType: 'im.chat.updated_v1',
    event: {
      chat_id: payload.chat.chatId,
      ...operatorFields(payload.operator, app),
      after_change: pick(payload.view as unknown as Record<string, unknown>),
      before_change: pick(payload.before as Record<string, unknown> | undefined),
    },
  };
};

export const chatDisbandedMapper: OpenEventMapper = (event, app) => {
  const payload = event.payload as ChatEventPayload;
  if (!inChat(payload.chat, app) || isSelf(payload.operator, app)) return null;
  return {
    eventType: 'im.chat.disbanded_v1',
    event: { chat_id: payload.chat.chatId, ...operatorFields(payload.operator, app), name: payload.chat.name },
  };
};

function reactionMapper(kind: 'created' | 'deleted'): OpenEventMapper {
  return (event, app) => {
    const payload = event.payload as ReactionEventPayload;
    if (!inChat(payload.chat, app) || isSelf(payload.reactor, app)) return null;
    return {
      eventType: `im.message.reaction.${kind}_v1`,
      event: {
        message_id: payload.openMessageId,
        reaction_type: { emoji_type: payload.emojiType },
        operator_type: payload.reactor.type,
        ...(payload.reactor.type === 'user' ? { user_id: userId(payload.reactor) } : { app_id: payload.reactor.id }),
        action_time: ms(payload.actionTime),
      },
    };
  };
}

/** `im.message.read_v1`: a person read messages this app's bot sent. */
export const messageReadMapper: OpenEventMapper = (event, app) => {
  const payload = event.payload as ReadEventPayload;
  const mine = payload.appMessages.find((entry) => entry.appId === app.appId);
  if (!mine || !appHasScope(app, ...IM_SCOPES)) return null;
  return {
    eventType: 'im.message.read_v1',
    event: {
      reader: { reader_id: userId(payload.reader), read_time: ms(payload.readAt), tenant_key: app.tenantKey },
      message_id_list: mine.messageIds,
    },
  };
};

/** Only bots of the chat hear about it (for a removal, the payload still lists the removed bot). */
const botsOfChat = { appsOf: (event: DomainEvent) => (event.payload as { chat: { appIds: string[] } }).chat.appIds };

/** The Feishu im events apps receive for messenger changes. */
export function registerImOpenEvents(register: RegisterOpenEvent): void {
  register(imEvents.messageCreated, messageReceiveMapper, botsOfChat);
  register(imEvents.chatCreated, chatCreatedMapper, botsOfChat);
  register(imEvents.membersAdded, membersMapper('added'), {
    appsOf: (event) => {
      const payload = event.payload as MembersEventPayload;
      return [...payload.chat.appIds, ...payload.apps.map((bot) => bot.id)];
    },
  });
  register(imEvents.membersRemoved, membersMapper('deleted'), {
    appsOf: (event) => {
      const payload = event.payload as MembersEventPayload;
      return [...payload.chat.appIds, ...payload.apps.map((bot) => bot.id)];
    },
  });
  register(imEvents.chatUpdated, chatUpdatedMapper, botsOfChat);
  register(imEvents.chatDisbanded, chatDisbandedMapper, botsOfChat);
  register(imEvents.reactionAdded, reactionMapper('created'), botsOfChat);
  register(imEvents.reactionRemoved, reactionMapper('deleted'), botsOfChat);
  register(imEvents.read, messageReadMapper, {
    appsOf: (event) => (event.payload as ReadEventPayload).appMessages.map((entry) => entry.appId),
  });
}
