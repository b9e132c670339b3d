import { MSG_TYPES, SERVER_MSG_TYPES } from '@kite/im/contract';
import { errors } from '@kite/kernel/errors';
import { type Authenticators, openOk } from '@kite/platform/http';
import { parseInput } from '@kite/platform/validation';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { OpenImApi } from './open-im.ts';
import { settingsFromOpen } from './open-presenters.ts';

export const userIdType = z.enum(['open_id', 'union_id', 'user_id']).default('open_id');
export const IdTypeQuery = z.object({ user_id_type: userIdType });
export const PageQuery = IdTypeQuery.extend({
  page_size: z.coerce.number().int().min(1).max(100).default(20),
  page_token: z.string().max(500).optional(),
});
export const MemberQuery = PageQuery.extend({ member_id_type: z.enum(['open_id', 'union_id', 'user_id', 'app_id']).default('open_id') });
export const idList = z.array(z.string().min(1).max(64)).max(200);
export const ChatParam = z.object({ chat_id: z.string().min(1).max(64) });
const MessageParam = z.object({ message_id: z.string().min(1).max(64) });
const ReactionParam = MessageParam.extend({ reaction_id: z.string().min(1).max(64) });
const sendable = z.enum(MSG_TYPES).exclude([...SERVER_MSG_TYPES]);
const content = z
  .string()
  .min(2)
  .max(600 * 1024);
const permission = z.enum(['all_members', 'only_owner']).optional();

const ChatInput = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  description: z.string().trim().max(500).optional(),
  owner_id: z.string().min(1).max(64).optional(),
  user_id_list: idList.optional(),
  bot_id_list: z.array(z.string().min(1).max(64)).max(50).optional(),
  chat_mode: z.enum(['group']).optional(),
  /** `thread`: a topic group (话题群); `chat` (default): a conversation. */
  group_message_type: z.enum(['chat', 'thread']).optional(),
  chat_type: z.enum(['private', 'public']).optional(),
  add_member_permission: permission,
  at_all_permission: permission,
  moderation_permission: z.enum(['all_members', 'only_owner', 'moderator_list']).optional(),
  /** Who may buzz (加急) and who may pin: Kite's `buzzPolicy` and `pinPolicy`. */
  urgent_setting: permission,
  pin_manage_setting: permission,
});
const SendInput = z.object({ receive_id: z.string().min(1).max(64), msg_type: sendable, content, uuid: z.string().max(50).optional() });
const ReplyInput = z.object({
  msg_type: sendable,
  content,
  reply_in_thread: z.boolean().optional(),
  uuid: z.string().max(50).optional(),
});
const ListQuery = PageQuery.extend({
  /** `thread`: a thread's root and thread replies, `container_id` its `omt_…` id. */
  container_id_type: z.enum(['chat', 'thread']),
  container_id: z.string().min(1).max(64),
  /** Seconds since the epoch, as strings. */
  start_time: z
    .string()
    .regex(/^\d{1,12}$/)
    .optional(),
  end_time: z
    .string()
    .regex(/^\d{1,12}$/)
    .optional(),
  sort_type: z.enum(['ByCreateTimeAsc', 'ByCreateTimeDesc']).default('ByCreateTimeAsc'),
});
const ReactionQuery = PageQuery.extend({ reaction_type: z.string().max(50).optional() });
const ReactionInput = z.object({ reaction_type: z.object({ emoji_type: z.string().trim().min(1).max(50) }) });

const seconds = (value: string | undefined) => (value === undefined ? undefined : new Date(Number(value) * 1000));

/** im v1 (reference/feishu-openapi.md §8–9), as the official SDK calls it. */
export function registerImOpenRoutes(app: FastifyInstance, deps: { api: OpenImApi; authenticate: Authenticators }): void {
  const { api, authenticate } = deps;
  const { service } = api;

  // Chats -----------------------------------------------------------------------------------------

  app.post('/open-apis/im/v1/chats', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { user_id_type } = parseInput(IdTypeQuery, request.query);
    const input = parseInput(ChatInput, request.body);
    const users = await api.resolveMembers(ctx, input.user_id_list ?? [], user_id_type);
    const bots = await api.resolveMembers(ctx, input.bot_id_list ?? [], 'app_id');
    if (users.invalid.length > 0 || bots.invalid.length > 0) {
      throw errors.validation(`Unknown ids: ${[...users.invalid, ...bots.invalid].join(', ')}`);
    }
    const id = await service.createGroup(ctx, {
      name: input.name ?? '',
      description: input.description,
      userIds: users.parties.filter((p) => p.kind === 'user').map((p) => p.id),
      appIds: bots.parties.map((p) => p.id),
      ownerUserId: input.owner_id ? await api.resolveUser(ctx, input.owner_id, user_id_type) : undefined,
      settings: settingsFromOpen(input),
    });
    return openOk(await api.chat(ctx, id, user_id_type, { withId: true }));
  });

  app.get('/open-apis/im/v1/chats', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const query = parseInput(PageQuery, request.query);
    return openOk(await api.chats(ctx, { pageSize: query.page_size, pageToken: query.page_token }, query.user_id_type));
  });

  app.get('/open-apis/im/v1/chats/search', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const query = parseInput(PageQuery.extend({ query: z.string().trim().max(64).optional() }), request.query);
    return openOk(
      await api.chats(ctx, { q: query.query || undefined, pageSize: query.page_size, pageToken: query.page_token }, query.user_id_type),
    );
  });

  app.get('/open-apis/im/v1/chats/:chat_id', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { chat_id } = parseInput(ChatParam, request.params);
    return openOk(await api.chat(ctx, chat_id, parseInput(IdTypeQuery, request.query).user_id_type));
  });

  app.put('/open-apis/im/v1/chats/:chat_id', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { chat_id } = parseInput(ChatParam, request.params);
    const { user_id_type } = parseInput(IdTypeQuery, request.query);
    const input = parseInput(ChatInput, request.body);
    await service.updateChat(ctx, chat_id, { name: input.name, description: input.description, settings: settingsFromOpen(input) });
    if (input.owner_id) await service.transferOwner(ctx, chat_id, await api.resolveUser(ctx, input.owner_id, user_id_type));
    return openOk({});
  });

  app.delete('/open-apis/im/v1/chats/:chat_id', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    await service.dissolve(ctx, parseInput(ChatParam, request.params).chat_id);
    return openOk({});
  });

  // Members ---------------------------------------------------------------------------------------

  app.post('/open-apis/im/v1/chats/:chat_id/members', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { chat_id } = parseInput(ChatParam, request.params);
    const { member_id_type } = parseInput(MemberQuery, request.query);
    const { id_list } = parseInput(z.object({ id_list: idList.min(1) }), request.body);
    const { parties, invalid } = await api.resolveMembers(ctx, id_list, member_id_type);
    // Called with no known id too: the chat and the caller's rights are checked either way.
    await service.addMembers(ctx, chat_id, parties);
    return openOk({ invalid_id_list: invalid, not_existed_id_list: [], pending_approval_id_list: [] });
  });

  app.delete('/open-apis/im/v1/chats/:chat_id/members', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { chat_id } = parseInput(ChatParam, request.params);
    const { member_id_type } = parseInput(MemberQuery, request.query);
    const { id_list } = parseInput(z.object({ id_list: idList.min(1) }), request.body);
    const { parties, invalid } = await api.resolveMembers(ctx, id_list, member_id_type);
    await service.removeMembers(ctx, chat_id, parties);
    return openOk({ invalid_id_list: invalid });
  });

  app.get('/open-apis/im/v1/chats/:chat_id/members', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { chat_id } = parseInput(ChatParam, request.params);
    const query = parseInput(MemberQuery, request.query);
    const type = query.member_id_type === 'app_id' ? 'open_id' : query.member_id_type;
    return openOk(await api.members(ctx, chat_id, type, query.page_size, query.page_token));
  });

  app.get('/open-apis/im/v1/chats/:chat_id/members/is_in_chat', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    return openOk({ is_in_chat: await service.isMember(ctx, parseInput(ChatParam, request.params).chat_id) });
  });

  // Messages --------------------------------------------------------------------------------------

  app.post('/open-apis/im/v1/messages', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const query = parseInput(
      IdTypeQuery.extend({ receive_id_type: z.enum(['open_id', 'union_id', 'user_id', 'email', 'chat_id']) }),
      request.query,
    );
    const input = parseInput(SendInput, request.body);
    const chatRef = await api.receiverChat(ctx, input.receive_id, query.receive_id_type);
    const row = await service.send(ctx, chatRef, { msgType: input.msg_type, content: input.content, uuid: input.uuid });
    return openOk(await api.message(ctx, row.id, query.user_id_type));
  });

  app.get('/open-apis/im/v1/messages', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const query = parseInput(ListQuery, request.query);
    return openOk(
      await api.messages(
        ctx,
        query.container_id,
        {
          start: seconds(query.start_time),
          end: seconds(query.end_time),
          descending: query.sort_type === 'ByCreateTimeDesc',
          pageToken: query.page_token,
          pageSize: query.page_size,
          threadId: query.container_id_type === 'thread' ? query.container_id : undefined,
        },
        query.user_id_type,
      ),
    );
  });

  app.post('/open-apis/im/v1/messages/:message_id/reply', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { message_id } = parseInput(MessageParam, request.params);
    const { user_id_type } = parseInput(IdTypeQuery, request.query);
    const input = parseInput(ReplyInput, request.body);
    const parent = await service.messageRecord(ctx, message_id);
    const row = await service.send(ctx, parent.message.chatId, {
      msgType: input.msg_type,
      content: input.content,
      parentId: parent.message.id,
      replyInThread: input.reply_in_thread,
      uuid: input.uuid,
    });
    return openOk(await api.message(ctx, row.id, user_id_type));
  });

  app.get('/open-apis/im/v1/messages/:message_id', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { message_id } = parseInput(MessageParam, request.params);
    return openOk({ items: await api.messageItems(ctx, message_id, parseInput(IdTypeQuery, request.query).user_id_type) });
  });

  app.patch('/open-apis/im/v1/messages/:message_id', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { message_id } = parseInput(MessageParam, request.params);
    const input = parseInput(z.object({ content }), request.body);
    await service.edit(ctx, message_id, { content: input.content, card: true });
    return openOk({});
  });

  app.put('/open-apis/im/v1/messages/:message_id', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { message_id } = parseInput(MessageParam, request.params);
    const { user_id_type } = parseInput(IdTypeQuery, request.query);
    const input = parseInput(z.object({ msg_type: z.enum(['text', 'post', 'interactive']), content }), request.body);
    // A card is updated as message.patch does it (the SDK's updateByCard sends template cards here).
    const edit = input.msg_type === 'interactive' ? { card: true } : { msgType: input.msg_type };
    const row = await service.edit(ctx, message_id, { content: input.content, ...edit });
    return openOk(await api.message(ctx, row.id, user_id_type));
  });

  app.delete('/open-apis/im/v1/messages/:message_id', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    await service.recall(ctx, parseInput(MessageParam, request.params).message_id);
    return openOk({});
  });

  app.get('/open-apis/im/v1/messages/:message_id/read_users', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { message_id } = parseInput(MessageParam, request.params);
    return openOk(await api.readUsers(ctx, message_id, parseInput(PageQuery, request.query).user_id_type));
  });

  // Reactions -------------------------------------------------------------------------------------

  app.post('/open-apis/im/v1/messages/:message_id/reactions', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { message_id } = parseInput(MessageParam, request.params);
    const input = parseInput(ReactionInput, request.body);
    return openOk(await api.react(ctx, message_id, input.reaction_type.emoji_type));
  });

  app.get('/open-apis/im/v1/messages/:message_id/reactions', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { message_id } = parseInput(MessageParam, request.params);
    const query = parseInput(ReactionQuery, request.query);
    return openOk(
      await api.reactions(
        ctx,
        message_id,
        { emojiType: query.reaction_type, pageSize: query.page_size, pageToken: query.page_token },
        query.user_id_type,
      ),
    );
  });

  app.delete('/open-apis/im/v1/messages/:message_id/reactions/:reaction_id', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { message_id, reaction_id } = parseInput(ReactionParam, request.params);
    return openOk(await api.removeReaction(ctx, message_id, reaction_id));
  });
}
