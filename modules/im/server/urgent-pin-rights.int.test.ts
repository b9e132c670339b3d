import type { UserView } from '@kite/contact/contract';
import type { ChatView, MessageView, PinView, UrgentAlertView, UrgentStatusView } from '@kite/im/contract';
import { addSignedInPerson, setUpTenant, startTestServer, type TestServer, testEngines, type WebClient } from '@kite/testing/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A group's "who may buzz" and "who may pin" settings (Feishu's `urgent_setting` and
 * `pin_manage_setting`) through the internal API: everyone by default, as before they existed;
 * restricted, a plain member is refused with its own code and nothing is stored, while the owner and
 * admins keep every right.
 */

type ErrorBody = { error: { code: string } };
type Person = { client: WebClient; user: UserView };

const text = (value: string) => JSON.stringify({ text: value });

describe.each(testEngines())('who may buzz and pin in a group (%s)', (engine) => {
  let server: TestServer;
  let alice: Person; // owner
  let bob: Person; // admin
  let carol: Person; // member
  let chat: ChatView;

  async function send(who: Person, body: string): Promise<MessageView> {
    const sent = await who.client.post<MessageView>(`/api/im/chats/${chat.id}/messages`, { msgType: 'text', content: text(body) });
    expect(sent.status).toBe(200);
    return sent.body;
  }
  const chatOf = async (who: Person) => (await who.client.get<ChatView>(`/api/im/chats/${chat.id}`)).body;
  const setPolicies = (who: Person, settings: Partial<ChatView['settings']>) =>
    who.client.patch<ChatView & ErrorBody>(`/api/im/chats/${chat.id}`, { settings });
  const buzz = (who: Person, messageId: string, userIds: string[]) =>
    who.client.post<UrgentStatusView & ErrorBody>(`/api/im/messages/${messageId}/urgent`, { userIds });
  const alertsOf = async (who: Person) => (await who.client.get<{ items: UrgentAlertView[] }>('/api/im/urgent')).body.items;
  const pin = (who: Person, messageId: string) => who.client.post<PinView & ErrorBody>(`/api/im/messages/${messageId}/pin`);
  const unpin = (who: Person, messageId: string) => who.client.delete<ErrorBody>(`/api/im/messages/${messageId}/pin`);
  const pinsOf = async (who: Person) => (await who.client.get<{ items: PinView[] }>(`/api/im/chats/${chat.id}/pins`)).body.items;

  beforeAll(async () => {
    server = await startTestServer({ engine });
    const { admin } = await setUpTenant(server);
    alice = await addSignedInPerson(server, admin, 'Alice');
    bob = await addSignedInPerson(server, admin, 'Bob');
    carol = await addSignedInPerson(server, admin, 'Carol');
    chat = (
      await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Launch', userIds: [bob.user.id, carol.user.id] })
    ).body;
    expect((await alice.client.post(`/api/im/chats/${chat.id}/admins`, { userIds: [bob.user.id] })).status).toBe(200);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('lets everyone buzz their own messages and pin by default, as before the settings existed', async () => {
    const view = await chatOf(carol);
    expect(view.settings).toMatchObject({ buzzPolicy: 'all', pinPolicy: 'all' });
    expect(view.permissions).toMatchObject({ buzz: true, pin: true, manage: false });

    const mine = await send(carol, 'Please review the release notes');
    expect((await buzz(carol, mine.id, [alice.user.id])).status).toBe(200);
    expect((await pin(carol, mine.id)).status).toBe(200);
    expect((await unpin(carol, mine.id)).status).toBe(200);
  });

  it('leaves buzzing to the owner and admins once restricted; a member is refused and nothing is stored', async () => {
    const before = await send(carol, 'Buzzed before the restriction');
    expect((await buzz(carol, before.id, [bob.user.id])).status).toBe(200);

    // Only the owner and admins change it.
    const byMember = await setPolicies(carol, { buzzPolicy: 'admins' });
    expect(byMember.status).toBe(403);
    expect((await chatOf(alice)).settings.buzzPolicy).toBe('all');
    const restricted = await setPolicies(alice, { buzzPolicy: 'admins' });
    expect(restricted.status).toBe(200);
    expect(restricted.body.settings).toMatchObject({ buzzPolicy: 'admins', pinPolicy: 'all', postPolicy: 'all' });
    expect((await chatOf(carol)).permissions).toMatchObject({ buzz: false, pin: true });
    expect((await chatOf(bob)).permissions).toMatchObject({ buzz: true });

    const mine = await send(carol, 'Servers are on fire');
    const refused = await buzz(carol, mine.id, [alice.user.id]);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('buzz_not_allowed');
    expect((await alertsOf(alice)).some((alert) => alert.message.id === mine.id)).toBe(false);
    // Carol still follows the buzz she made before.
    expect((await carol.client.get<UrgentStatusView>(`/api/im/messages/${before.id}/urgent`)).body).toMatchObject({ total: 1 });

    // The admin buzzes about Carol's message and her own; the owner about hers.
    expect((await buzz(bob, mine.id, [alice.user.id])).status).toBe(200);
    expect((await alertsOf(alice)).some((alert) => alert.message.id === mine.id)).toBe(true);
    const byBob = await send(bob, 'Rollback at 18:05');
    expect((await buzz(bob, byBob.id, [carol.user.id])).status).toBe(200);
    const byAlice = await send(alice, 'All hands');
    expect((await buzz(alice, byAlice.id, [carol.user.id])).status).toBe(200);

    expect((await setPolicies(bob, { buzzPolicy: 'all' })).status).toBe(200);
    expect((await buzz(carol, mine.id, [bob.user.id])).status).toBe(200);
  });

  it('leaves pins to the owner and admins once restricted: a member neither pins nor unpins', async () => {
    const carols = await send(carol, 'Runbook link');
    expect((await pin(carol, carols.id)).status).toBe(200);

    expect((await setPolicies(bob, { pinPolicy: 'admins' })).status).toBe(200);
    expect((await chatOf(carol)).permissions).toMatchObject({ pin: false, buzz: true, post: true });
    expect((await chatOf(bob)).permissions).toMatchObject({ pin: true });

    const other = await send(carol, 'Escalation list');
    const refused = await pin(carol, other.id);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('pin_not_allowed');
    // Not even the pin she made before: it stays, and her list says so.
    const unpinRefused = await unpin(carol, carols.id);
    expect(unpinRefused.status).toBe(403);
    expect(unpinRefused.body.error.code).toBe('pin_not_allowed');
    const seenByCarol = await pinsOf(carol);
    expect(seenByCarol.map((item) => [item.message.id, item.canUnpin])).toEqual([[carols.id, false]]);
    expect((await pinsOf(alice)).map((item) => [item.message.id, item.canUnpin])).toEqual([[carols.id, true]]);

    expect((await pin(bob, other.id)).status).toBe(200);
    expect((await unpin(alice, carols.id)).status).toBe(200);
    expect((await pinsOf(carol)).map((item) => item.message.id)).toEqual([other.id]);

    expect((await setPolicies(alice, { pinPolicy: 'all' })).status).toBe(200);
    expect((await pin(carol, carols.id)).status).toBe(200);
  });

  it('refuses unknown policy values, changing nothing', async () => {
    const before = await chatOf(alice);
    for (const settings of [{ buzzPolicy: 'owner' }, { pinPolicy: 'nobody' }, { buzzPolicy: true }]) {
      const refused = await alice.client.patch<ErrorBody>(`/api/im/chats/${chat.id}`, { settings });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('validation_failed');
    }
    expect((await chatOf(alice)).settings).toEqual(before.settings);
  });

  it('keeps p2p chats as they are: both people buzz and pin', async () => {
    const p2p = (await carol.client.post<ChatView>('/api/im/chats', { chatType: 'p2p', userId: bob.user.id })).body;
    expect(p2p.permissions).toMatchObject({ buzz: true, pin: true });
    const sent = await carol.client.post<MessageView>(`/api/im/chats/${p2p.id}/messages`, { msgType: 'text', content: text('ping') });
    expect((await buzz(carol, sent.body.id, [bob.user.id])).status).toBe(200);
    expect((await pin(bob, sent.body.id)).status).toBe(200);
  });
});
