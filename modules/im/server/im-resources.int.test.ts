import { Readable } from 'node:stream';
import type { UserView } from '@kite/contact/contract';
import type { MessageView, ResourceView } from '@kite/im/contract';
import { createSecondTenant, setUpTenant, startTestServer, type TestServer, testEngines, WebClient } from '@kite/testing/test-server';
import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIXEL_PNG as PNG, quietLogger, readAll } from './im-test-kit.ts';

/**
 * Images and files in the messenger: internal upload/download with its authorization (uploader, or a
 * member of a chat holding a message that refers to the key), size and type limits, message content
 * naming only this tenant's keys, and the SDK's image/file create/get and messageResource.get.
 */

/** GIF header of a 3×2 image (the sniffer reads no further). */
const GIF = Buffer.concat([Buffer.from('GIF89a'), Buffer.from([3, 0, 2, 0]), Buffer.alloc(20)]);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');

async function upload(client: WebClient, kind: 'images' | 'files', name: string, body: Buffer, type = 'application/octet-stream') {
  const response = await fetch(`${client.baseUrl}/api/im/${kind}?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { cookie: client.cookieHeader(), 'x-csrf-token': client.csrfToken, 'content-type': type },
    body: new Uint8Array(body),
  });
  return { status: response.status, body: (await response.json()) as ResourceView & { error?: { code: string } } };
}

async function download(client: WebClient, key: string) {
  const response = await fetch(`${client.baseUrl}/api/im/resources/${key}`, { headers: { cookie: client.cookieHeader() } });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

async function failure(call: Promise<unknown>): Promise<{ status: number; code: number }> {
  try {
    await call;
    return { status: 200, code: 0 };
  } catch (error) {
    const response = (error as { response?: { status: number; data: { code: number } } }).response;
    if (!response) throw error;
    return { status: response.status, code: response.data.code };
  }
}

describe.each(testEngines())('im images and files (%s)', (engine) => {
  let server: TestServer;
  let admin: WebClient;
  const people: Record<'alice' | 'bob' | 'carol', { client: WebClient; user: UserView }> = {} as never;
  let chatId: string;
  let chatPublicId: string;

  beforeAll(async () => {
    server = await startTestServer({ engine, env: { KITE_MAX_UPLOAD_MB: '0.05', KITE_MAX_IMAGE_MB: '0.02' } });
    ({ admin } = await setUpTenant(server));
    for (const name of ['alice', 'bob', 'carol'] as const) {
      const created = await admin.post<{ user: UserView }>('/api/contact/users', {
        name,
        email: `${name}@acme.test`,
        password: `${name}-password-123`,
      });
      const client = new WebClient(server.url);
      await client.login(`${name}@acme.test`, `${name}-password-123`);
      people[name] = { client, user: created.body.user };
    }
    const chat = await people.alice.client.post<{ id: string; chatId: string }>('/api/im/chats', {
      chatType: 'group',
      name: 'Photos',
      userIds: [people.bob.user.id],
    });
    chatId = chat.body.id;
    chatPublicId = chat.body.chatId;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('uploads an image, sends it, and lets only the uploader and the chat’s members download it', async () => {
    const { alice, bob, carol } = people;
    const uploaded = await upload(alice.client, 'images', 'dot.png', PNG, 'image/png');
    expect(uploaded.status).toBe(200);
    expect(uploaded.body).toMatchObject({
      kind: 'image',
      name: 'dot.png',
      size: PNG.length,
      contentType: 'image/png',
      width: 1,
      height: 1,
    });
    expect(uploaded.body.key).toMatch(/^img_v3_[0-9a-f]{32}$/);
    const key = uploaded.body.key;

    // Before it is sent: the uploader only.
    const own = await download(alice.client, key);
    expect(own.status).toBe(200);
    expect(own.bytes.equals(PNG)).toBe(true);
    expect(own.headers.get('content-type')).toBe('image/png');
    expect(own.headers.get('x-content-type-options')).toBe('nosniff');
    expect(own.headers.get('content-disposition')).toMatch(/^inline;/);
    expect((await download(bob.client, key)).status).toBe(404);

    const sent = await alice.client.post<MessageView>(`/api/im/chats/${chatId}/messages`, {
      msgType: 'image',
      content: JSON.stringify({ image_key: key }),
    });
    expect(sent.status).toBe(200);
    const seen = await download(bob.client, key);
    expect(seen.status).toBe(200);
    expect(seen.bytes.equals(PNG)).toBe(true);
    // Carol is in no chat that holds it.
    expect((await download(carol.client, key)).status).toBe(404);
    expect((await download(carol.client, 'img_v3_00000000000000000000000000000000')).status).toBe(404);

    // Recalled: the message no longer refers to it; the uploader keeps it.
    expect((await alice.client.post(`/api/im/messages/${sent.body.id}/recall`, {})).status).toBe(200);
    expect((await download(bob.client, key)).status).toBe(404);
    expect((await download(alice.client, key)).status).toBe(200);

    // In a post, an img element shares it too; an edit that drops it stops that.
    const post = await alice.client.post<MessageView>(`/api/im/chats/${chatId}/messages`, {
      msgType: 'post',
      content: JSON.stringify({ zh_cn: { title: 'Look', content: [[{ tag: 'img', image_key: key }]] } }),
    });
    expect(post.status).toBe(200);
    expect((await download(bob.client, key)).status).toBe(200);
    const edited = await alice.client.patch(`/api/im/messages/${post.body.id}`, {
      content: JSON.stringify({ zh_cn: { title: 'Gone', content: [[{ tag: 'text', text: 'no picture' }]] } }),
    });
    expect(edited.status).toBe(200);
    expect((await download(bob.client, key)).status).toBe(404);

    // Leaving the chat ends access.
    await alice.client.post(`/api/im/chats/${chatId}/messages`, { msgType: 'image', content: JSON.stringify({ image_key: key }) });
    expect((await download(bob.client, key)).status).toBe(200);
    await bob.client.post(`/api/im/chats/${chatId}/leave`, {});
    expect((await download(bob.client, key)).status).toBe(404);
    await alice.client.post(`/api/im/chats/${chatId}/members`, { userIds: [bob.user.id] });
  });

  it('serves files as attachments with a safe type and their name', async () => {
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const uploaded = await upload(people.alice.client, 'files', '报告 "final".html', html, 'text/html');
    expect(uploaded.status).toBe(200);
    expect(uploaded.body).toMatchObject({ kind: 'file', name: '报告 "final".html', contentType: 'application/octet-stream' });
    expect(uploaded.body.key).toMatch(/^file_v3_/);
    const sent = await people.alice.client.post(`/api/im/chats/${chatId}/messages`, {
      msgType: 'file',
      content: JSON.stringify({ file_key: uploaded.body.key, file_name: '报告.html' }),
    });
    expect(sent.status).toBe(200);
    const got = await download(people.bob.client, uploaded.body.key);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(html)).toBe(true);
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-disposition')).toBe(
      `attachment; filename="__ _final_.html"; filename*=UTF-8''${encodeURIComponent('报告 "final".html')}`,
    );
    const pdf = await upload(people.alice.client, 'files', 'a.pdf', Buffer.from('%PDF-1.4'), 'application/pdf');
    expect(pdf.body.contentType).toBe('application/pdf');
    // A path in the name keeps only its last part.
    const pathy = await upload(people.alice.client, 'files', '../../etc/passwd', Buffer.from('x'), 'text/plain');
    expect(pathy.body.name).toBe('passwd');
  });

  it('refuses non-images (SVG included) as images, empty and oversized uploads', async () => {
    const { alice } = people;
    const svg = await upload(alice.client, 'images', 'x.svg', SVG, 'image/svg+xml');
    expect(svg.status).toBe(400);
    expect(svg.body.error?.code).toBe('image_invalid');
    expect((await upload(alice.client, 'images', 'x.png', Buffer.from('not a png'), 'image/png')).status).toBe(400);
    const gif = await upload(alice.client, 'images', 'x.gif', GIF, 'application/octet-stream');
    expect(gif.body).toMatchObject({ contentType: 'image/gif', width: 3, height: 2 });
    expect((await upload(alice.client, 'files', 'empty.txt', Buffer.alloc(0))).body.error?.code).toBe('file_empty');
    // 20 KB images, 50 KB files in this server.
    const bigImage = Buffer.concat([PNG, Buffer.alloc(25 * 1024)]);
    const tooBig = await upload(alice.client, 'images', 'big.png', bigImage, 'image/png');
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error?.code).toBe('file_too_large');
    expect((await upload(alice.client, 'files', 'big.png', bigImage)).status).toBe(200);
    // Without a Content-Length (chunked), the limit holds while streaming.
    const chunked = await fetch(`${server.url}/api/im/files?name=big.bin`, {
      method: 'POST',
      headers: { cookie: alice.client.cookieHeader(), 'x-csrf-token': alice.client.csrfToken, 'content-type': 'application/octet-stream' },
      body: Readable.toWeb(Readable.from([Buffer.alloc(30 * 1024), Buffer.alloc(30 * 1024)])) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(((await chunked.json()) as { error: { code: string } }).error.code).toBe('file_too_large');
    // Signed out, no CSRF token: nothing.
    const anonymous = await fetch(`${server.url}/api/im/images?name=a.png`, { method: 'POST', body: PNG });
    expect(anonymous.status).toBe(401);
    const noCsrf = await fetch(`${server.url}/api/im/images?name=a.png`, {
      method: 'POST',
      headers: { cookie: alice.client.cookieHeader() },
      body: PNG,
    });
    expect(noCsrf.status).toBe(403);
  });

  it('refuses messages naming keys that are not this tenant’s uploads', async () => {
    const { alice } = people;
    const other = await createSecondTenant(server, 'Other');
    const theirs = await upload(other.admin, 'images', 'theirs.png', PNG, 'image/png');
    expect(theirs.status).toBe(200);
    const file = await upload(alice.client, 'files', 'f.txt', Buffer.from('hello'), 'text/plain');
    const cases: Array<[string, string]> = [
      ['image', JSON.stringify({ image_key: theirs.body.key })],
      ['image', JSON.stringify({ image_key: 'img_v3_made_up' })],
      // A file key is not an image key.
      ['image', JSON.stringify({ image_key: file.body.key })],
      ['file', JSON.stringify({ file_key: 'file_v3_made_up' })],
      ['post', JSON.stringify({ zh_cn: { content: [[{ tag: 'img', image_key: theirs.body.key }]] } })],
    ];
    const before = (await alice.client.get<{ items: MessageView[] }>(`/api/im/chats/${chatId}/messages?limit=100`)).body.items.length;
    for (const [msgType, content] of cases) {
      const sent = await alice.client.post<{ error: { code: string } }>(`/api/im/chats/${chatId}/messages`, { msgType, content });
      expect(sent.status, content).toBe(400);
      expect(sent.body.error.code).toBe('content_invalid');
    }
    expect((await alice.client.get<{ items: MessageView[] }>(`/api/im/chats/${chatId}/messages?limit=100`)).body.items.length).toBe(before);
    // The other tenant's image is not readable here either.
    expect((await download(alice.client, theirs.body.key)).status).toBe(404);
  });

  it('works through the official SDK: image.create, an image message, messageResource.get, file.create/get', async () => {
    const made = await admin.post<{ app: { appId: string }; appSecret: string }>('/api/admin/apps', { name: 'Photo Bot' });
    const client = new lark.Client({
      appId: made.body.app.appId,
      appSecret: made.body.appSecret,
      domain: server.url,
      loggerLevel: lark.LoggerLevel.error,
      logger: quietLogger,
      cache: new lark.DefaultCache(),
    });
    // Upload methods return the inner data only.
    const image = await client.im.v1.image.create({ data: { image_type: 'message', image: PNG } });
    expect(image?.image_key).toMatch(/^img_v3_/);
    const imageKey = image!.image_key!;
    const fromStream = await client.im.v1.image.create({ data: { image_type: 'message', image: Readable.from([GIF]) as never } });
    expect(fromStream?.image_key).toMatch(/^img_v3_/);

    const group = await client.im.v1.chat.create({ data: { name: 'Bot photos', user_id_list: [people.carol.user.openId] } });
    const botChat = group.data!.chat_id!;
    const sent = await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: botChat, msg_type: 'image', content: JSON.stringify({ image_key: imageKey }) },
    });
    expect(sent.code).toBe(0);
    const messageId = sent.data!.message_id!;
    expect(JSON.parse(sent.data!.body!.content)).toEqual({ image_key: imageKey });

    // Carol, in the bot's chat, sees it on the web.
    const onWeb = await download(people.carol.client, imageKey);
    expect(onWeb.status).toBe(200);
    expect(onWeb.bytes.equals(PNG)).toBe(true);
    expect((await download(people.alice.client, imageKey)).status).toBe(404);

    const resource = await client.im.v1.messageResource.get({
      path: { message_id: messageId, file_key: imageKey },
      params: { type: 'image' },
    });
    expect((await readAll(resource.getReadableStream())).equals(PNG)).toBe(true);
    expect(resource.headers['content-type']).toBe('image/png');
    const got = await client.im.v1.image.get({ path: { image_key: imageKey } });
    expect((await readAll(got.getReadableStream())).equals(PNG)).toBe(true);

    const file = await client.im.v1.file.create({
      data: { file_type: 'pdf', file_name: '季度报告.pdf', file: Buffer.from('%PDF-1.4 quarterly') },
    });
    expect(file?.file_key).toMatch(/^file_v3_/);
    const fileKey = file!.file_key!;
    const fetched = await client.im.v1.file.get({ path: { file_key: fileKey } });
    expect((await readAll(fetched.getReadableStream())).toString()).toBe('%PDF-1.4 quarterly');
    expect(String(fetched.headers['content-disposition'])).toContain(encodeURIComponent('季度报告.pdf'));
    const fileMessage = await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: botChat, msg_type: 'file', content: JSON.stringify({ file_key: fileKey }) },
    });
    expect(fileMessage.code).toBe(0);
    const viaMessage = await client.im.v1.messageResource.get({
      path: { message_id: fileMessage.data!.message_id!, file_key: fileKey },
      params: { type: 'file' },
    });
    expect((await readAll(viaMessage.getReadableStream())).toString()).toBe('%PDF-1.4 quarterly');

    // A key the message does not refer to; a message in a chat the bot is not in; wrong fields.
    expect(
      (await failure(client.im.v1.messageResource.get({ path: { message_id: messageId, file_key: fileKey }, params: { type: 'file' } })))
        .status,
    ).toBe(400);
    const aliceMessage = (await people.alice.client.get<{ items: MessageView[] }>(`/api/im/chats/${chatId}/messages?limit=1&before=100000`))
      .body.items[0]!;
    expect(
      (
        await failure(
          client.im.v1.messageResource.get({ path: { message_id: aliceMessage.messageId, file_key: imageKey }, params: { type: 'image' } }),
        )
      ).status,
    ).toBe(400);
    expect(await failure(client.im.v1.image.create({ data: { image_type: 'message', image: SVG } }))).toEqual({
      status: 400,
      code: 234_011,
    });
    expect((await failure(client.im.v1.image.create({ data: { image_type: 'sticker' as 'message', image: PNG } }))).status).toBe(400);
    expect((await failure(client.im.v1.file.create({ data: { file_type: 'pdf', file_name: '', file: Buffer.from('x') } }))).status).toBe(
      400,
    );
    expect((await failure(client.im.v1.image.create({ data: { image_type: 'message', image: Buffer.alloc(30 * 1024, 1) } }))).status).toBe(
      413,
    );
    expect(chatPublicId).toMatch(/^oc_/);
  });
});
