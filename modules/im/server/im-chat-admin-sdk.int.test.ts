import type { UserView } from '@kite/contact/contract';
import type { ChatView } from '@kite/im/contract';
import { addSignedInPerson, setUpTenant, startTestServer, type TestServer, testEngines, type WebClient } from '@kite/testing/test-server';
import type * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkBot, sdkFailureWithMsg as failure } from './im-test-kit.ts';

/** im v1 chat.announcement, chat.moderation and chat.managers through the official SDK. */

const paragraphs = (...lines: string[]) =>
  JSON.stringify({
    blocks: lines.map((text) => ({ type: 'paragraph', paragraph: { elements: [{ type: 'textRun', textRun: { text } }] } })),
  });

describe.each(testEngines())('im v1 chat administration through the official SDK (%s)', (engine) => {
  let server: TestServer;
  let admin: WebClient;
  let alice: { client: WebClient; user: UserView };
  let bob: UserView;
  let client: lark.Client;
  let chatId: string;
  let internalChatId: string;

  beforeAll(async () => {
    server = await startTestServer({ engine });
    ({ admin } = await setUpTenant(server));
    alice = await addSignedInPerson(server, admin, 'Alice');
    bob = (await admin.post<{ user: UserView }>('/api/contact/users', { name: 'Bob', email: 'bob@acme.test' })).body.user;
    ({ client } = await createSdkBot(server, admin, 'Admin Bot'));
    const chat = await client.im.v1.chat.create({
      params: { user_id_type: 'open_id' },
      data: { name: 'Ops', user_id_list: [alice.user.openId, bob.openId] },
    });
    chatId = chat.data!.chat_id!;
    const listed = await alice.client.get<{ items: ChatView[] }>('/api/im/chats');
    internalChatId = listed.body.items.find((item) => item.chatId === chatId)!.id;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('reads and patches the announcement by revision, and the web sees the text', async () => {
    const empty = await client.im.v1.chatAnnouncement.get({ path: { chat_id: chatId } });
    expect(empty.code).toBe(0);
    expect(JSON.parse(empty.data!.content!)).toEqual({ title: { elements: [] }, body: { blocks: [] } });
    expect(empty.data).toMatchObject({ revision: '0', owner_id_type: 'app_id' });

    const insert = (text: string, index?: number) =>
      JSON.stringify({
        requestType: 'InsertBlocksRequestType',
        insertBlocksRequest: { payload: paragraphs(text), location: { zoneId: '0', ...(index === undefined ? {} : { index }) } },
      });
    const patched = await client.im.v1.chatAnnouncement.patch({
      path: { chat_id: chatId },
      data: { revision: '0', requests: [insert('值班：Alice'), insert('发布窗口 周四')] },
    });
    expect(patched.code).toBe(0);
    const web = await alice.client.get<ChatView>(`/api/im/chats/${internalChatId}`);
    expect(web.body.announcement).toBe('值班：Alice\n发布窗口 周四');

    const stale = await failure(
      client.im.v1.chatAnnouncement.patch({ path: { chat_id: chatId }, data: { revision: '0', requests: [insert('lost update')] } }),
    );
    expect(stale).toMatchObject({ status: 400, code: 232_001 });

    const deleted = await client.im.v1.chatAnnouncement.patch({
      path: { chat_id: chatId },
      data: {
        revision: '1',
        requests: [
          JSON.stringify({
            requestType: 'DeleteContentRangeRequestType',
            deleteContentRangeRequest: { deleteRange: { zoneId: '0', startIndex: 0, endIndex: 9 } },
          }),
        ],
      },
    });
    expect(deleted.code).toBe(0);
    const read = await client.im.v1.chatAnnouncement.get({ path: { chat_id: chatId } });
    expect(read.data?.revision).toBe('2');
    expect(
      JSON.parse(read.data!.content!).body.blocks.map((block: { paragraph: { elements: Array<{ textRun: { text: string } }> } }) =>
        block.paragraph.elements.map((element) => element.textRun.text).join(''),
      ),
    ).toEqual(['发布窗口 周四']);

    for (const requests of [['not json'], [JSON.stringify({ requestType: 'UpdateTitleRequestType' })], [insert('x', 999)]]) {
      const bad = await failure(client.im.v1.chatAnnouncement.patch({ path: { chat_id: chatId }, data: { revision: '2', requests } }));
      expect(bad).toMatchObject({ status: 400, code: 99_992_402 });
    }
    expect((await client.im.v1.chatAnnouncement.get({ path: { chat_id: chatId } })).data?.revision).toBe('2');
  });

  it('sets who may post, and the web enforces it', async () => {
    const updated = await client.im.v1.chatModeration.update({
      path: { chat_id: chatId },
      params: { user_id_type: 'open_id' },
      data: { moderation_setting: 'moderator_list', moderator_added_list: [bob.openId] },
    });
    expect(updated.code).toBe(0);
    const got = await client.im.v1.chatModeration.get({ path: { chat_id: chatId }, params: { user_id_type: 'user_id' } });
    expect(got.data).toMatchObject({ moderation_setting: 'moderator_list', has_more: false });
    expect(got.data?.items?.map((item) => item.user_id)).toEqual([bob.userId]);

    const refused = await alice.client.post(`/api/im/chats/${internalChatId}/messages`, { msgType: 'text', content: '{"text":"hi"}' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'post_not_allowed' } });

    const unknown = await failure(
      client.im.v1.chatModeration.update({
        path: { chat_id: chatId },
        data: { moderation_setting: 'all_members', moderator_added_list: ['ou_nobody'] },
      }),
    );
    expect(unknown).toMatchObject({ status: 400, code: 99_992_402 });
    expect((await client.im.v1.chatModeration.get({ path: { chat_id: chatId } })).data?.moderation_setting).toBe('moderator_list');

    await client.im.v1.chatModeration.update({ path: { chat_id: chatId }, data: { moderation_setting: 'all_members' } });
    const allowed = await alice.client.post(`/api/im/chats/${internalChatId}/messages`, { msgType: 'text', content: '{"text":"hi"}' });
    expect(allowed.status).toBe(200);
  });

  it('appoints and removes managers as the owner; members may not', async () => {
    const added = await client.im.v1.chatManagers.addManagers({
      path: { chat_id: chatId },
      params: { member_id_type: 'open_id' },
      data: { manager_ids: [alice.user.openId] },
    });
    expect(added.code).toBe(0);
    expect(added.data).toEqual({ chat_managers: [alice.user.openId], chat_bot_managers: [] });
    const web = await alice.client.get<ChatView>(`/api/im/chats/${internalChatId}`);
    expect(web.body.permissions.manage).toBe(true);

    const removed = await client.im.v1.chatManagers.deleteManagers({
      path: { chat_id: chatId },
      params: { member_id_type: 'open_id' },
      data: { manager_ids: [alice.user.openId] },
    });
    expect(removed.data?.chat_managers).toEqual([]);

    // A chat the bot does not own: Alice's group, where the bot is a plain member.
    const own = await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Alice only', userIds: [bob.id] });
    const other = await failure(
      client.im.v1.chatManagers.addManagers({ path: { chat_id: own.body.chatId }, data: { manager_ids: [bob.openId] } }),
    );
    expect(other).toMatchObject({ status: 400, code: 232_011 });
  });
});
