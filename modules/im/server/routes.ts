import {
  CreateChatInput,
  EditMessageInput,
  ListChatsQuery,
  ListMessagesQuery,
  MemberPrefsInput,
  MembersInput,
  MembersPageQuery,
  ReactionInput,
  ReactorsQuery,
  ReadInput,
  SearchQuery,
  SendMessageInput,
  TransferInput,
  UpdateChatInput,
  UserIdsInput,
} from '@kite/im/contract';
import type { Authenticators } from '@kite/platform/http';
import { parseInput } from '@kite/platform/validation';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ImService } from './im-service.ts';

const IdParam = z.object({ id: z.string().min(1).max(64) });
const ThreadParams = z.object({ id: z.string().min(1).max(64), rootId: z.string().min(1).max(64) });

/** The messenger's internal API (docs/internal-api.md § Messenger). */
export function registerImRoutes(app: FastifyInstance, deps: { im: ImService; authenticate: Authenticators }): void {
  const { im, authenticate } = deps;

  app.get('/api/im/chats', async (request) => {
    const ctx = await authenticate.user(request);
    return im.listChats(ctx, parseInput(ListChatsQuery, request.query));
  });
  app.post('/api/im/chats', async (request) => {
    const ctx = await authenticate.user(request);
    return im.createChat(ctx, parseInput(CreateChatInput, request.body));
  });
  app.get('/api/im/chats/:id', async (request) => {
    const ctx = await authenticate.user(request);
    return im.getChat(ctx, parseInput(IdParam, request.params).id);
  });
  app.patch('/api/im/chats/:id', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    return im.updateChat(ctx, id, parseInput(UpdateChatInput, request.body));
  });
  app.delete('/api/im/chats/:id', async (request) => {
    const ctx = await authenticate.user(request);
    await im.dissolve(ctx, parseInput(IdParam, request.params).id);
    return {};
  });
  app.post('/api/im/chats/:id/leave', async (request) => {
    const ctx = await authenticate.user(request);
    await im.leave(ctx, parseInput(IdParam, request.params).id);
    return {};
  });
  app.post('/api/im/chats/:id/transfer', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    return im.transferOwner(ctx, id, parseInput(TransferInput, request.body).userId);
  });

  app.get('/api/im/chats/:id/members', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    return im.listMembers(ctx, id, parseInput(MembersPageQuery, request.query));
  });
  app.post('/api/im/chats/:id/members', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    await im.addPeople(ctx, id, parseInput(MembersInput, request.body));
    return im.getChat(ctx, id);
  });
  app.delete('/api/im/chats/:id/members', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    await im.removePeople(ctx, id, parseInput(MembersInput, request.body));
    return im.getChat(ctx, id);
  });
  app.post('/api/im/chats/:id/admins', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    return im.setAdmins(ctx, id, parseInput(UserIdsInput, request.body).userIds, true);
  });
  app.delete('/api/im/chats/:id/admins', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    return im.setAdmins(ctx, id, parseInput(UserIdsInput, request.body).userIds, false);
  });
  app.patch('/api/im/chats/:id/me', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    return im.updatePreferences(ctx, id, parseInput(MemberPrefsInput, request.body));
  });
  app.post('/api/im/chats/:id/read', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    return im.markRead(ctx, id, parseInput(ReadInput, request.body).seq);
  });
  app.post('/api/im/chats/:id/threads/:rootId/read', async (request) => {
    const ctx = await authenticate.user(request);
    const { id, rootId } = parseInput(ThreadParams, request.params);
    return im.markThreadRead(ctx, id, rootId, parseInput(ReadInput, request.body).seq);
  });

  app.get('/api/im/chats/:id/messages', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    return im.listMessages(ctx, id, parseInput(ListMessagesQuery, request.query));
  });
  app.post('/api/im/chats/:id/messages', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    return im.sendAndView(ctx, id, parseInput(SendMessageInput, request.body));
  });
  app.patch('/api/im/messages/:id', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    return im.viewOf(ctx, await im.edit(ctx, id, parseInput(EditMessageInput, request.body)));
  });
  app.post('/api/im/messages/:id/recall', async (request) => {
    const ctx = await authenticate.user(request);
    return im.viewOf(ctx, await im.recall(ctx, parseInput(IdParam, request.params).id));
  });
  app.post('/api/im/messages/:id/reactions', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    const { message } = await im.react(ctx, id, parseInput(ReactionInput, request.body).emojiType, true);
    return im.getMessage(ctx, message.id);
  });
  app.delete('/api/im/messages/:id/reactions', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    const { message } = await im.react(ctx, id, parseInput(ReactionInput, request.body).emojiType, false);
    return im.getMessage(ctx, message.id);
  });
  app.get('/api/im/messages/:id/reactors', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    return im.reactors(ctx, id, parseInput(ReactorsQuery, request.query));
  });
  app.get('/api/im/messages/:id/read-users', async (request) => {
    const ctx = await authenticate.user(request);
    return im.readReceipts(ctx, parseInput(IdParam, request.params).id);
  });

  app.get('/api/im/search', async (request) => {
    const ctx = await authenticate.user(request);
    return im.search(ctx, parseInput(SearchQuery, request.query));
  });
}
