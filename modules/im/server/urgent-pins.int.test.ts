import type { UserView } from '@kite/contact/contract';
import {
  type ChatView,
  MAX_PINS_PER_CHAT,
  type MessageView,
  type PinView,
  type UrgentAlertView,
  type UrgentEventPayload,
  type UrgentStatusView,
  type UrgentSummary,
} from '@kite/im/contract';
import { ManualClock } from '@kite/kernel/clock';
import { setUpTenant, startTestServer, type TestServer, testEngines, WebClient, waitFor } from '@kite/testing/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

/**
 * Urgent buzz and pins through the internal API, as the web app uses them: who may, what is stored,
 * what a recall takes away, and which sockets hear of it (docs/internal-api.md § Messenger).
 */

type ErrorBody = { error: { code: string; details?: { userIds?: string[] } } };
type Person = { client: WebClient; user: UserView };
interface Frame {
  t: string;
  type?: string;
  payload?: Partial<UrgentEventPayload> & { messageId?: string };
}

const text = (value: string) => JSON.stringify({ text: value });

describe.each(testEngines())('urgent buzz and pins (%s)', (engine) => {
  let server: TestServer;
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 9));
  let admin: WebClient;
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let dave: Person;
  const sockets: WebSocket[] = [];

  async function person(name: string, email: string): Promise<Person> {
    const created = await admin.post<{ user: UserView }>('/api/contact/users', { name, email, password: 'person-password-1' });
    const client = new WebClient(server.url);
    await client.login(email, 'person-password-1');
    return { client, user: created.body.user };
  }

  async function group(owner: WebClient, members: Person[], name = 'Launch') {
    const created = await owner.post<ChatView>('/api/im/chats', { chatType: 'group', name, userIds: members.map((m) => m.user.id) });
    expect(created.status).toBe(200);
    return created.body;
  }

  async function send(client: WebClient, chatId: string, body: string) {
    const sent = await client.post<MessageView>(`/api/im/chats/${chatId}/messages`, { msgType: 'text', content: text(body) });
    expect(sent.status).toBe(200);
    return sent.body;
  }

  const buzz = (who: Person, messageId: string, userIds: string[]) =>
    who.client.post<UrgentStatusView & ErrorBody>(`/api/im/messages/${messageId}/urgent`, { userIds });
  const alerts = async (who: Person) => (await who.client.get<{ items: UrgentAlertView[] }>('/api/im/urgent')).body.items;
  const acknowledge = (who: Person, messageId: string) =>
    who.client.post<{ messageId: string; acknowledgedAt: string } & ErrorBody>(`/api/im/messages/${messageId}/urgent/acknowledge`);
  const pins = async (who: Person, chatId: string) =>
    (await who.client.get<{ items: PinView[] }>(`/api/im/chats/${chatId}/pins`)).body.items;

  function connect(who: Person) {
    const frames: Frame[] = [];
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws/client`, { headers: { cookie: who.client.cookieHeader() } });
    sockets.push(socket);
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
    const events = (type: string) => frames.filter((frame) => frame.type === type);
    return { frames, events, ready: () => waitFor(() => (frames.some((f) => f.t === 'hello') ? true : undefined), 'hello') };
  }

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    ({ admin } = await setUpTenant(server));
    alice = await person('Alice', 'alice@acme.test');
    bob = await person('Bob', 'bob@acme.test');
    carol = await person('Carol', 'carol@acme.test');
    dave = await person('Dave', 'dave@acme.test');
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.close();
  });

  it('buzzes chosen members until each acknowledges; the sender sees who did', async () => {
    const chat = await group(alice.client, [bob, carol]);
    const message = await send(alice.client, chat.id, 'Release at 18:00 — please confirm');

    const buzzed = await buzz(alice, message.messageId, [bob.user.id, carol.user.id]);
    expect(buzzed.status).toBe(200);
    expect(buzzed.body).toMatchObject({ messageId: message.id, total: 2, acknowledged: 0 });
    expect(buzzed.body.recipients.map((r) => [r.user.name, r.acknowledgedAt]).sort()).toEqual([
      ['Bob', null],
      ['Carol', null],
    ]);

    const [alert] = await alerts(bob);
    expect(alert).toMatchObject({
      message: { id: message.id, messageId: message.messageId, content: message.content },
      chat: { id: chat.id, chatId: chat.chatId, chatType: 'group', name: 'Launch' },
      buzzedBy: { type: 'user', id: alice.user.id, name: 'Alice' },
    });
    expect(await alerts(alice)).toEqual([]);

    clock.advance(60_000);
    const first = await acknowledge(bob, message.id);
    expect(first.status).toBe(200);
    expect(first.body.acknowledgedAt).toBe(new Date(clock.now()).toISOString());
    clock.advance(60_000);
    // Idempotent: the second acknowledgement answers the first.
    const again = await acknowledge(bob, message.messageId);
    expect(again.body.acknowledgedAt).toBe(first.body.acknowledgedAt);
    expect(await alerts(bob)).toEqual([]);

    const status = await alice.client.get<UrgentStatusView>(`/api/im/messages/${message.id}/urgent`);
    expect(status.body).toMatchObject({ total: 2, acknowledged: 1 });
    expect(status.body.recipients.find((r) => r.user.id === bob.user.id)?.acknowledgedAt).toBe(first.body.acknowledgedAt);
    const markers = await alice.client.get<{ items: UrgentSummary[] }>(`/api/im/chats/${chat.id}/urgent`);
    expect(markers.body.items).toEqual([{ messageId: message.id, total: 2, acknowledged: 1 }]);
    // Recipients see no markers: they neither sent nor buzzed it.
    expect((await carol.client.get<{ items: UrgentSummary[] }>(`/api/im/chats/${chat.id}/urgent`)).body.items).toEqual([]);

    // Buzzing Carol again (still pending) adds nothing; Bob, who acknowledged, is buzzed again.
    const rebuzz = await buzz(alice, message.id, [carol.user.id, bob.user.id]);
    expect(rebuzz.body).toMatchObject({ total: 2, acknowledged: 0 });
    expect((await alerts(carol)).filter((a) => a.message.id === message.id)).toHaveLength(1);
    expect((await alerts(bob)).map((a) => a.message.id)).toEqual([message.id]);

    // Someone who had no buzz cannot acknowledge one.
    expect((await acknowledge(alice, message.id)).status).toBe(404);
  });

  it('lets the sender and the group’s owner and admins buzz, members of the chat only', async () => {
    const chat = await group(alice.client, [bob, carol]);
    const mine = await send(alice.client, chat.id, 'from Alice');
    const bobs = await send(bob.client, chat.id, 'from Bob');

    // Carol is neither the sender nor a manager; Dave is not in the chat; Bob cannot buzz Alice's message.
    const byCarol = await buzz(carol, mine.id, [bob.user.id]);
    expect([byCarol.status, byCarol.body.error.code]).toEqual([403, 'forbidden']);
    expect((await buzz(bob, mine.id, [carol.user.id])).status).toBe(403);
    const byDave = await buzz(dave, mine.id, [bob.user.id]);
    expect([byDave.status, byDave.body.error.code]).toEqual([403, 'not_chat_member']);

    // The owner may buzz about Bob's message, but not Bob himself about it, nor herself.
    const aboutBob = await buzz(alice, bobs.id, [carol.user.id]);
    expect(aboutBob.status).toBe(200);
    const bobAboutOwn = await buzz(alice, bobs.id, [bob.user.id]);
    expect([bobAboutOwn.status, bobAboutOwn.body.error.code]).toEqual([400, 'invalid_recipients']);
    expect((await buzz(alice, mine.id, [alice.user.id])).body.error.code).toBe('invalid_recipients');
    // Bob watches the buzz of his message; Alice sees it on hers as the one who buzzed.
    expect((await bob.client.get<{ items: UrgentSummary[] }>(`/api/im/chats/${chat.id}/urgent`)).body.items).toEqual([
      { messageId: bobs.id, total: 1, acknowledged: 0 },
    ]);

    // A non-member in the list refuses the whole request and stores nothing, not even for Bob.
    const mixed = await buzz(alice, mine.id, [bob.user.id, dave.user.id, 'no-such-user']);
    expect([mixed.status, mixed.body.error.code]).toEqual([400, 'invalid_recipients']);
    expect(mixed.body.error.details?.userIds).toEqual([dave.user.id, 'no-such-user']);
    expect((await alerts(bob)).some((a) => a.message.id === mine.id)).toBe(false);

    // Bad input: nothing stored, clear codes.
    for (const body of [{}, { userIds: [] }, { userIds: 'bob' }, { userIds: Array.from({ length: 201 }, (_, i) => `u${i}`) }]) {
      const bad = await alice.client.post<ErrorBody>(`/api/im/messages/${mine.id}/urgent`, body);
      expect([bad.status, bad.body.error.code]).toEqual([400, 'validation_failed']);
    }
    expect((await buzz(alice, 'om_nonexistent', [bob.user.id])).status).toBe(404);
    expect((await alice.client.get<{ items: UrgentSummary[] }>(`/api/im/chats/${chat.id}/urgent`)).body.items).toEqual([
      { messageId: bobs.id, total: 1, acknowledged: 0 },
    ]);

    // Only those who may buzz see who acknowledged.
    expect((await carol.client.get(`/api/im/messages/${mine.id}/urgent`)).status).toBe(403);
    expect((await dave.client.get(`/api/im/chats/${chat.id}/urgent`)).status).toBe(403);
    expect((await dave.client.post(`/api/im/messages/${bobs.id}/urgent/acknowledge`)).status).toBe(403);
  });

  it('clears a recalled message’s buzzes and refuses new ones; leaving the chat hides the alert', async () => {
    const chat = await group(alice.client, [bob, carol]);
    const message = await send(alice.client, chat.id, 'oops, wrong chat');
    await buzz(alice, message.id, [bob.user.id, carol.user.id]);
    expect((await alerts(bob)).some((a) => a.message.id === message.id)).toBe(true);

    expect((await alice.client.post(`/api/im/messages/${message.id}/recall`)).status).toBe(200);
    expect((await alerts(bob)).some((a) => a.message.id === message.id)).toBe(false);
    const again = await buzz(alice, message.id, [bob.user.id]);
    expect([again.status, again.body.error.code]).toEqual([409, 'message_recalled']);
    expect((await acknowledge(carol, message.id)).status).toBe(404);
    expect((await alice.client.get<UrgentStatusView>(`/api/im/messages/${message.id}/urgent`)).body).toMatchObject({
      total: 0,
      recipients: [],
    });

    const other = await send(alice.client, chat.id, 'still there?');
    await buzz(alice, other.id, [carol.user.id]);
    await alice.client.delete(`/api/im/chats/${chat.id}/members`, { userIds: [carol.user.id] });
    expect((await alerts(carol)).some((a) => a.message.id === other.id)).toBe(false);
    expect((await alice.client.get<UrgentStatusView>(`/api/im/messages/${other.id}/urgent`)).body.total).toBe(0);
  });

  it('sends buzz events to the people concerned only, pin events to the whole chat', async () => {
    const chat = await group(alice.client, [bob, carol]);
    const message = await send(alice.client, chat.id, 'Who can review?');
    const [a, b, c] = [connect(alice), connect(bob), connect(carol)];
    await Promise.all([a.ready(), b.ready(), c.ready()]);

    await buzz(alice, message.id, [bob.user.id]);
    const created = await waitFor(() => b.events('im.urgent.created')[0], 'bob’s alert');
    expect(created.payload).toMatchObject({
      messageId: message.id,
      recipientIds: [bob.user.id],
      summary: { total: 1, acknowledged: 0 },
      alert: { message: { id: message.id }, buzzedBy: { id: alice.user.id } },
    });
    await waitFor(() => a.events('im.urgent.created')[0], 'alice watches');
    // Buzzing Bob again while pending sends nothing new.
    await buzz(alice, message.id, [bob.user.id]);
    await acknowledge(bob, message.id);
    const acked = await waitFor(() => a.events('im.urgent.acknowledged')[0], 'alice hears the acknowledgement');
    expect(acked.payload).toMatchObject({ recipientIds: [bob.user.id], summary: { total: 1, acknowledged: 1 } });
    await waitFor(() => b.events('im.urgent.acknowledged')[0], 'bob’s other tabs');
    expect(b.events('im.urgent.created')).toHaveLength(1);

    // Pins go to everyone in the chat; Carol saw none of the buzz.
    await bob.client.post(`/api/im/messages/${message.id}/pin`);
    await waitFor(() => c.events('im.pin.created')[0], 'carol sees the pin');
    expect(c.events('im.pin.created')[0]!.payload).toMatchObject({ messageId: message.id, openMessageId: message.messageId });
    expect(c.frames.filter((f) => f.type?.startsWith('im.urgent.'))).toEqual([]);
    await alice.client.delete(`/api/im/messages/${message.id}/pin`);
    await waitFor(() => b.events('im.pin.deleted')[0], 'bob sees the unpin');
  });

  it('pins and unpins: members pin, the pinner and managers unpin, newest first', async () => {
    const chat = await group(alice.client, [bob, carol]);
    const first = await send(alice.client, chat.id, 'Agenda');
    const second = await send(carol.client, chat.id, 'Minutes');

    const pinned = await bob.client.post<PinView>(`/api/im/messages/${first.id}/pin`);
    expect(pinned.status).toBe(200);
    expect(pinned.body).toMatchObject({
      message: { id: first.id },
      pinnedBy: { type: 'user', id: bob.user.id, name: 'Bob' },
      canUnpin: true,
    });
    clock.advance(1000);
    // Again: the same pin, not a second one.
    const twice = await carol.client.post<PinView>(`/api/im/messages/${first.messageId}/pin`);
    expect(twice.body.pinnedAt).toBe(pinned.body.pinnedAt);
    expect(twice.body.pinnedBy.id).toBe(bob.user.id);
    await carol.client.post(`/api/im/messages/${second.id}/pin`);

    const seenByCarol = await pins(carol, chat.id);
    expect(seenByCarol.map((pin) => [pin.message.id, pin.canUnpin])).toEqual([
      [second.id, true],
      [first.id, false],
    ]);
    expect((await pins(alice, chat.chatId)).every((pin) => pin.canUnpin)).toBe(true);

    const refused = await carol.client.delete<ErrorBody>(`/api/im/messages/${first.id}/pin`);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden']);
    expect(await pins(bob, chat.id)).toHaveLength(2);
    expect((await alice.client.delete(`/api/im/messages/${first.id}/pin`)).status).toBe(200);
    // Unpinning what is not pinned is a no-op.
    expect((await alice.client.delete(`/api/im/messages/${first.id}/pin`)).status).toBe(200);
    expect((await pins(bob, chat.id)).map((pin) => pin.message.id)).toEqual([second.id]);

    // Outsiders neither pin nor read the list.
    expect((await dave.client.post(`/api/im/messages/${second.id}/pin`)).status).toBe(403);
    expect((await dave.client.get(`/api/im/chats/${chat.id}/pins`)).status).toBe(403);
    expect((await dave.client.delete(`/api/im/messages/${second.id}/pin`)).status).toBe(403);
    expect((await bob.client.post('/api/im/messages/om_nonexistent/pin')).status).toBe(404);
  });

  it('keeps pins to members who may post, drops them on recall, and stops at the limit', async () => {
    const chat = await group(alice.client, [bob, carol]);
    await alice.client.patch(`/api/im/chats/${chat.id}`, { settings: { postPolicy: 'admins' } });
    const notice = await send(alice.client, chat.id, 'Read-only announcement');
    const byMember = await bob.client.post<ErrorBody>(`/api/im/messages/${notice.id}/pin`);
    expect([byMember.status, byMember.body.error.code]).toEqual([403, 'forbidden']);
    await alice.client.patch(`/api/im/chats/${chat.id}`, { settings: { postPolicy: 'all' } });

    const doomed = await send(bob.client, chat.id, 'to be recalled');
    await bob.client.post(`/api/im/messages/${doomed.id}/pin`);
    await bob.client.post(`/api/im/messages/${doomed.id}/recall`);
    expect(await pins(alice, chat.id)).toEqual([]);
    const recalled = await alice.client.post<ErrorBody>(`/api/im/messages/${doomed.id}/pin`);
    expect([recalled.status, recalled.body.error.code]).toEqual([409, 'message_recalled']);

    const messages: MessageView[] = [];
    for (let index = 0; index <= MAX_PINS_PER_CHAT; index++) messages.push(await send(alice.client, chat.id, `item ${index}`));
    for (const message of messages.slice(0, MAX_PINS_PER_CHAT)) {
      expect((await alice.client.post(`/api/im/messages/${message.id}/pin`)).status).toBe(200);
    }
    const over = await alice.client.post<ErrorBody>(`/api/im/messages/${messages[MAX_PINS_PER_CHAT]!.id}/pin`);
    expect([over.status, over.body.error.code]).toEqual([409, 'pin_limit_reached']);
    expect(await pins(alice, chat.id)).toHaveLength(MAX_PINS_PER_CHAT);

    // A dissolved chat takes no pins and answers no list.
    await alice.client.delete(`/api/im/chats/${chat.id}`);
    expect((await alice.client.get<ErrorBody>(`/api/im/chats/${chat.id}/pins`)).body.error.code).toBe('chat_dissolved');
  });
});
