import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import type { MessageEventPayload } from '@kite/im/contract';
import { createApp, startTwoPeople, type TestServer, type WebClient, waitFor } from '@kite/testing/test-server';
import * as lark from '@larksuiteoapi/node-sdk';
import WebSocket from 'ws';

/**
 * What the messenger's integration tests share: a tiny image, bots on the official SDK, the SDK's
 * way of failing, reading a download, an app's HTTP endpoint, a person's live socket.
 */

/** A 1×1 PNG. */
export const PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Keeps the SDK quiet about the errors a test provokes on purpose. */
export const quietLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };

/** An app the tenant's admin creates, and the official SDK's client acting as it (a bot). */
export interface SdkBot {
  appId: string;
  appSecret: string;
  client: lark.Client;
}

/** Creates an app (`settings` as the admin console takes them) and a quiet SDK client for it, with its own token cache. */
export async function createSdkBot(
  server: TestServer,
  admin: WebClient,
  name: string,
  settings: Record<string, unknown> = {},
): Promise<SdkBot> {
  const { appId, appSecret } = await createApp(admin, name, settings);
  const client = new lark.Client({
    appId,
    appSecret,
    domain: server.url,
    loggerLevel: lark.LoggerLevel.error,
    logger: quietLogger,
    cache: new lark.DefaultCache(),
  });
  return { appId, appSecret, client };
}

/**
 * The messenger's usual start: a server, its admin, Alice and Bob signed in ({@link startTwoPeople}),
 * and an SDK bot for each entry of `bots` (its name and console settings), made in that order.
 */
export async function startTwoPeopleAndBots<Key extends string>(
  options: Parameters<typeof startTwoPeople>[0],
  bots: Record<Key, { name: string } & Record<string, unknown>>,
) {
  const people = await startTwoPeople(options);
  const made = {} as Record<Key, SdkBot>;
  for (const [key, { name, ...settings }] of Object.entries(bots) as Array<[Key, { name: string }]>) {
    made[key] = await createSdkBot(people.server, people.admin, name, settings);
  }
  return { ...people, bots: made };
}

/** The SDK throws (axios) on non-2xx; Feishu answers IM business errors with HTTP 400. */
export async function sdkFailureWithMsg(call: Promise<unknown>): Promise<{ status: number; code: number; msg: string }> {
  try {
    const body = (await call) as { code: number; msg: string };
    return { status: 200, code: body.code, msg: body.msg };
  } catch (error) {
    const response = (error as { response?: { status: number; data: { code: number; msg: string } } }).response;
    if (!response) throw error;
    return { status: response.status, code: response.data.code, msg: response.data.msg };
  }
}

/** {@link sdkFailureWithMsg} without the message, for comparing whole answers. */
export async function sdkFailure(call: Promise<unknown>): Promise<{ status: number; code: number }> {
  const { status, code } = await sdkFailureWithMsg(call);
  return { status, code };
}

/** A whole download (the SDK's `getReadableStream()`) as bytes. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** An app's HTTP endpoint (card request URL, event webhook) on a free local port. */
export async function listen(handler: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * Someone's browser connection (`/ws/client`, their session): once it said hello, the
 * `im.message.updated` frames it received for a message (`updates`), and the `im.card_view.updated`
 * frames of their own views of non-shared cards (`views`). The caller closes the socket.
 */
export async function watchMessageUpdates(server: TestServer, who: WebClient) {
  const frames: Array<{ t: string; type?: string; payload?: MessageEventPayload }> = [];
  const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws/client`, { headers: { cookie: who.cookieHeader() } });
  socket.on('message', (data) => frames.push(JSON.parse(String(data))));
  await waitFor(() => (frames.some((frame) => frame.t === 'hello') ? true : undefined), 'hello');
  const framesOf = (type: string) => (messageId: string) =>
    frames.filter((frame) => frame.type === type && frame.payload?.message.messageId === messageId);
  return { socket, updates: framesOf('im.message.updated'), views: framesOf('im.card_view.updated') };
}

/** A message's content as its app reads it back (`message.get`), parsed. */
export async function readContent(client: lark.Client, messageId: string): Promise<unknown> {
  const got = await client.im.v1.message.get({ path: { message_id: messageId } });
  return JSON.parse(got.data!.items![0]!.body!.content!) as unknown;
}
