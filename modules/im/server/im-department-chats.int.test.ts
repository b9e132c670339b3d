import type { DepartmentView, UserView } from '@kite/contact/contract';
import type { ChatView, MessageView } from '@kite/im/contract';
import { setUpTenant, startTestServer, type TestServer, testEngines, WebClient } from '@kite/testing/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Department groups follow the org tree: people who join or leave a department join or leave its group. */
describe.each(testEngines())('department groups (%s)', (engine) => {
  let server: TestServer;
  let admin: WebClient;
  let eng: DepartmentView;
  let backend: DepartmentView;
  let sales: DepartmentView;
  const people: Record<string, UserView> = {};
  let chat: ChatView;

  const memberIds = async () => {
    await server.kite.departmentChats.idle();
    const page = await admin.get<{ items: Array<{ user: { id: string } }> }>(`/api/im/chats/${chat.id}/members?limit=100`);
    return page.body.items.map((member) => member.user.id).sort();
  };
  /** Membership follows contact's events once the dispatcher has delivered them: poll briefly. */
  const expectMembers = async (...names: string[]) => {
    const wanted = names.map((name) => people[name]!.id).sort();
    for (let waited = 0; waited < 10_000; waited += 50) {
      if (JSON.stringify(await memberIds()) === JSON.stringify(wanted)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await memberIds()).toEqual(wanted);
  };

  beforeAll(async () => {
    server = await startTestServer({ engine });
    ({ admin } = await setUpTenant(server));
    const department = async (name: string, parentId?: string) =>
      (await admin.post<DepartmentView>('/api/contact/departments', { name, parentId })).body;
    eng = await department('Engineering');
    backend = await department('Backend', eng.id);
    sales = await department('Sales');
    const person = async (name: string, departmentIds: string[], password?: string) => {
      const created = await admin.post<{ user: UserView }>('/api/contact/users', {
        name,
        email: `${name.toLowerCase()}@acme.test`,
        departmentIds,
        ...(password ? { password } : {}),
      });
      expect(created.status).toBe(200);
      people[name] = created.body.user;
    };
    await person('Alice', [backend.id], 'person-password-1');
    await person('Bob', [eng.id]);
    await person('Carol', [sales.id]);
    const me = await admin.get<{ user: UserView }>('/api/auth/session');
    people.Admin = me.body.user;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('creates a group of the whole subtree, named after the department, for administrators only', async () => {
    const alice = new WebClient(server.url);
    await alice.login('alice@acme.test', 'person-password-1');
    const refused = await alice.post('/api/im/department-chats', { departmentId: eng.id });
    expect(refused.status).toBe(403);

    const created = await admin.post<ChatView>('/api/im/department-chats', { departmentId: eng.id });
    expect(created.status).toBe(200);
    chat = created.body;
    expect(chat).toMatchObject({ name: 'Engineering', chatType: 'group', departmentId: eng.id, role: 'owner' });
    await expectMembers('Admin', 'Alice', 'Bob');

    const again = await admin.post('/api/im/department-chats', { departmentId: eng.id, name: 'Eng 2' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'department_chat_exists' } });
    const unknown = await admin.post('/api/im/department-chats', { departmentId: 'nope' });
    expect(unknown.status).toBe(404);
    const bad = await admin.post('/api/im/department-chats', { departmentId: '' });
    expect(bad.status).toBe(400);
  });

  it('adds people who join the department tree and removes those who leave or are deactivated', async () => {
    await admin.patch(`/api/contact/users/${people.Carol!.id}`, { departmentIds: [sales.id, backend.id] });
    await expectMembers('Admin', 'Alice', 'Bob', 'Carol');

    await admin.patch(`/api/contact/users/${people.Alice!.id}`, { departmentIds: [sales.id] });
    await expectMembers('Admin', 'Bob', 'Carol');

    await admin.post(`/api/contact/users/${people.Bob!.id}/deactivate`, {});
    await expectMembers('Admin', 'Carol');

    await admin.post(`/api/contact/users/${people.Bob!.id}/reactivate`, {});
    await expectMembers('Admin', 'Bob', 'Carol');

    // Each change is one line in the group's timeline, the department's doing (no operator).
    const history = (await admin.get<{ items: MessageView[] }>(`/api/im/chats/${chat.id}/messages`)).body.items;
    expect(
      history.map(({ system }) => [system?.template, system?.operator?.name ?? null, system?.targets.map((target) => target.name).sort()]),
    ).toEqual([
      ['chat_created', people.Admin!.name, ['Alice', 'Bob']],
      ['department_members_added', null, ['Carol']],
      ['department_members_removed', null, ['Alice']],
      ['department_members_removed', null, ['Bob']],
      ['department_members_added', null, ['Bob']],
    ]);
  });

  it('keeps people added by hand, and the owner, whatever their department', async () => {
    const added = await admin.post(`/api/im/chats/${chat.id}/members`, { userIds: [people.Alice!.id] });
    expect(added.status).toBe(200);
    await admin.patch(`/api/contact/users/${people.Admin!.id}`, { departmentIds: [sales.id] });
    await server.kite.departmentChats.reconcile();
    await expectMembers('Admin', 'Alice', 'Bob', 'Carol');
  });
});
