import type { DepartmentView, GroupView, UserView } from '@kite/contact/contract';
import type { AuditEntryView } from '@kite/platform/audit';
import { createSecondTenant, setUpTenant, startTestServer, type TestServer, testEngines, WebClient } from '@kite/testing/test-server';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

/**
 * Two tenants on one server. Tenant B's administrator, B's app and B's user tokens try every route
 * against tenant A's objects: each answer must be 404/403 or carry none of A's data, and A must be
 * unchanged afterwards. A route registered later under /api or /open-apis fails the coverage check
 * below until it gets a probe here.
 */

interface TenantFixture {
  admin: WebClient;
  tenantId: string;
  adminEmail: string;
  user: UserView;
  userPassword: string;
  department: DepartmentView;
  group: GroupView;
  invitation: { id: string; token: string };
  app: { appId: string; appSecret: string };
  tenantToken: string;
  personalToken: { id: string; token: string };
  oidc: { accessToken: string; refreshToken: string };
  chat: { id: string; chatId: string };
  message: { id: string; messageId: string };
  /** The thread (`omt_…`) a reply in thread started on `message`. */
  threadId: string;
  /** An image and a file sent in `chat` (message `imageMessage`). */
  imageKey: string;
  fileKey: string;
  imageMessage: string;
  /** A custom bot in `chat`. */
  webhookBot: { id: string; url: string };
  /** A card template of `app`. */
  cardTemplateId: string;
  /** A card only `user` sees, which `app` sent in a group of its own. */
  ephemeral: { chatId: string; messageId: string };
}

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

interface Probe {
  /** The route pattern as registered, e.g. `PATCH /api/contact/users/:id`. */
  route: string;
  method: string;
  path: string;
  body?: unknown;
  /** Expected HTTP status; lists answer 200 without A's data. */
  status: number | number[];
  /** Send the B tenant token (open-apis) instead of B's session cookie. */
  auth?: 'session' | 'tenant-token' | 'user-token' | 'none';
  check?(body: unknown): void;
}

/** Routes whose answer does not depend on a tenant's objects. */
const NOT_TENANT_SCOPED: Record<string, string> = {
  'POST /api/setup': 'first-run only; 409 once any tenant exists',
  'GET /api/setup/status': 'a boolean',
  'POST /api/auth/login': 'by e-mail and password',
  'POST /api/_cli': 'loopback admin channel with the data-dir secret',
  'GET /api/invitations/:token': 'public: the link itself is the credential',
  'POST /api/invitations/:token/accept': 'public: the link itself is the credential',
  // Probed below with a made-up token: the token names its bot, chat and tenant; no session or app token counts.
  'POST /open-apis/bot/v2/hook/:token': 'public: a custom bot’s hook, the URL’s token is the credential',
};

/** (method, path) pairs of every registered route, from Fastify's route tree. */
function registeredRoutes(tree: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+) \(([A-Z, ]+)\)/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack[depth] = match[2]!;
    const path = stack.join('');
    for (const method of match[3]!.split(', ')) if (method !== 'HEAD') routes.push(`${method} ${path}`);
  }
  return routes;
}

async function tenantToken(baseUrl: string, appId: string, appSecret: string): Promise<string> {
  const response = await fetch(`${baseUrl}/open-apis/auth/v3/tenant_access_token/internal`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ app_id: appId, app_secret: appSecret }),
  });
  const body = (await response.json()) as { code: number; tenant_access_token: string };
  expect(body.code).toBe(0);
  return body.tenant_access_token;
}

async function openApi(baseUrl: string, token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

describe.each(testEngines())('tenant isolation (%s)', (engine) => {
  let server: TestServer;
  let a: TenantFixture;
  let b: TenantFixture;

  /** Everything a tenant owns, through its own administrator. */
  async function build(admin: WebClient, tenantId: string, adminEmail: string, prefix: string): Promise<TenantFixture> {
    const department = (
      await admin.post<DepartmentView>('/api/contact/departments', { name: `${prefix} Department`, departmentId: 'SAME-ID' })
    ).body;
    const userPassword = `${prefix.toLowerCase()}-user-password`;
    const created = await admin.post<{ user: UserView }>('/api/contact/users', {
      name: `${prefix} Person`,
      email: `person@${prefix.toLowerCase()}.test`,
      mobile: prefix === 'Alpha' ? '13100000001' : '13100000002',
      employeeId: `${prefix}-E1`,
      departmentIds: [department.id],
      password: userPassword,
    });
    expect(created.status).toBe(200);
    const user = created.body.user;
    const group = (await admin.post<GroupView>('/api/contact/groups', { name: `${prefix} Group` })).body;
    await admin.post(`/api/contact/groups/${group.id}/members`, { userIds: [user.id] });
    const invitation = (await admin.post<{ id: string; token: string }>('/api/admin/invitations', { departmentId: department.id })).body;
    const app = await admin.post<{ app: { appId: string }; appSecret: string }>('/api/admin/apps', {
      name: `${prefix} App`,
      redirectUrls: ['http://app.test/cb'],
    });
    expect(app.status).toBe(200);
    const appId = app.body.app.appId;
    const token = await tenantToken(server.url, appId, app.body.appSecret);

    // A personal access token, issued the way `kite token` does it on a running server.
    const cli = await fetch(`${server.url}/api/_cli`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-kite-admin-secret': 'test-admin-secret' },
      body: JSON.stringify({ command: 'token', app: appId, user: user.email, name: `${prefix} script` }),
    });
    const personal = (await cli.json()) as { user_access_token: string };
    const tokens = await admin.get<{ items: Array<{ id: string }> }>('/api/admin/tokens');

    // An OIDC user token for the same user.
    const userClient = new WebClient(server.url);
    await userClient.login(user.email!, userPassword);
    const authorize = await userClient.get(
      `/open-apis/authen/v1/authorize?app_id=${appId}&redirect_uri=${encodeURIComponent('http://app.test/cb')}`,
    );
    const code = new URL(authorize.headers.get('location')!).searchParams.get('code')!;
    const exchanged = await openApi(server.url, token, 'POST', '/open-apis/authen/v1/oidc/access_token', {
      grant_type: 'authorization_code',
      code,
    });
    const data = exchanged.body.data as { access_token: string; refresh_token: string };

    // A group chat with a message and a reaction in it.
    const chat = (
      await admin.post<{ id: string; chatId: string }>('/api/im/chats', { chatType: 'group', name: `${prefix} Chat`, userIds: [user.id] })
    ).body;
    const message = (
      await admin.post<{ id: string; messageId: string }>(`/api/im/chats/${chat.id}/messages`, {
        msgType: 'text',
        content: JSON.stringify({ text: `${prefix} secret plan` }),
      })
    ).body;
    await admin.post(`/api/im/messages/${message.id}/reactions`, { emojiType: 'OK' });
    const threadReply = await admin.post<{ threadId: string }>(`/api/im/chats/${chat.id}/messages`, {
      msgType: 'text',
      content: JSON.stringify({ text: `${prefix} secret thread` }),
      parentId: message.id,
      replyInThread: true,
    });
    expect(threadReply.body.threadId).toMatch(/^omt_/);
    // Pinned, and its user buzzed about it.
    expect((await admin.post(`/api/im/messages/${message.id}/pin`)).status).toBe(200);
    expect((await admin.post(`/api/im/messages/${message.id}/urgent`, { userIds: [user.id] })).status).toBe(200);
    // An image and a file in that chat.
    const uploadAs = async (kind: 'images' | 'files', name: string, body: Buffer) => {
      const response = await fetch(`${server.url}/api/im/${kind}?name=${name}`, {
        method: 'POST',
        headers: { cookie: admin.cookieHeader(), 'x-csrf-token': admin.csrfToken, 'content-type': 'application/octet-stream' },
        body: new Uint8Array(body),
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { key: string }).key;
    };
    const imageKey = await uploadAs('images', `${prefix}.png`, PNG);
    const fileKey = await uploadAs('files', `${prefix}.txt`, Buffer.from(`${prefix} secret file`));
    const imageMessage = (
      await admin.post<{ messageId: string }>(`/api/im/chats/${chat.id}/messages`, {
        msgType: 'image',
        content: JSON.stringify({ image_key: imageKey }),
      })
    ).body.messageId;
    await admin.post(`/api/im/chats/${chat.id}/messages`, { msgType: 'file', content: JSON.stringify({ file_key: fileKey }) });
    const webhook = (
      await admin.post<{ bot: { id: string }; webhookUrl: string }>(`/api/im/chats/${chat.id}/webhooks`, { name: `${prefix} Alerts` })
    ).body;
    const cardTemplate = await admin.post<{ templateId: string }>(`/api/admin/apps/${appId}/card-templates`, {
      name: `${prefix} Template`,
      card: { elements: [{ tag: 'markdown', content: `${prefix} secret \${plan}` }] },
    });
    expect(cardTemplate.status).toBe(200);
    // The app's own group with the user, and a card only the user sees there.
    const botChat = await openApi(server.url, token, 'POST', '/open-apis/im/v1/chats', {
      name: `${prefix} Bot chat`,
      user_id_list: [user.openId],
    });
    const botChatId = (botChat.body.data as { chat_id: string }).chat_id;
    const ephemeral = await openApi(server.url, token, 'POST', '/open-apis/ephemeral/v1/send', {
      chat_id: botChatId,
      msg_type: 'interactive',
      open_id: user.openId,
      card: { elements: [{ tag: 'markdown', content: `${prefix} secret card` }] },
    });
    expect(ephemeral.body.code).toBe(0);

    return {
      admin,
      tenantId,
      adminEmail,
      user,
      userPassword,
      department,
      group,
      invitation,
      app: { appId, appSecret: app.body.appSecret },
      tenantToken: token,
      personalToken: { id: tokens.body.items[0]!.id, token: personal.user_access_token },
      oidc: { accessToken: data.access_token, refreshToken: data.refresh_token },
      chat: { id: chat.id, chatId: chat.chatId },
      message: { id: message.id, messageId: message.messageId },
      threadId: threadReply.body.threadId,
      imageKey,
      fileKey,
      imageMessage,
      webhookBot: { id: webhook.bot.id, url: webhook.webhookUrl },
      cardTemplateId: cardTemplate.body.templateId,
      ephemeral: { chatId: botChatId, messageId: (ephemeral.body.data as { message_id: string }).message_id },
    };
  }

  /** Strings that only tenant A's data contains. */
  function markersOfA(): string[] {
    return [
      a.tenantId,
      'Alpha',
      a.adminEmail,
      a.user.id,
      a.user.openId,
      a.user.unionId,
      a.user.email!,
      a.department.id,
      a.department.openDepartmentId,
      a.group.id,
      a.group.groupId,
      a.invitation.id,
      a.invitation.token,
      a.app.appId,
      a.personalToken.id,
      a.chat.id,
      a.chat.chatId,
      a.message.id,
      a.message.messageId,
      a.threadId,
      a.imageKey,
      a.fileKey,
      a.imageMessage,
      a.webhookBot.id,
      a.webhookBot.url.split('/').pop()!,
      a.cardTemplateId,
    ];
  }

  /**
   * An app's card templates (console) with A's app and template, and B's own app with A's template
   * id; Feishu's delayed card update with B's tenant token.
   */
  function cardTemplateProbes(): Probe[] {
    const card = { elements: [{ tag: 'markdown', content: 'Beta was here' }] };
    const route = (path: string) => `/api/admin/apps/:appId/card-templates${path}`;
    return [a.app.appId, b.app.appId].flatMap((appId): Probe[] => {
      const templates = `/api/admin/apps/${appId}/card-templates`;
      const template = `${templates}/${a.cardTemplateId}`;
      return [
        ...(appId === a.app.appId
          ? [
              { route: `GET ${route('')}`, method: 'GET', path: templates, status: 404 },
              { route: `POST ${route('')}`, method: 'POST', path: templates, body: { name: 'Beta spy', card }, status: 404 },
            ]
          : []),
        { route: `GET ${route('/:templateId')}`, method: 'GET', path: template, status: 404 },
        { route: `PATCH ${route('/:templateId')}`, method: 'PATCH', path: template, body: { name: 'Owned' }, status: 404 },
        { route: `DELETE ${route('/:templateId')}`, method: 'DELETE', path: template, status: 404 },
        { route: `POST ${route('/:templateId/versions')}`, method: 'POST', path: `${template}/versions`, body: { card }, status: 404 },
        { route: `GET ${route('/:templateId/versions/:versionName')}`, method: 'GET', path: `${template}/versions/1.0.0`, status: 404 },
      ];
    });
  }

  /** Messenger routes with A's chat and message ids of both kinds (internal id and oc_/om_). */
  function imProbes(): Probe[] {
    const uA = a.user;
    const chats = [a.chat.id, a.chat.chatId];
    const messages = [a.message.id, a.message.messageId];
    const text = JSON.stringify({ text: 'Beta was here' });
    const internal = (route: string, method: string, path: string, body?: unknown, status: number | number[] = 404): Probe => ({
      route: `${method} /api/im/${route}`,
      method,
      path: `/api/im/${path}`,
      ...(body === undefined ? {} : { body }),
      status,
    });
    const open = (route: string, method: string, path: string, body?: unknown, status: number | number[] = 400): Probe => ({
      route: `${method} /open-apis/im/v1/${route}`,
      method,
      path: `/open-apis/im/v1/${path}`,
      ...(body === undefined ? {} : { body }),
      status,
      auth: 'tenant-token',
    });
    return [
      internal('chats', 'GET', 'chats?limit=100', undefined, 200),
      internal('chats', 'POST', 'chats', { chatType: 'p2p', userId: uA.id }),
      internal('chats', 'POST', 'chats', { chatType: 'group', name: 'Beta spy', userIds: [uA.id] }),
      internal('search', 'GET', 'search?q=secret', undefined, 200),
      internal('department-chats', 'POST', 'department-chats', { departmentId: a.department.id }),
      internal('settings', 'GET', 'settings', undefined, 200),
      internal('settings', 'PUT', 'settings', { retentionDays: null }, 200),
      // A person's own settings: B's people reach their own row only (A's stay as they were).
      internal('user-settings', 'GET', 'user-settings', undefined, 200),
      internal('user-settings', 'PATCH', 'user-settings', { desktopNotifications: false, sound: false }, 200),
      internal('search', 'GET', `search?q=secret&chatId=${a.chat.id}`),
      internal('search', 'GET', `search?q=secret&chatId=${a.chat.chatId}`),
      internal('search', 'GET', `search?q=Alpha&senderId=${uA.id}&from=2000-01-01T00:00:00Z`, undefined, 200),
      ...chats.flatMap((id) => [
        internal('chats/:id', 'GET', `chats/${id}`),
        internal('chats/:id', 'PATCH', `chats/${id}`, { name: 'Owned' }),
        internal('chats/:id', 'DELETE', `chats/${id}`),
        internal('chats/:id/leave', 'POST', `chats/${id}/leave`, {}),
        internal('chats/:id/transfer', 'POST', `chats/${id}/transfer`, { userId: uA.id }),
        internal('chats/:id/members', 'GET', `chats/${id}/members`),
        internal('chats/:id/members', 'POST', `chats/${id}/members`, { userIds: [uA.id] }),
        internal('chats/:id/members', 'DELETE', `chats/${id}/members`, { userIds: [uA.id] }),
        internal('chats/:id/admins', 'POST', `chats/${id}/admins`, { userIds: [uA.id] }),
        internal('chats/:id/admins', 'DELETE', `chats/${id}/admins`, { userIds: [uA.id] }),
        internal('chats/:id/me', 'PATCH', `chats/${id}/me`, { pinned: true }),
        internal('chats/:id/read', 'POST', `chats/${id}/read`, { seq: 1 }),
        ...messages.map((root) => internal('chats/:id/threads/:rootId/read', 'POST', `chats/${id}/threads/${root}/read`, { seq: 99 })),
        internal('chats/:id/messages', 'GET', `chats/${id}/messages`),
        internal('chats/:id/messages', 'POST', `chats/${id}/messages`, { msgType: 'text', content: text }),
        internal('chats/:id/webhooks', 'GET', `chats/${id}/webhooks`),
        internal('chats/:id/webhooks', 'POST', `chats/${id}/webhooks`, { name: 'Beta spy' }),
        internal('chats/:id/urgent', 'GET', `chats/${id}/urgent`),
        internal('chats/:id/pins', 'GET', `chats/${id}/pins`),
      ]),
      internal('webhooks/:id', 'PATCH', `webhooks/${a.webhookBot.id}`, { name: 'Owned' }),
      internal('webhooks/:id', 'DELETE', `webhooks/${a.webhookBot.id}`),
      internal('webhooks/:id/reset', 'POST', `webhooks/${a.webhookBot.id}/reset`, { what: 'url' }),
      {
        route: 'POST /open-apis/bot/v2/hook/:token',
        method: 'POST',
        path: `/open-apis/bot/v2/hook/${'0'.repeat(40)}`,
        body: { msg_type: 'text', content: { text: 'Beta was here' } },
        status: 404,
        auth: 'none',
      },
      ...messages.flatMap((id) => [
        internal('messages/:id', 'PATCH', `messages/${id}`, { content: text }),
        internal('messages/:id/recall', 'POST', `messages/${id}/recall`, {}),
        internal('messages/:id/reactions', 'POST', `messages/${id}/reactions`, { emojiType: 'OK' }),
        internal('messages/:id/reactions', 'DELETE', `messages/${id}/reactions`, { emojiType: 'OK' }),
        internal('messages/:id/read-users', 'GET', `messages/${id}/read-users`),
        internal('messages/:id/reactors', 'GET', `messages/${id}/reactors?emojiType=OK`),
        internal('messages/:id/card-actions', 'POST', `messages/${id}/card-actions`, { tag: 'button', value: {} }),
        internal('messages/:id/urgent', 'GET', `messages/${id}/urgent`),
        internal('messages/:id/urgent', 'POST', `messages/${id}/urgent`, { userIds: [uA.id] }),
        internal('messages/:id/urgent/acknowledge', 'POST', `messages/${id}/urgent/acknowledge`, {}),
        internal('messages/:id/pin', 'POST', `messages/${id}/pin`, {}),
        internal('messages/:id/pin', 'DELETE', `messages/${id}/pin`),
        internal('messages/:id/forward', 'POST', `messages/${id}/forward`, { chatIds: [b.chat.id] }),
        internal('messages/:id/merged', 'GET', `messages/${id}/merged`),
        internal('messages/merge-forward', 'POST', 'messages/merge-forward', { messageIds: [id], chatIds: [b.chat.id] }),
        // A's thread root read through B's own chat.
        internal('chats/:id/threads/:rootId/read', 'POST', `chats/${b.chat.id}/threads/${id}/read`, { seq: 99 }),
      ]),
      internal('urgent', 'GET', 'urgent', undefined, 200),
      // Forwarding B's own message into A's chat or to A's person.
      internal('messages/:id/forward', 'POST', `messages/${b.message.id}/forward`, { chatIds: [a.chat.id] }),
      internal('messages/:id/forward', 'POST', `messages/${b.message.id}/forward`, { userIds: [uA.id] }),
      internal('messages/merge-forward', 'POST', 'messages/merge-forward', { messageIds: [b.message.id], chatIds: [a.chat.chatId] }),
      open('chats', 'POST', 'chats', { name: 'Beta spy', user_id_list: [uA.openId] }),
      open('chats', 'GET', 'chats?page_size=100', undefined, 200),
      open('chats/search', 'GET', 'chats/search?query=Alpha', undefined, 200),
      open('chats/:chat_id', 'GET', `chats/${a.chat.chatId}`),
      open('chats/:chat_id', 'PUT', `chats/${a.chat.chatId}`, { name: 'Owned' }),
      open('chats/:chat_id', 'DELETE', `chats/${a.chat.chatId}`),
      open('chats/:chat_id/members', 'GET', `chats/${a.chat.chatId}/members`),
      open('chats/:chat_id/members', 'POST', `chats/${a.chat.chatId}/members`, { id_list: [b.user.openId] }),
      open('chats/:chat_id/members', 'DELETE', `chats/${a.chat.chatId}/members`, { id_list: [uA.openId] }),
      open('chats/:chat_id/members/is_in_chat', 'GET', `chats/${a.chat.chatId}/members/is_in_chat`),
      open('chats/:chat_id/announcement', 'GET', `chats/${a.chat.chatId}/announcement`),
      open('chats/:chat_id/announcement', 'PATCH', `chats/${a.chat.chatId}/announcement`, { revision: '0', requests: [] }),
      open('chats/:chat_id/moderation', 'GET', `chats/${a.chat.chatId}/moderation`),
      open('chats/:chat_id/moderation', 'PUT', `chats/${a.chat.chatId}/moderation`, { moderation_setting: 'only_owner' }),
      open('chats/:chat_id/managers/add_managers', 'POST', `chats/${a.chat.chatId}/managers/add_managers`, {
        manager_ids: [b.user.openId],
      }),
      open('chats/:chat_id/managers/delete_managers', 'POST', `chats/${a.chat.chatId}/managers/delete_managers`, {
        manager_ids: [uA.openId],
      }),
      open('messages', 'POST', 'messages?receive_id_type=chat_id', { receive_id: a.chat.chatId, msg_type: 'text', content: text }),
      open('messages', 'POST', 'messages?receive_id_type=open_id', { receive_id: uA.openId, msg_type: 'text', content: text }),
      open('messages', 'POST', 'messages?receive_id_type=email', { receive_id: uA.email, msg_type: 'text', content: text }),
      open('messages', 'GET', `messages?container_id_type=chat&container_id=${a.chat.chatId}`),
      open('messages', 'GET', `messages?container_id_type=thread&container_id=${a.threadId}`),
      open('messages/:message_id', 'GET', `messages/${a.message.messageId}`),
      open('messages/:message_id', 'PATCH', `messages/${a.message.messageId}`, { content: text }),
      open('messages/:message_id', 'PUT', `messages/${a.message.messageId}`, { msg_type: 'text', content: text }),
      open('messages/:message_id', 'DELETE', `messages/${a.message.messageId}`),
      open('messages/:message_id/reply', 'POST', `messages/${a.message.messageId}/reply`, { msg_type: 'text', content: text }),
      open('messages/:message_id/reply', 'POST', `messages/${a.message.messageId}/reply`, {
        msg_type: 'text',
        content: text,
        reply_in_thread: true,
      }),
      open('messages/:message_id/read_users', 'GET', `messages/${a.message.messageId}/read_users`),
      open('messages/:message_id/reactions', 'GET', `messages/${a.message.messageId}/reactions`),
      open('messages/:message_id/reactions', 'POST', `messages/${a.message.messageId}/reactions`, { reaction_type: { emoji_type: 'OK' } }),
      open('messages/:message_id/reactions/:reaction_id', 'DELETE', `messages/${a.message.messageId}/reactions/r1`),
      open('messages/:message_id/urgent_app', 'PATCH', `messages/${a.message.messageId}/urgent_app`, { user_id_list: [uA.openId] }),
      open('messages/:message_id/urgent_sms', 'PATCH', `messages/${a.message.messageId}/urgent_sms`, { user_id_list: [uA.openId] }),
      open('messages/:message_id/urgent_phone', 'PATCH', `messages/${a.message.messageId}/urgent_phone`, { user_id_list: [uA.openId] }),
      open('pins', 'POST', 'pins', { message_id: a.message.messageId }),
      open('pins', 'GET', `pins?chat_id=${a.chat.chatId}`),
      open('pins/:message_id', 'DELETE', `pins/${a.message.messageId}`),
      open('messages/:message_id/forward', 'POST', `messages/${a.message.messageId}/forward?receive_id_type=chat_id`, {
        receive_id: b.chat.chatId,
      }),
      open('messages/:message_id/forward', 'POST', `messages/${b.message.messageId}/forward?receive_id_type=chat_id`, {
        receive_id: a.chat.chatId,
      }),
      open('messages/:message_id/forward', 'POST', `messages/${b.message.messageId}/forward?receive_id_type=thread_id`, {
        receive_id: a.threadId,
      }),
      open('messages/merge_forward', 'POST', 'messages/merge_forward?receive_id_type=thread_id', {
        receive_id: a.threadId,
        message_id_list: [b.message.messageId],
      }),
      open('messages/merge_forward', 'POST', 'messages/merge_forward?receive_id_type=chat_id', {
        receive_id: b.chat.chatId,
        message_id_list: [a.message.messageId, a.imageMessage],
      }),
      open('messages/merge_forward', 'POST', 'messages/merge_forward?receive_id_type=open_id', {
        receive_id: uA.openId,
        message_id_list: [b.message.messageId],
      }),
      // Images and files: A's keys are unknown to B everywhere; B's uploads land in B.
      internal('images', 'POST', 'images?name=spy.png', {}, 400),
      internal('files', 'POST', 'files?name=spy.txt', {}, 200),
      internal('resources/:key', 'GET', `resources/${a.imageKey}`),
      internal('resources/:key', 'GET', `resources/${a.fileKey}`),
      open('images', 'POST', 'images', { image_type: 'message' }),
      open('files', 'POST', 'files', { file_type: 'stream', file_name: 'spy.txt' }),
      open('images/:image_key', 'GET', `images/${a.imageKey}`),
      open('files/:file_key', 'GET', `files/${a.fileKey}`),
      open('messages/:message_id/resources/:file_key', 'GET', `messages/${a.imageMessage}/resources/${a.imageKey}?type=image`),
      open('messages/:message_id/resources/:file_key', 'GET', `messages/${a.message.messageId}/resources/${a.fileKey}?type=file`),
      open('messages', 'POST', 'messages?receive_id_type=chat_id', {
        receive_id: b.chat.chatId,
        msg_type: 'image',
        content: JSON.stringify({ image_key: a.imageKey }),
      }),
    ];
  }

  async function snapshotOfA() {
    await server.kite.dispatcher.settle();
    const get = async (path: string) => (await a.admin.get(path)).body;
    return {
      users: await get('/api/contact/users?status=all&limit=200'),
      departments: await get('/api/contact/departments'),
      groups: await get('/api/contact/groups'),
      members: await get(`/api/contact/groups/${a.group.id}/members`),
      invitations: await get('/api/admin/invitations'),
      apps: await get('/api/admin/apps'),
      cardTemplates: await get(`/api/admin/apps/${a.app.appId}/card-templates`),
      cardTemplate: await get(`/api/admin/apps/${a.app.appId}/card-templates/${a.cardTemplateId}`),
      tokens: await get('/api/admin/tokens'),
      audit: await get('/api/admin/audit?limit=200'),
      user: await get(`/api/contact/users/${a.user.id}`),
      chat: await get(`/api/im/chats/${a.chat.id}`),
      messages: await get(`/api/im/chats/${a.chat.id}/messages`),
      ephemeral: (
        await sql`select message_id, user_id, content from im_ephemeral_message where tenant_id = ${a.tenantId}`.execute(
          server.kite.database.db,
        )
      ).rows,
      chatMembers: await get(`/api/im/chats/${a.chat.id}/members`),
      webhookBots: await get(`/api/im/chats/${a.chat.id}/webhooks`),
      pins: await get(`/api/im/chats/${a.chat.id}/pins`),
      urgent: await get(`/api/im/messages/${a.message.id}/urgent`),
      userSettings: await get('/api/im/user-settings'),
    };
  }

  beforeAll(async () => {
    server = await startTestServer({ engine });
    const first = await setUpTenant(server, { tenantName: 'Alpha Corp', adminEmail: 'admin@alpha.test' });
    a = await build(first.admin, first.tenant.id, first.email, 'Alpha');
    const second = await createSecondTenant(server, 'Beta Corp');
    b = await build(second.admin, second.tenantId, second.email, 'Beta');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses every internal and open-platform route on the other tenant’s objects, and leaks nothing', async () => {
    // A code A's user got for A's app (taken before the snapshot: signing in is audited).
    const userOfA = new WebClient(server.url);
    await userOfA.login(a.user.email!, a.userPassword);
    const codeOfA = new URL(
      (
        await userOfA.get(`/open-apis/authen/v1/authorize?app_id=${a.app.appId}&redirect_uri=${encodeURIComponent('http://app.test/cb')}`)
      ).headers.get('location')!,
    ).searchParams.get('code');
    const before = await snapshotOfA();
    const uA = a.user;
    const dA = a.department;
    const userQuery = (type: string) => `user_id_type=${type}`;
    const probes: Probe[] = [
      // Session and self.
      { route: 'GET /api/auth/session', method: 'GET', path: '/api/auth/session', status: 200 },
      { route: 'POST /api/auth/logout', method: 'POST', path: '/api/auth/logout', body: {}, status: 200, auth: 'none' },
      { route: 'PATCH /api/me', method: 'PATCH', path: '/api/me', body: { locale: 'en-US' }, status: 200 },
      // Users.
      { route: 'GET /api/contact/users', method: 'GET', path: '/api/contact/users?status=all&limit=200', status: 200 },
      {
        route: 'GET /api/contact/users',
        method: 'GET',
        path: `/api/contact/users?departmentId=${dA.id}`,
        status: 200,
        check: (body) => expect(body).toEqual({ items: [], nextCursor: null }),
      },
      {
        route: 'GET /api/contact/users',
        method: 'GET',
        path: '/api/contact/users?q=alpha',
        status: 200,
        check: (body) => expect(body).toEqual({ items: [], nextCursor: null }),
      },
      { route: 'GET /api/contact/users/:id', method: 'GET', path: `/api/contact/users/${uA.id}`, status: 404 },
      {
        route: 'PATCH /api/contact/users/:id',
        method: 'PATCH',
        path: `/api/contact/users/${uA.id}`,
        body: { title: 'Owned by Beta' },
        status: 404,
      },
      {
        route: 'PATCH /api/contact/users/:id',
        method: 'PATCH',
        path: `/api/contact/users/${b.user.id}`,
        body: { managerId: uA.id },
        status: 404,
      },
      {
        route: 'PATCH /api/contact/users/:id',
        method: 'PATCH',
        path: `/api/contact/users/${b.user.id}`,
        body: { departmentIds: [dA.id] },
        status: 404,
      },
      {
        route: 'POST /api/contact/users',
        method: 'POST',
        path: '/api/contact/users',
        body: { name: 'Beta Spy', email: 'spy1@beta.test', departmentIds: [dA.id] },
        status: 404,
      },
      {
        route: 'POST /api/contact/users',
        method: 'POST',
        path: '/api/contact/users',
        body: { name: 'Beta Spy', email: 'spy2@beta.test', managerId: uA.id },
        status: 404,
      },
      {
        route: 'POST /api/contact/users/:id/deactivate',
        method: 'POST',
        path: `/api/contact/users/${uA.id}/deactivate`,
        body: {},
        status: 404,
      },
      {
        route: 'POST /api/contact/users/:id/reactivate',
        method: 'POST',
        path: `/api/contact/users/${uA.id}/reactivate`,
        body: {},
        status: 404,
      },
      {
        route: 'POST /api/contact/users/:id/reset-password',
        method: 'POST',
        path: `/api/contact/users/${uA.id}/reset-password`,
        body: { password: 'taken-over-by-beta' },
        status: 404,
      },
      // Departments.
      { route: 'GET /api/contact/departments', method: 'GET', path: '/api/contact/departments', status: 200 },
      {
        route: 'POST /api/contact/departments',
        method: 'POST',
        path: '/api/contact/departments',
        body: { name: 'Beta Child', parentId: dA.id },
        status: 404,
      },
      {
        route: 'POST /api/contact/departments',
        method: 'POST',
        path: '/api/contact/departments',
        body: { name: 'Beta Led', leaderUserIds: [uA.id] },
        status: 404,
      },
      {
        route: 'PATCH /api/contact/departments/:id',
        method: 'PATCH',
        path: `/api/contact/departments/${dA.id}`,
        body: { name: 'Owned by Beta' },
        status: 404,
      },
      {
        route: 'PATCH /api/contact/departments/:id',
        method: 'PATCH',
        path: `/api/contact/departments/${b.department.id}`,
        body: { parentId: dA.id },
        status: 404,
      },
      {
        route: 'PATCH /api/contact/departments/:id',
        method: 'PATCH',
        path: `/api/contact/departments/${b.department.id}`,
        body: { leaderUserIds: [uA.id] },
        status: 404,
      },
      { route: 'DELETE /api/contact/departments/:id', method: 'DELETE', path: `/api/contact/departments/${dA.id}`, status: 404 },
      // Groups.
      { route: 'GET /api/contact/groups', method: 'GET', path: '/api/contact/groups', status: 200 },
      { route: 'POST /api/contact/groups', method: 'POST', path: '/api/contact/groups', body: { name: 'Beta Only' }, status: 200 },
      {
        route: 'PATCH /api/contact/groups/:id',
        method: 'PATCH',
        path: `/api/contact/groups/${a.group.id}`,
        body: { name: 'Owned by Beta' },
        status: 404,
      },
      { route: 'DELETE /api/contact/groups/:id', method: 'DELETE', path: `/api/contact/groups/${a.group.id}`, status: 404 },
      { route: 'GET /api/contact/groups/:id/members', method: 'GET', path: `/api/contact/groups/${a.group.id}/members`, status: 404 },
      {
        route: 'POST /api/contact/groups/:id/members',
        method: 'POST',
        path: `/api/contact/groups/${a.group.id}/members`,
        body: { userIds: [b.user.id] },
        status: 404,
      },
      {
        route: 'POST /api/contact/groups/:id/members',
        method: 'POST',
        path: `/api/contact/groups/${b.group.id}/members`,
        body: { userIds: [uA.id] },
        status: 404,
      },
      {
        route: 'DELETE /api/contact/groups/:id/members',
        method: 'DELETE',
        path: `/api/contact/groups/${a.group.id}/members`,
        body: { userIds: [uA.id] },
        status: 404,
      },
      // Import: another tenant's people are not managers here, and its departments are not reused.
      {
        route: 'POST /api/contact/import',
        method: 'POST',
        path: '/api/contact/import',
        body: { csv: `name,email,department,manager_email\nBeta Import,import@beta.test,Alpha Department,${uA.email}` },
        status: 200,
        check: (body) => expect(body).toMatchObject({ ok: false, errors: [{ row: 2, column: 'manager_email' }] }),
      },
      // Administration.
      { route: 'GET /api/admin/invitations', method: 'GET', path: '/api/admin/invitations', status: 200 },
      { route: 'POST /api/admin/invitations', method: 'POST', path: '/api/admin/invitations', body: { departmentId: dA.id }, status: 404 },
      { route: 'DELETE /api/admin/invitations/:id', method: 'DELETE', path: `/api/admin/invitations/${a.invitation.id}`, status: 404 },
      { route: 'GET /api/admin/apps', method: 'GET', path: '/api/admin/apps', status: 200 },
      { route: 'POST /api/admin/apps', method: 'POST', path: '/api/admin/apps', body: { name: 'Beta Second App' }, status: 200 },
      {
        route: 'PATCH /api/admin/apps/:appId',
        method: 'PATCH',
        path: `/api/admin/apps/${a.app.appId}`,
        body: { name: 'Owned by Beta' },
        status: 404,
      },
      {
        route: 'POST /api/admin/apps/:appId/rotate-secret',
        method: 'POST',
        path: `/api/admin/apps/${a.app.appId}/rotate-secret`,
        body: {},
        status: 404,
      },
      { route: 'DELETE /api/admin/apps/:appId', method: 'DELETE', path: `/api/admin/apps/${a.app.appId}`, status: 404 },
      ...cardTemplateProbes(),
      {
        // B's app cannot send a card to A's user in A's chat, nor delete A's app's card.
        route: 'POST /open-apis/ephemeral/v1/send',
        method: 'POST',
        path: '/open-apis/ephemeral/v1/send',
        body: { chat_id: a.ephemeral.chatId, msg_type: 'interactive', open_id: uA.openId, card: { elements: [] } },
        status: 400,
        auth: 'tenant-token',
      },
      {
        route: 'POST /open-apis/ephemeral/v1/send',
        method: 'POST',
        path: '/open-apis/ephemeral/v1/send',
        body: { chat_id: a.ephemeral.chatId, msg_type: 'interactive', open_id: b.user.openId, card: { elements: [] } },
        status: 400,
        auth: 'tenant-token',
        check: (body) => expect((body as { code: number }).code).toBe(232_006),
      },
      {
        route: 'POST /open-apis/ephemeral/v1/delete',
        method: 'POST',
        path: '/open-apis/ephemeral/v1/delete',
        body: { message_id: a.ephemeral.messageId },
        status: 400,
        auth: 'tenant-token',
        check: (body) => expect((body as { code: number }).code).toBe(231_003),
      },
      {
        // A made-up click token: tokens are bound to the app the click's callback went to.
        route: 'POST /open-apis/interactive/v1/card/update',
        method: 'POST',
        path: '/open-apis/interactive/v1/card/update',
        body: { token: `c-${'0'.repeat(32)}`, card: { elements: [] } },
        status: 400,
        auth: 'tenant-token',
      },
      { route: 'GET /api/admin/tokens', method: 'GET', path: '/api/admin/tokens', status: 200 },
      { route: 'DELETE /api/admin/tokens/:id', method: 'DELETE', path: `/api/admin/tokens/${a.personalToken.id}`, status: 404 },
      { route: 'GET /api/admin/audit', method: 'GET', path: '/api/admin/audit?limit=200', status: 200 },
      { route: 'GET /api/admin/audit', method: 'GET', path: '/api/admin/audit?action=contact', status: 200 },
      // Open platform, contact v3, with B's tenant token and A's ids of every kind.
      ...(['open_id', 'union_id', 'user_id'] as const).flatMap((type): Probe[] => {
        const id = type === 'open_id' ? uA.openId : type === 'union_id' ? uA.unionId : uA.userId;
        return [
          {
            route: 'GET /open-apis/contact/v3/users/:user_id',
            method: 'GET',
            path: `/open-apis/contact/v3/users/${id}?${userQuery(type)}`,
            status: 404,
            auth: 'tenant-token',
          },
          {
            route: 'PATCH /open-apis/contact/v3/users/:user_id',
            method: 'PATCH',
            path: `/open-apis/contact/v3/users/${id}?${userQuery(type)}`,
            body: { name: 'Owned' },
            status: 404,
            auth: 'tenant-token',
          },
          {
            route: 'DELETE /open-apis/contact/v3/users/:user_id',
            method: 'DELETE',
            path: `/open-apis/contact/v3/users/${id}?${userQuery(type)}`,
            status: 404,
            auth: 'tenant-token',
          },
        ];
      }),
      {
        route: 'GET /open-apis/contact/v3/users',
        method: 'GET',
        path: '/open-apis/contact/v3/users?page_size=100',
        status: 200,
        auth: 'tenant-token',
      },
      {
        route: 'GET /open-apis/contact/v3/users',
        method: 'GET',
        path: `/open-apis/contact/v3/users?department_id=${dA.openDepartmentId}`,
        status: 404,
        auth: 'tenant-token',
      },
      {
        route: 'GET /open-apis/contact/v3/users/find_by_department',
        method: 'GET',
        path: `/open-apis/contact/v3/users/find_by_department?department_id=${dA.openDepartmentId}`,
        status: 404,
        auth: 'tenant-token',
      },
      {
        route: 'GET /open-apis/contact/v3/users/find_by_department',
        method: 'GET',
        path: `/open-apis/contact/v3/users/find_by_department?department_id=${dA.id}&department_id_type=department_id`,
        status: 404,
        auth: 'tenant-token',
      },
      {
        route: 'POST /open-apis/contact/v3/users/batch_get_id',
        method: 'POST',
        path: '/open-apis/contact/v3/users/batch_get_id',
        body: { emails: [uA.email], mobiles: [uA.mobile] },
        status: 200,
        auth: 'tenant-token',
        check: (body) => expect((body as { data: unknown }).data).toEqual({ user_list: [{ email: uA.email }, { mobile: uA.mobile }] }),
      },
      {
        route: 'POST /open-apis/contact/v3/users',
        method: 'POST',
        path: '/open-apis/contact/v3/users',
        body: { name: 'Beta Spy', department_ids: [dA.openDepartmentId] },
        status: 404,
        auth: 'tenant-token',
      },
      {
        route: 'POST /open-apis/contact/v3/users',
        method: 'POST',
        path: '/open-apis/contact/v3/users',
        body: { name: 'Beta Spy', leader_user_id: uA.openId },
        status: 404,
        auth: 'tenant-token',
      },
      {
        route: 'GET /open-apis/contact/v3/departments/:department_id',
        method: 'GET',
        path: `/open-apis/contact/v3/departments/${dA.openDepartmentId}`,
        status: 404,
        auth: 'tenant-token',
      },
      {
        route: 'PATCH /open-apis/contact/v3/departments/:department_id',
        method: 'PATCH',
        path: `/open-apis/contact/v3/departments/${dA.openDepartmentId}`,
        body: { name: 'Owned' },
        status: 404,
        auth: 'tenant-token',
      },
      {
        route: 'PATCH /open-apis/contact/v3/departments/:department_id',
        method: 'PATCH',
        path: `/open-apis/contact/v3/departments/${b.department.openDepartmentId}`,
        body: { parent_department_id: dA.openDepartmentId },
        status: 404,
        auth: 'tenant-token',
      },
      {
        route: 'DELETE /open-apis/contact/v3/departments/:department_id',
        method: 'DELETE',
        path: `/open-apis/contact/v3/departments/${dA.openDepartmentId}`,
        status: 404,
        auth: 'tenant-token',
      },
      {
        route: 'GET /open-apis/contact/v3/departments/:department_id/children',
        method: 'GET',
        path: `/open-apis/contact/v3/departments/${dA.openDepartmentId}/children`,
        status: 404,
        auth: 'tenant-token',
      },
      {
        route: 'GET /open-apis/contact/v3/departments',
        method: 'GET',
        path: '/open-apis/contact/v3/departments?fetch_child=true&page_size=50',
        status: 200,
        auth: 'tenant-token',
      },
      {
        route: 'GET /open-apis/contact/v3/departments',
        method: 'GET',
        path: `/open-apis/contact/v3/departments?parent_department_id=${dA.openDepartmentId}`,
        status: 404,
        auth: 'tenant-token',
      },
      {
        route: 'POST /open-apis/contact/v3/departments',
        method: 'POST',
        path: '/open-apis/contact/v3/departments',
        body: { name: 'Beta Child', parent_department_id: dA.openDepartmentId },
        status: 404,
        auth: 'tenant-token',
      },
      // The same department id string exists in both tenants: each token sees its own.
      {
        route: 'GET /open-apis/contact/v3/departments/:department_id',
        method: 'GET',
        path: '/open-apis/contact/v3/departments/SAME-ID?department_id_type=department_id',
        status: 200,
        auth: 'tenant-token',
        check: (body) => expect((body as { data: { department: { name: string } } }).data.department.name).toBe('Beta Department'),
      },
      // Tokens and OIDC across tenants.
      {
        route: 'POST /open-apis/auth/v3/tenant_access_token/internal',
        method: 'POST',
        path: '/open-apis/auth/v3/tenant_access_token/internal',
        body: { app_id: a.app.appId, app_secret: b.app.appSecret },
        status: 200,
        auth: 'none',
        check: (body) => expect(body).toEqual({ code: 10014, msg: 'app secret invalid' }),
      },
      {
        route: 'POST /open-apis/auth/v3/app_access_token/internal',
        method: 'POST',
        path: '/open-apis/auth/v3/app_access_token/internal',
        body: { app_id: a.app.appId, app_secret: b.app.appSecret },
        status: 200,
        auth: 'none',
        check: (body) => expect(body).toEqual({ code: 10014, msg: 'app secret invalid' }),
      },
      {
        route: 'POST /open-apis/authen/v1/oidc/refresh_access_token',
        method: 'POST',
        path: '/open-apis/authen/v1/oidc/refresh_access_token',
        body: { grant_type: 'refresh_token', refresh_token: a.oidc.refreshToken },
        status: 400,
        auth: 'tenant-token',
        check: (body) => expect((body as { code: number }).code).toBe(99_991_669),
      },
      {
        route: 'GET /open-apis/authen/v1/user_info',
        method: 'GET',
        path: '/open-apis/authen/v1/user_info',
        status: 200,
        auth: 'user-token',
        check: (body) => expect((body as { data: { open_id: string } }).data.open_id).toBe(b.user.openId),
      },
    ];

    probes.push(...imProbes());

    // Signed in to B, authorizing A's app gives no code for A (B is asked to sign in to A)…
    const authorize = await b.admin.get(
      `/open-apis/authen/v1/authorize?app_id=${a.app.appId}&redirect_uri=${encodeURIComponent('http://app.test/cb')}`,
    );
    expect(authorize.status).toBe(302);
    expect(authorize.headers.get('location')).toMatch(/^\/login\?next=/);
    // …and a link to a URL A's app did not register goes nowhere, and names nothing of A.
    const elsewhere = await b.admin.get(
      `/open-apis/authen/v1/authorize?app_id=${a.app.appId}&redirect_uri=${encodeURIComponent('http://evil.test/cb')}`,
    );
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.headers.get('location')).toBeNull();
    for (const marker of markersOfA().filter((m) => m !== a.app.appId)) expect(JSON.stringify(elsewhere.body)).not.toContain(marker);
    // That code cannot be exchanged with B's app token.
    probes.push({
      route: 'POST /open-apis/authen/v1/oidc/access_token',
      method: 'POST',
      path: '/open-apis/authen/v1/oidc/access_token',
      body: { grant_type: 'authorization_code', code: codeOfA },
      status: 400,
      auth: 'tenant-token',
      check: (body) => expect((body as { code: number }).code).toBe(20_003),
    });
    probes.push({ route: 'GET /open-apis/authen/v1/authorize', method: 'GET', path: '/open-apis/authen/v1/authorize', status: 0 });

    const markers = markersOfA();
    for (const probe of probes) {
      if (probe.status === 0) continue;
      let status: number;
      let body: unknown;
      const auth = probe.auth ?? 'session';
      if (auth === 'session') {
        ({ status, body } = await b.admin.request(probe.method, probe.path, probe.body));
      } else if (auth === 'none') {
        const response = await fetch(`${server.url}${probe.path}`, {
          method: probe.method,
          headers: probe.body === undefined ? {} : { 'content-type': 'application/json' },
          body: probe.body === undefined ? undefined : JSON.stringify(probe.body),
        });
        status = response.status;
        body = await response.json();
      } else {
        const token = auth === 'tenant-token' ? b.tenantToken : b.oidc.accessToken;
        ({ status, body } = await openApi(server.url, token, probe.method, probe.path, probe.body));
      }
      const label = `${probe.method} ${probe.path} ${JSON.stringify(probe.body ?? '')}`;
      expect([probe.status].flat(), label).toContain(status);
      const text = JSON.stringify(body);
      // What B itself sent may come back (validation messages, batch_get_id echoes); nothing else of A.
      const sent = `${probe.path} ${JSON.stringify(probe.body ?? '')}`;
      for (const marker of markers.filter((m) => !sent.includes(m)))
        expect(text.includes(marker), `${label} leaks ${marker}: ${text}`).toBe(false);
      probe.check?.(body);
    }

    // A is exactly as before.
    const after = await snapshotOfA();
    expect(after).toEqual(before);
    expect(JSON.stringify(after.audit)).not.toContain('Beta');

    // A's personal and OIDC tokens act in A only.
    const own = await openApi(server.url, a.personalToken.token, 'GET', `/open-apis/contact/v3/users/${b.user.openId}`);
    expect(own.status).toBe(404);
    expect((await openApi(server.url, a.personalToken.token, 'GET', `/open-apis/contact/v3/users/${a.user.openId}`)).status).toBe(200);
    const ownOidc = await openApi(
      server.url,
      a.oidc.accessToken,
      'GET',
      `/open-apis/contact/v3/departments/${b.department.openDepartmentId}`,
    );
    expect(ownOidc.status).toBe(404);

    // Every tenant-facing route has at least one probe (or a stated reason not to).
    const covered = new Set(probes.map((probe) => probe.route));
    const missing = registeredRoutes(server.kite.app.printRoutes({ commonPrefix: false }))
      .filter((route) => / \/(api|open-apis)\//.test(route))
      .filter((route) => !covered.has(route) && !NOT_TENANT_SCOPED[route]);
    expect(missing).toEqual([]);
  });

  it('sends one tenant’s realtime events to that tenant only', async () => {
    const connect = (client: WebClient) => {
      const frames: Array<{ t: string; type?: string; payload?: { id: string } }> = [];
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws/client`, { headers: { cookie: client.cookieHeader() } });
      socket.on('message', (data) => frames.push(JSON.parse(String(data))));
      return { frames, socket };
    };
    const waitFor = async (done: () => boolean) => {
      for (let waited = 0; !done(); waited += 20) {
        if (waited > 10_000) throw new Error('timed out');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const alpha = connect(a.admin);
    const beta = connect(b.admin);
    try {
      await waitFor(() => alpha.frames.length > 0 && beta.frames.length > 0);
      const created = await a.admin.post<{ user: UserView }>('/api/contact/users', {
        name: 'Alpha Realtime',
        email: 'realtime@alpha.test',
      });
      const mine = await b.admin.post<{ user: UserView }>('/api/contact/users', { name: 'Beta Realtime', email: 'realtime@beta.test' });
      await waitFor(
        () =>
          alpha.frames.some((f) => f.payload?.id === created.body.user.id) && beta.frames.some((f) => f.payload?.id === mine.body.user.id),
      );
      expect(beta.frames.some((f) => f.payload?.id === created.body.user.id)).toBe(false);
      expect(alpha.frames.some((f) => f.payload?.id === mine.body.user.id)).toBe(false);
      // Replay on reconnect is per tenant too.
      const replay = new WebSocket(`${server.url.replace('http', 'ws')}/ws/client?after=1`, {
        headers: { cookie: b.admin.cookieHeader() },
      });
      const replayed: Array<{ t: string; payload?: { id: string } }> = [];
      replay.on('message', (data) => replayed.push(JSON.parse(String(data))));
      await waitFor(() => replayed.some((f) => f.t === 'hello'));
      replay.close();
      expect(JSON.stringify(replayed)).not.toContain(created.body.user.id);
      expect(JSON.stringify(replayed)).toContain(mine.body.user.id);
    } finally {
      alpha.socket.close();
      beta.socket.close();
    }
  });

  it('records in the audit log who did what, from which address, per tenant', async () => {
    const created = await a.admin.request<DepartmentView>(
      'POST',
      '/api/contact/departments',
      { name: 'Alpha Audited' },
      { 'user-agent': 'isolation-test/1.0', 'x-forwarded-for': '203.0.113.9' },
    );
    expect(created.status).toBe(200);
    const viaApp = await openApi(server.url, a.tenantToken, 'PATCH', `/open-apis/contact/v3/departments/${created.body.openDepartmentId}`, {
      name: 'Alpha Audited By App',
    });
    expect(viaApp.body.code).toBe(0);
    await server.kite.dispatcher.settle();

    const audit = await a.admin.get<{ items: AuditEntryView[]; nextCursor: string | null }>('/api/admin/audit?action=contact.department');
    expect(audit.status).toBe(200);
    expect(audit.body.items.every((entry) => entry.action.startsWith('contact.department'))).toBe(true);
    const [updated, made] = audit.body.items;
    const adminOfA = (await a.admin.get<{ user: UserView }>('/api/auth/session')).body.user;
    expect(made).toMatchObject({
      action: 'contact.department.created',
      subjectType: 'department',
      subjectId: created.body.id,
      actor: { type: 'user', id: adminOfA.id, name: 'Admin' },
      // The server does not trust X-Forwarded-For from a direct client.
      ip: '127.0.0.1',
      userAgent: 'isolation-test/1.0',
    });
    expect(Number.isNaN(Date.parse(made!.createdAt))).toBe(false);
    expect(updated).toMatchObject({
      action: 'contact.department.updated',
      subjectId: created.body.id,
      actor: { type: 'app', id: a.app.appId, name: 'Alpha App' },
      ip: '127.0.0.1',
    });
    expect(updated!.seq).toBeGreaterThan(made!.seq);

    // Sign-ins are audited with their address; B's log holds none of it.
    const logins = await a.admin.get<{ items: AuditEntryView[] }>('/api/admin/audit?action=auth.login');
    expect(logins.body.items.length).toBeGreaterThan(0);
    expect(logins.body.items.every((entry) => entry.ip === '127.0.0.1')).toBe(true);
    const ofB = await b.admin.get<{ items: AuditEntryView[] }>('/api/admin/audit?limit=200');
    expect(ofB.body.items.map((entry) => entry.subjectId)).not.toContain(created.body.id);

    // Paging backwards with the cursor covers the log without repeats; members may not read it.
    const all: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: AuditEntryView[]; nextCursor: string | null } } = await a.admin.get(
        `/api/admin/audit?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      all.push(...page.body.items.map((entry) => entry.seq));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(all).toEqual([...all].sort((x, y) => y - x));
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe((await a.admin.get<{ items: unknown[] }>('/api/admin/audit?limit=200')).body.items.length);

    const memberOfA = new WebClient(server.url);
    await memberOfA.login(a.user.email!, a.userPassword);
    const forbidden = await memberOfA.get<{ error: { code: string } }>('/api/admin/audit');
    expect(forbidden.status).toBe(403);
  });
});
