import { MAX_ANNOUNCEMENT_CHARS } from '@kite/im/contract';
import { errors } from '@kite/kernel/errors';
import { announcementDocument, applyAnnouncementRequests } from './announcement-doc.ts';
import type { Party } from './im-repository.ts';
import type { Ctx } from './im-service.ts';
import type { MemberIdType, OpenImApi } from './open-im.ts';
import { idOf, type UserIdType } from './open-presenters.ts';
import { assertScope, settingsOf } from './policy.ts';
import { partyKey, presentParty } from './presenters.ts';

const MODERATION_SETTING = { all: 'all_members', admins: 'only_owner', listed: 'moderator_list' } as const;
const POST_POLICY = { all_members: 'all', only_owner: 'admins', moderator_list: 'listed' } as const;

export type ModerationSetting = keyof typeof POST_POLICY;

/**
 * Chat administration in Feishu's terms (im v1 chat.announcement, chat.moderation,
 * chat.managers). Every change goes through ImService.updateChat / setAdmins, so the owner/admin
 * checks, the `im.chat.updated` event and the audit entry are the web's.
 */
export class OpenChatAdmin {
  constructor(private readonly api: OpenImApi) {}

  private get service() {
    return this.api.service;
  }

  /** Public ids of people, in the caller's id type. */
  private async publicIds(ctx: Ctx, userIds: readonly string[], type: UserIdType): Promise<string[]> {
    const infos = await this.service.parties(
      ctx.tenantId,
      userIds.map((id) => ({ kind: 'user' as const, id })),
    );
    return userIds.flatMap((id) => {
      const info = infos.get(partyKey('user', id));
      return info ? [idOf(presentParty(info), type)] : [];
    });
  }

  /** People named by public ids; a bot or unknown id is the caller's error, reported by name. */
  private async userIds(ctx: Ctx, ids: readonly string[], type: MemberIdType): Promise<string[]> {
    if (ids.length === 0) return [];
    const { parties, invalid } = await this.api.resolveMembers(ctx, ids, type);
    const bots = parties.filter((party) => party.kind === 'app');
    if (invalid.length > 0) throw errors.validation(`Unknown ids: ${invalid.join(', ')}`);
    if (bots.length > 0) throw errors.validation(`Only people can be listed here: ${bots.map((bot) => bot.id).join(', ')}`);
    return parties.map((party: Party) => party.id);
  }

  async announcement(ctx: Ctx, chatRef: string, type: UserIdType) {
    assertScope(ctx, 'im:chat', 'im:message');
    const { chat } = await this.service.chatForOpen(ctx, chatRef);
    const [ownerId] = chat.owner_kind === 'user' && chat.owner_id ? await this.publicIds(ctx, [chat.owner_id], type) : [];
    return {
      content: announcementDocument(chat.announcement),
      revision: String(chat.announcement_revision),
      create_time: String(chat.created_at.getTime()),
      update_time: String((chat.announcement_updated_at ?? chat.created_at).getTime()),
      owner_id_type: chat.owner_kind === 'app' ? 'app_id' : type,
      owner_id: chat.owner_kind === 'app' ? chat.owner_id : ownerId,
    };
  }

  async patchAnnouncement(ctx: Ctx, chatRef: string, input: { revision: number; requests: readonly string[] }): Promise<void> {
    const { chat } = await this.service.chatForOpen(ctx, chatRef);
    const text = applyAnnouncementRequests(chat.announcement, input.requests);
    if (text.length > MAX_ANNOUNCEMENT_CHARS)
      throw errors.validation(`The announcement is longer than ${MAX_ANNOUNCEMENT_CHARS} characters`);
    await this.service.updateChat(ctx, chat.id, { announcement: text, announcementRevision: input.revision });
  }

  async moderation(ctx: Ctx, chatRef: string, type: UserIdType, page: { pageSize: number; pageToken?: string }) {
    assertScope(ctx, 'im:chat', 'im:message');
    const { chat } = await this.service.chatForOpen(ctx, chatRef);
    const settings = settingsOf(chat);
    const listed = settings.postPolicy === 'listed' ? settings.postAllowedUserIds : [];
    const start = page.pageToken ? Number(page.pageToken) : 0;
    if (!Number.isSafeInteger(start) || start < 0) throw errors.validation('Invalid page_token');
    const slice = listed.slice(start, start + page.pageSize);
    const tenantKey = await this.api.tenantKey(ctx);
    const more = start + page.pageSize < listed.length;
    return {
      moderation_setting: MODERATION_SETTING[settings.postPolicy],
      items: (await this.publicIds(ctx, slice, type)).map((id) => ({ user_id_type: type, user_id: id, tenant_key: tenantKey })),
      page_token: more ? String(start + page.pageSize) : '',
      has_more: more,
    };
  }

  async updateModeration(
    ctx: Ctx,
    chatRef: string,
    input: { setting?: ModerationSetting; added: readonly string[]; removed: readonly string[] },
    type: UserIdType,
  ): Promise<void> {
    const { chat } = await this.service.chatForOpen(ctx, chatRef);
    const added = await this.userIds(ctx, input.added, type);
    const removed = new Set(await this.userIds(ctx, input.removed, type));
    const current = settingsOf(chat);
    const listed = [...new Set([...current.postAllowedUserIds, ...added])].filter((id) => !removed.has(id));
    await this.service.updateChat(ctx, chat.id, {
      settings: { postPolicy: input.setting ? POST_POLICY[input.setting] : current.postPolicy, postAllowedUserIds: listed },
    });
  }

  /** Owner only (ImService.setAdmins); answers the chat's managers afterwards, as Feishu does. */
  async setManagers(ctx: Ctx, chatRef: string, ids: readonly string[], type: MemberIdType, manager: boolean) {
    const { chat } = await this.service.chatForOpen(ctx, chatRef);
    await this.service.setAdmins(ctx, chat.id, await this.userIds(ctx, ids, type), manager);
    const { admins } = await this.service.chatForOpen(ctx, chat.id);
    return { chat_managers: await this.publicIds(ctx, admins, type === 'app_id' ? 'open_id' : type), chat_bot_managers: [] };
  }
}
