import type { UserView } from '@kite/contact/contract';
import type { ChatView } from '@kite/im/contract';
import { addSignedInPerson, setUpTenant, startTestServer, type TestServer, testEngines, type WebClient } from '@kite/testing/test-server';
import type * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkBot, PIXEL_PNG, readAll, sdkFailure } from './im-test-kit.ts';

/**
 * Forward and merge-forward through the official SDK, unchanged: `message.forward` (with `uuid`),
 * `message.mergeForward` (`invalid_message_id_list`), `message.get` of a merge_forward message
 * listing its copies with `upper_message_id`, and the Feishu codes of what is refused.
 */

describe.each(testEngines())('forwarding through the official SDK (%s)', (engine) => {
  let server: TestServer;
  let alice: { client: WebClient; user: UserView };
  let bob: UserView;
  let client: lark.Client;
  /** The bot's group with Alice. */
  let ops: string;

  const text = (value: string) => JSON.stringify({ text: value });

  async function botSends(chatId: string, msgType: string, content: string): Promise<string> {
    const sent = await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: msgType, content },
    });
    expect(sent.code).toBe(0);
    return sent.data!.message_id!;
  }

  beforeAll(async () => {
    server = await startTestServer({ engine });
    const { admin } = await setUpTenant(server);
    alice = await addSignedInPerson(server, admin, 'Alice');
    bob = (await admin.post<{ user: UserView }>('/api/contact/users', { name: 'Bob', email: 'bob@acme.test' })).body.user;
    ({ client } = await createSdkBot(server, admin, 'Relay Bot'));
    ops = (await client.im.v1.chat.create({ data: { name: 'Ops', user_id_list: [alice.user.openId] } })).data!.chat_id!;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('forwards a message to a person and a chat, de-duplicated by uuid', async () => {
    const original = await botSends(ops, 'text', text(`deploy done <at user_id="${alice.user.openId}">Alice</at>`));
    const toBob = await client.im.v1.message.forward({
      path: { message_id: original },
      params: { receive_id_type: 'open_id', uuid: 'forward-once' },
      data: { receive_id: bob.openId },
    });
    expect(toBob.code).toBe(0);
    expect(toBob.data).toMatchObject({ msg_type: 'text', sender: { sender_type: 'app' }, mentions: [] });
    expect(toBob.data!.message_id).not.toBe(original);
    expect(JSON.parse(toBob.data!.body!.content)).toEqual({ text: 'deploy done @Alice' });
    const again = await client.im.v1.message.forward({
      path: { message_id: original },
      params: { receive_id_type: 'open_id', uuid: 'forward-once' },
      data: { receive_id: bob.openId },
    });
    expect(again.data!.message_id).toBe(toBob.data!.message_id);
    const toChat = await client.im.v1.message.forward({
      path: { message_id: original },
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: ops },
    });
    expect(toChat.data).toMatchObject({ chat_id: ops, msg_type: 'text' });
  });

  it('answers Feishu’s codes for what cannot be forwarded, and stores nothing', async () => {
    // Alice's own group, without the bot: the bot cannot read it.
    const hidden = (await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Private', userIds: [] })).body;
    const secret = (
      await alice.client.post<{ messageId: string }>(`/api/im/chats/${hidden.id}/messages`, { msgType: 'text', content: text('s') })
    ).body.messageId;
    const forward = (messageId: string, receiveId: string, type: 'chat_id' | 'open_id' = 'chat_id') =>
      sdkFailure(
        client.im.v1.message.forward({
          path: { message_id: messageId },
          params: { receive_id_type: type },
          data: { receive_id: receiveId },
        }),
      );
    expect(await forward(secret, ops)).toEqual({ status: 400, code: 230_002 });
    expect(await forward('om_nothing', ops)).toEqual({ status: 400, code: 231_003 });
    const recalled = await botSends(ops, 'text', text('wrong'));
    await client.im.v1.message.delete({ path: { message_id: recalled } });
    expect(await forward(recalled, ops)).toEqual({ status: 400, code: 230_011 });
    // A group where only its owner (Alice) posts.
    const quiet = await client.im.v1.chat.create({
      params: { user_id_type: 'open_id' },
      data: { name: 'Quiet', owner_id: alice.user.openId, user_id_list: [alice.user.openId] },
    });
    await alice.client.patch(`/api/im/chats/${quiet.data!.chat_id}`, { settings: { postPolicy: 'admins' } });
    const original = await botSends(ops, 'text', text('news'));
    expect(await forward(original, quiet.data!.chat_id!)).toEqual({ status: 400, code: 230_027 });
    expect(await forward(original, 'ou_nobody', 'open_id')).toEqual({ status: 400, code: 230_001 });
    expect(
      await sdkFailure(
        client.im.v1.message.forward({
          path: { message_id: original },
          params: { receive_id_type: 'thread_id' },
          data: { receive_id: 'omt_1' },
        }),
      ),
    ).toEqual({ status: 400, code: 230_001 });
    const quietHistory = await client.im.v1.message.list({ params: { container_id_type: 'chat', container_id: quiet.data!.chat_id! } });
    // Nothing but the group's lines: "started the group chat" and the posting setting.
    expect((quietHistory.data?.items ?? []).map((item) => item.msg_type)).toEqual(['system', 'system']);
  });

  it('merge-forwards, lists the ids it left out, and shows the copies through message.get', async () => {
    const image = await client.im.v1.image.create({ data: { image_type: 'message', image: PIXEL_PNG } });
    const imageKey = image!.image_key!;
    const first = await botSends(ops, 'text', text('first'));
    const gone = await botSends(ops, 'text', text('recalled later'));
    const picture = await botSends(ops, 'image', JSON.stringify({ image_key: imageKey }));
    await client.im.v1.message.delete({ path: { message_id: gone } });

    const merged = await client.im.v1.message.mergeForward({
      params: { receive_id_type: 'open_id', uuid: 'merge-once' },
      data: { receive_id: bob.openId, message_id_list: [first, gone, 'om_unknown', picture] },
    });
    expect(merged.code).toBe(0);
    expect(merged.data?.invalid_message_id_list).toEqual([gone, 'om_unknown']);
    const message = merged.data!.message!;
    expect(message).toMatchObject({ msg_type: 'merge_forward', body: { content: 'Merged and Forwarded Message' } });
    const again = await client.im.v1.message.mergeForward({
      params: { receive_id_type: 'open_id', uuid: 'merge-once' },
      data: { receive_id: bob.openId, message_id_list: [first, picture] },
    });
    expect(again.data!.message!.message_id).toBe(message.message_id);

    const got = await client.im.v1.message.get({ path: { message_id: message.message_id! } });
    expect(got.code).toBe(0);
    const [holder, ...copies] = got.data!.items!;
    expect(holder).toMatchObject({ message_id: message.message_id, msg_type: 'merge_forward' });
    expect(holder).not.toHaveProperty('upper_message_id');
    expect(copies.map((copy) => [copy.message_id, copy.msg_type, copy.upper_message_id])).toEqual([
      [first, 'text', message.message_id],
      [picture, 'image', message.message_id],
    ]);
    expect(JSON.parse(copies[0]!.body!.content)).toEqual({ text: 'first' });
    expect(copies[1]!.sender).toMatchObject({ sender_type: 'app', id_type: 'app_id' });
    // The image inside the snapshot reads through the merge_forward message.
    const resource = await client.im.v1.messageResource.get({
      path: { message_id: message.message_id!, file_key: imageKey },
      params: { type: 'image' },
    });
    expect((await readAll(resource.getReadableStream())).equals(PIXEL_PNG)).toBe(true);

    // Nothing usable, or too many: refused.
    expect(
      await sdkFailure(
        client.im.v1.message.mergeForward({
          params: { receive_id_type: 'chat_id' },
          data: { receive_id: ops, message_id_list: [gone] },
        }),
      ),
    ).toEqual({ status: 400, code: 230_001 });
    expect(
      await sdkFailure(
        client.im.v1.message.mergeForward({
          params: { receive_id_type: 'chat_id' },
          data: { receive_id: ops, message_id_list: Array.from({ length: 101 }, () => first) },
        }),
      ),
    ).toEqual({ status: 400, code: 99_992_402 });
  });

  it('forwards a merged history whole, as Feishu’s SDK reads it back', async () => {
    const one = await botSends(ops, 'text', text('one'));
    const two = await botSends(ops, 'text', text('two'));
    const merged = await client.im.v1.message.mergeForward({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: ops, message_id_list: [one, two] },
    });
    const mergedId = merged.data!.message!.message_id!;
    const forwarded = await client.im.v1.message.forward({
      path: { message_id: mergedId },
      params: { receive_id_type: 'open_id' },
      data: { receive_id: bob.openId },
    });
    expect(forwarded.data).toMatchObject({ msg_type: 'merge_forward', body: { content: 'Merged and Forwarded Message' } });
    const got = await client.im.v1.message.get({ path: { message_id: forwarded.data!.message_id! } });
    expect(got.data!.items!.slice(1).map((copy) => [copy.message_id, copy.upper_message_id])).toEqual([
      [one, forwarded.data!.message_id],
      [two, forwarded.data!.message_id],
    ]);
  });
});
