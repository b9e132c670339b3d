import type { Server } from 'node:http';
import type { CardActionResult, MessageView } from '@kite/im/contract';
import type { CardTemplateView } from '@kite/openplatform/contract';
import { createSecondTenant, type SignedIn, type TestServer, testEngines, type WebClient } from '@kite/testing/test-server';
import * as lark from '@larksuiteoapi/node-sdk';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSdkBot,
  listen,
  quietLogger as quiet,
  readContent,
  type SdkBot,
  sdkFailureWithMsg,
  startTwoPeopleAndBots,
} from './im-test-kit.ts';

/**
 * Template cards through the official SDK: an administrator keeps a card template for an app in the
 * console; the app sends it by id (`createByCard`, `replyByCard`, `updateByCard`, `message.patch`
 * and `message.create` with template content) and the chat holds the rendered card, validated and
 * stored like any card — clicks on it call the app back, whose answer may be a template card too.
 * Another app's templates, unknown ids and versions are refused with Feishu's 230099.
 */

const plain = (content: string) => ({ tag: 'plain_text', content });

/** The template as the administrator writes it: text variables, a list variable, a value variable. */
const leaveTemplate = {
  config: { update_multi: true },
  header: { title: plain('Leave of ${name}'), template: 'orange' },
  elements: [
    { tag: 'div', text: { tag: 'lark_md', content: '**${name}** asks for ${days} days: ${reason}' } },
    '${extra}',
    {
      tag: 'action',
      actions: [{ tag: 'button', text: plain('Approve'), type: 'primary', value: { request: '${requestId}', decision: 'approve' } }],
    },
  ],
};

/** What the template renders to with `values` (days defaults to 1). */
function rendered(values: { name: string; reason: string; extra: unknown[]; requestId: unknown; days?: number }, title = 'Leave of') {
  return {
    config: { update_multi: true },
    header: { title: plain(`${title} ${values.name}`), template: 'orange' },
    elements: [
      { tag: 'div', text: { tag: 'lark_md', content: `**${values.name}** asks for ${values.days ?? 1} days: ${values.reason}` } },
      ...values.extra,
      {
        tag: 'action',
        actions: [{ tag: 'button', text: plain('Approve'), type: 'primary', value: { request: values.requestId, decision: 'approve' } }],
      },
    ],
  };
}

describe.each(testEngines())('template cards through the official SDK (%s)', (engine) => {
  let server: TestServer;
  let admin: WebClient;
  let alice: SignedIn;
  let bob: SignedIn;
  let bot: SdkBot;
  let otherBot: SdkBot;
  let hook: Server;
  let template: CardTemplateView;
  let chatId: string;
  const clicks: Array<{ open_id: string; action: { value: Record<string, unknown> } }> = [];

  const templateOf = (appId: string) => `/api/admin/apps/${appId}/card-templates`;
  const contentOf = (messageId: string) => readContent(bot.client, messageId);
  const storedTemplate = async (messageId: string) => {
    const { rows } = await sql<{
      card_template: string | null;
    }>`select card_template from im_message where message_id = ${messageId}`.execute(server.kite.database.db);
    return rows[0]?.card_template ? JSON.parse(rows[0].card_template) : null;
  };
  const messageCount = async () =>
    (await alice.client.get<{ items: MessageView[] }>(`/api/im/chats/${chatId}/messages?limit=100`)).body.items.length;

  beforeAll(async () => {
    // The bot's card request URL (legacy v1): it answers a click with a template card of its own.
    const handler = new lark.CardActionHandler({ verificationToken: 'vt-template', logger: quiet }, async (data: (typeof clicks)[0]) => {
      clicks.push(data);
      return {
        toast: { type: 'success', content: 'Approved' },
        card: {
          type: 'template',
          data: {
            template_id: template.templateId,
            template_variable: { name: 'Ann', reason: 'approved', extra: [], requestId: `done by ${data.open_id}` },
          },
        },
      };
    });
    const listening = await listen(lark.adaptDefault('/card', handler, { autoChallenge: true }));
    hook = listening.server;
    ({
      server,
      admin,
      alice,
      bob,
      bots: { hr: bot, other: otherBot },
    } = await startTwoPeopleAndBots(
      { engine },
      { hr: { name: 'HR bot', cardUrl: `${listening.url}/card`, verificationToken: 'vt-template' }, other: { name: 'Other bot' } },
    ));
    const created = await admin.post<CardTemplateView>(templateOf(bot.appId), {
      name: 'Leave',
      card: leaveTemplate,
      defaults: { days: 1 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    template = created.body;
    const chat = await bot.client.im.v1.chat.create({
      data: { name: 'Leave requests', user_id_list: [alice.user.openId, bob.user.openId], bot_id_list: [otherBot.appId] },
    });
    chatId = chat.data!.chat_id!;
  });

  afterAll(async () => {
    await server?.close();
    await new Promise((resolve) => hook?.close(resolve));
  });

  it('sends a template with createByCard: variables land safely, lists splice in, the rendered card is stored', async () => {
    const values = {
      name: 'Ann "the boss" \\ O\'Neil\n',
      reason: '</div><script>alert(1)</script> ${days} {"json": true}',
      extra: [{ tag: 'hr' }, { tag: 'note', elements: [plain('from HR')] }],
      requestId: { id: 42, kind: 'annual' },
    };
    const sent = await bot.client.im.v1.message.createByCard({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, template_id: template.templateId, template_variable: values },
    });
    expect(sent.code, sent.msg).toBe(0);
    const messageId = sent.data!.message_id!;
    expect(sent.data!.msg_type).toBe('interactive');
    expect(await contentOf(messageId)).toEqual(rendered(values));
    expect(await storedTemplate(messageId)).toEqual({ template_id: template.templateId, template_version_name: '1.0.0' });

    // People see the same card, and find it by its rendered words.
    const history = await alice.client.get<{ items: MessageView[] }>(`/api/im/chats/${chatId}/messages`);
    expect(JSON.parse(history.body.items.find((item) => item.messageId === messageId)!.content)).toEqual(rendered(values));
    const found = await alice.client.get<{ items: Array<{ message: { messageId: string } }> }>('/api/im/search?q=O%27Neil');
    expect(found.body.items.map((hit) => hit.message.messageId)).toEqual([messageId]);
  });

  it('renders the newest version unless a send names one; reply, update (PUT) and patch render templates too', async () => {
    const published = await admin.post<CardTemplateView>(`${templateOf(bot.appId)}/${template.templateId}/versions`, {
      card: { ...leaveTemplate, header: { title: plain('Request by ${name}'), template: 'orange' } },
      defaults: { days: 2 },
    });
    expect(published.body.latest.versionName).toBe('1.0.1');
    const values = { name: 'Ben', reason: 'moving', extra: [], requestId: 'r-7' };
    const newest = await bot.client.im.v1.message.createByCard({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, template_id: template.templateId, template_variable: values },
    });
    expect(await contentOf(newest.data!.message_id!)).toEqual(rendered({ ...values, days: 2 }, 'Request by'));

    // Pinned to 1.0.0 with Feishu's template_version_name (content written by hand, as the SDK has no field for it).
    const pinned = await bot.client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: {
        receive_id: chatId,
        msg_type: 'interactive',
        content: JSON.stringify({
          type: 'template',
          data: { template_id: template.templateId, template_version_name: '1.0.0', template_variable: values },
        }),
      },
    });
    expect(pinned.code, pinned.msg).toBe(0);
    expect(await contentOf(pinned.data!.message_id!)).toEqual(rendered(values));
    expect(await storedTemplate(pinned.data!.message_id!)).toEqual({ template_id: template.templateId, template_version_name: '1.0.0' });

    const reply = await bot.client.im.v1.message.replyByCard({
      path: { message_id: pinned.data!.message_id! },
      data: { template_id: template.templateId, template_variable: { ...values, name: 'Cy' } },
    });
    expect(reply.code, reply.msg).toBe(0);
    expect(reply.data!.parent_id).toBe(pinned.data!.message_id);
    expect(await contentOf(reply.data!.message_id!)).toEqual(rendered({ ...values, name: 'Cy', days: 2 }, 'Request by'));

    const updated = await bot.client.im.v1.message.updateByCard({
      path: { message_id: pinned.data!.message_id! },
      data: { template_id: template.templateId, template_variable: { ...values, name: 'Dee' } },
    });
    expect(updated.code, updated.msg).toBe(0);
    expect(await contentOf(pinned.data!.message_id!)).toEqual(rendered({ ...values, name: 'Dee', days: 2 }, 'Request by'));

    const patched = await bot.client.im.v1.message.patch({
      path: { message_id: pinned.data!.message_id! },
      data: {
        content: JSON.stringify({ type: 'template', data: { template_id: template.templateId, template_variable: { name: 'Eve' } } }),
      },
    });
    expect(patched.code).toBe(0);
    expect(await contentOf(pinned.data!.message_id!)).toEqual(
      rendered({ name: 'Eve', reason: '', extra: [], requestId: '', days: 2 }, 'Request by'),
    );
    // A raw card patched over it is no template card any more.
    await bot.client.im.v1.message.patch({
      path: { message_id: pinned.data!.message_id! },
      data: { content: JSON.stringify({ elements: [{ tag: 'markdown', content: 'raw' }] }) },
    });
    expect(await storedTemplate(pinned.data!.message_id!)).toBeNull();
  });

  it('calls the app back on a template card like on any card, and renders the template card it answers', async () => {
    const values = { name: 'Fay', reason: 'wedding', extra: [], requestId: 'r-9' };
    const sent = await bot.client.im.v1.message.createByCard({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, template_id: template.templateId, template_variable: values },
    });
    const messageId = sent.data!.message_id!;
    const answer = await bob.client.post<CardActionResult>(`/api/im/messages/${messageId}/card-actions`, {
      tag: 'button',
      value: { request: 'r-9', decision: 'approve' },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(clicks.at(-1)).toMatchObject({ open_id: bob.user.openId, action: { value: { request: 'r-9', decision: 'approve' } } });
    expect(answer.body.toast).toEqual({ type: 'success', content: 'Approved' });
    const expected = rendered(
      { name: 'Ann', reason: 'approved', extra: [], requestId: `done by ${bob.user.openId}`, days: 2 },
      'Request by',
    );
    expect(JSON.parse(answer.body.message!.content)).toEqual(expected);
    expect(await contentOf(messageId)).toEqual(expected);
    // A value the template did not render is a forged click, as on any card.
    const forged = await bob.client.post<{ error: { code: string } }>(`/api/im/messages/${messageId}/card-actions`, {
      tag: 'button',
      value: { request: '${requestId}', decision: 'approve' },
    });
    expect(forged.body.error.code).toBe('card_action_invalid');
  });

  it('refuses unknown templates and versions, another app’s or tenant’s, and bad variables — with 230099, storing nothing', async () => {
    const before = await messageCount();
    const send = (client: lark.Client, data: Record<string, unknown>) =>
      sdkFailureWithMsg(
        client.im.v1.message.create({
          params: { receive_id_type: 'chat_id' },
          data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify({ type: 'template', data }) },
        }),
      );
    const variables = { name: 'X' };
    const unknown = await send(bot.client, { template_id: 'AAzzzzzzzzzzz', template_variable: variables });
    expect(unknown).toMatchObject({ status: 400, code: 230_099 });
    expect(unknown.msg).toContain('Failed to create card content');
    expect(await send(bot.client, { template_id: 'not-a-template-id' })).toMatchObject({ status: 400, code: 230_099 });
    const version = await send(bot.client, { template_id: template.templateId, template_version_name: '9.9.9' });
    expect(version).toMatchObject({ status: 400, code: 230_099 });
    expect(version.msg).toContain('version 9.9.9');
    // Another app of the same tenant, in the same chat, does not see this app's template.
    const other = await sdkFailureWithMsg(
      otherBot.client.im.v1.message.createByCard({
        params: { receive_id_type: 'chat_id' },
        data: { receive_id: chatId, template_id: template.templateId, template_variable: variables },
      }),
    );
    expect(other).toMatchObject({ status: 400, code: 230_099 });
    // A list where the template writes text.
    const misfit = await send(bot.client, { template_id: template.templateId, template_variable: { name: ['a', 'b'] } });
    expect(misfit).toMatchObject({ status: 400, code: 230_099 });
    expect(misfit.msg).toContain('Variable name is a list or an object');
    // Malformed template content, and too big a result.
    expect(await send(bot.client, { template_variable: variables })).toMatchObject({ status: 400, code: 230_001 });
    expect(
      await send(bot.client, { template_id: template.templateId, template_variable: { reason: 'x'.repeat(31 * 1024) } }),
    ).toMatchObject({ status: 400, code: 230_025 });
    // People send no templates (a template belongs to its app).
    const byHand = await alice.client.post<{ error: { code: string } }>(`/api/im/chats/${chatId}/messages`, {
      msgType: 'interactive',
      content: JSON.stringify({ type: 'template', data: { template_id: template.templateId } }),
    });
    expect({ status: byHand.status, code: byHand.body.error.code }).toEqual({ status: 400, code: 'card_template_invalid' });
    expect(await messageCount()).toBe(before);

    // A deleted template is unknown from then on.
    const doomed = await admin.post<CardTemplateView>(templateOf(bot.appId), { name: 'Doomed', card: leaveTemplate });
    await admin.delete(`${templateOf(bot.appId)}/${doomed.body.templateId}`);
    expect(await send(bot.client, { template_id: doomed.body.templateId })).toMatchObject({ status: 400, code: 230_099 });

    // Another tenant's app with the same template id gets nothing either.
    const tenant = await createSecondTenant(server);
    const stranger = await createSdkBot(server, tenant.admin, 'Stranger');
    const strangerChat = await stranger.client.im.v1.chat.create({ data: { name: 'Elsewhere' } });
    const elsewhere = await sdkFailureWithMsg(
      stranger.client.im.v1.message.createByCard({
        params: { receive_id_type: 'chat_id' },
        data: { receive_id: strangerChat.data!.chat_id!, template_id: template.templateId },
      }),
    );
    expect(elsewhere).toMatchObject({ status: 400, code: 230_099 });
  });
});
