import { type Authenticators, openOk } from '@kite/platform/http';
import { parseInput } from '@kite/platform/validation';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { OpenChatAdmin } from './open-chat-admin.ts';
import { ChatParam, IdTypeQuery, idList, MemberQuery, PageQuery } from './open-routes.ts';

const AnnouncementPatch = z.object({
  revision: z.string().regex(/^\d{1,15}$/, 'revision must be the number chatAnnouncement.get returned'),
  requests: z.array(z.string().max(100_000)).max(100).default([]),
});
const ModerationUpdate = z.object({
  moderation_setting: z.enum(['all_members', 'only_owner', 'moderator_list']).optional(),
  moderator_added_list: idList.default([]),
  moderator_removed_list: idList.default([]),
});
const ManagerIds = z.object({ manager_ids: idList.min(1).max(50) });

/** im v1 chat.announcement, chat.moderation and chat.managers. */
export function registerImChatAdminOpenRoutes(app: FastifyInstance, deps: { admin: OpenChatAdmin; authenticate: Authenticators }): void {
  const { admin, authenticate } = deps;

  app.get('/open-apis/im/v1/chats/:chat_id/announcement', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { chat_id } = parseInput(ChatParam, request.params);
    return openOk(await admin.announcement(ctx, chat_id, parseInput(IdTypeQuery, request.query).user_id_type));
  });

  app.patch('/open-apis/im/v1/chats/:chat_id/announcement', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { chat_id } = parseInput(ChatParam, request.params);
    const input = parseInput(AnnouncementPatch, request.body);
    await admin.patchAnnouncement(ctx, chat_id, { revision: Number(input.revision), requests: input.requests });
    return openOk({});
  });

  app.get('/open-apis/im/v1/chats/:chat_id/moderation', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { chat_id } = parseInput(ChatParam, request.params);
    const query = parseInput(PageQuery, request.query);
    return openOk(await admin.moderation(ctx, chat_id, query.user_id_type, { pageSize: query.page_size, pageToken: query.page_token }));
  });

  app.put('/open-apis/im/v1/chats/:chat_id/moderation', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { chat_id } = parseInput(ChatParam, request.params);
    const { user_id_type } = parseInput(IdTypeQuery, request.query);
    const input = parseInput(ModerationUpdate, request.body);
    await admin.updateModeration(
      ctx,
      chat_id,
      { setting: input.moderation_setting, added: input.moderator_added_list, removed: input.moderator_removed_list },
      user_id_type,
    );
    return openOk({});
  });

  for (const [action, manager] of [
    ['add_managers', true],
    ['delete_managers', false],
  ] as const) {
    app.post(`/open-apis/im/v1/chats/:chat_id/managers/${action}`, async (request, reply) => {
      const ctx = await authenticate.open(request, reply);
      const { chat_id } = parseInput(ChatParam, request.params);
      const { member_id_type } = parseInput(MemberQuery, request.query);
      const { manager_ids } = parseInput(ManagerIds, request.body);
      return openOk(await admin.setManagers(ctx, chat_id, manager_ids, member_id_type, manager));
    });
  }
}
