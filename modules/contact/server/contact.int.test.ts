import type { DepartmentView, GroupView, ImportResult, UserView } from '@kite/contact/contract';
import type { GatewayFrame } from '@kite/realtime/contract';
import { setUpTenant, startTestServer, type TestServer, testEngines, WebClient } from '@kite/testing/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}
type EventFrame = Extract<GatewayFrame, { t: 'event' }>;

const CSV_HEADER = 'name,email,mobile,employee_id,title,department,manager_email,is_admin';

/** A client of the realtime gateway that records every frame it receives. */
class GatewayClient {
  readonly frames: GatewayFrame[] = [];
  closeCode: number | undefined;
  private readonly socket: WebSocket;
  private readonly opened: Promise<void>;

  constructor(baseUrl: string, cookie: string, after?: number) {
    const url = `${baseUrl.replace(/^http/, 'ws')}/ws/client${after === undefined ? '' : `?after=${after}`}`;
    this.socket = new WebSocket(url, { headers: cookie ? { cookie } : {} });
    this.socket.on('message', (data) => this.frames.push(JSON.parse(String(data)) as GatewayFrame));
    this.socket.on('close', (code) => {
      this.closeCode = code;
    });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    // A refused socket may never open; only tests that wait on it care.
    this.opened.catch(() => {});
  }

  events(type?: string): EventFrame[] {
    return this.frames.filter((frame): frame is EventFrame => frame.t === 'event' && (!type || frame.type === type));
  }

  /** Waits (without asserting on time) until the frames satisfy `done`. */
  async until(done: (frames: GatewayFrame[]) => boolean, what: string): Promise<void> {
    await this.opened;
    for (let waited = 0; !done(this.frames); waited += 20) {
      if (waited > 10_000) throw new Error(`gateway: timed out waiting for ${what}; got ${JSON.stringify(this.frames)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async closed(): Promise<number> {
    for (let waited = 0; this.closeCode === undefined; waited += 20) {
      if (waited > 10_000) throw new Error('gateway: socket did not close');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.closeCode;
  }

  close(): void {
    this.socket.close();
  }
}

describe.each(testEngines())('contact (%s)', (engine) => {
  let server: TestServer;
  let admin: WebClient;
  let adminId: string;
  let member: WebClient;
  let memberId: string;

  beforeAll(async () => {
    server = await startTestServer({ engine });
    ({ admin } = await setUpTenant(server));
    adminId = (await admin.get<{ user: UserView }>('/api/auth/session')).body.user.id;
    const created = await admin.post<{ user: UserView }>('/api/contact/users', {
      name: 'Plain Member',
      email: 'member@acme.test',
      password: 'member-password-1',
    });
    memberId = created.body.user.id;
    member = new WebClient(server.url);
    await member.login('member@acme.test', 'member-password-1');
  });
  afterAll(async () => {
    await server?.close();
  });

  async function createUser(input: Record<string, unknown>): Promise<UserView> {
    const response = await admin.post<{ user: UserView }>('/api/contact/users', input);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.user;
  }
  async function createDepartment(input: Record<string, unknown>): Promise<DepartmentView> {
    const response = await admin.post<DepartmentView>('/api/contact/departments', input);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  }
  async function departments(): Promise<DepartmentView[]> {
    return (await admin.get<{ items: DepartmentView[] }>('/api/contact/departments')).body.items;
  }
  async function allUsers(): Promise<UserView[]> {
    return (await admin.get<{ items: UserView[] }>('/api/contact/users?status=all&limit=200')).body.items;
  }
  async function search(q: string): Promise<string[]> {
    const response = await admin.get<{ items: UserView[] }>(`/api/contact/users?q=${encodeURIComponent(q)}&limit=200`);
    expect(response.status).toBe(200);
    return response.body.items.map((user) => user.name);
  }
  async function importCsv(csv: string, dryRun = false) {
    return admin.post<ImportResult>('/api/contact/import', { csv, dryRun });
  }

  describe('departments', () => {
    it('creates a tree, renames and moves departments', async () => {
      const engineering = await createDepartment({ name: 'Engineering' });
      expect(engineering).toMatchObject({ name: 'Engineering', parentId: null, leaders: [], memberCount: 0 });
      expect(engineering.openDepartmentId).toMatch(/^od-/);
      const backend = await createDepartment({ name: 'Backend', parentId: engineering.id });
      const platform = await createDepartment({ name: 'Platform', parentId: backend.id, departmentId: 'PLAT-1' });
      expect(backend.parentId).toBe(engineering.id);
      expect(platform.departmentId).toBe('PLAT-1');

      const renamed = await admin.patch<DepartmentView>(`/api/contact/departments/${backend.id}`, { name: 'Backend Services' });
      expect(renamed.status).toBe(200);
      expect(renamed.body.name).toBe('Backend Services');

      const toRoot = await admin.patch<DepartmentView>(`/api/contact/departments/${platform.id}`, { parentId: null });
      expect(toRoot.body.parentId).toBeNull();
      const back = await admin.patch<DepartmentView>(`/api/contact/departments/${platform.id}`, { parentId: engineering.id, order: 5 });
      expect(back.body).toMatchObject({ parentId: engineering.id, order: 5 });

      const listed = await departments();
      expect(listed.find((d) => d.id === backend.id)).toMatchObject({ name: 'Backend Services', parentId: engineering.id });
      expect(listed.find((d) => d.id === platform.id)?.parentId).toBe(engineering.id);
    });

    it('refuses cycles with 409 department_cycle and leaves the tree as it was', async () => {
      const top = await createDepartment({ name: 'Cycle Top' });
      const middle = await createDepartment({ name: 'Cycle Middle', parentId: top.id });
      const bottom = await createDepartment({ name: 'Cycle Bottom', parentId: middle.id });
      for (const parentId of [bottom.id, middle.id, top.id]) {
        const response = await admin.patch<ErrorBody>(`/api/contact/departments/${top.id}`, { parentId });
        expect(response.status).toBe(409);
        expect(response.body.error.code).toBe('department_cycle');
      }
      const moveMiddle = await admin.patch<ErrorBody>(`/api/contact/departments/${middle.id}`, { parentId: bottom.id });
      expect(moveMiddle.body.error.code).toBe('department_cycle');
      const unknownParent = await admin.patch<ErrorBody>(`/api/contact/departments/${top.id}`, { parentId: 'no-such-department' });
      expect(unknownParent.status).toBe(404);

      const listed = await departments();
      expect(listed.find((d) => d.id === top.id)?.parentId).toBeNull();
      expect(listed.find((d) => d.id === middle.id)?.parentId).toBe(top.id);
      expect(listed.find((d) => d.id === bottom.id)?.parentId).toBe(middle.id);
    });

    it('sets leaders, and refuses unknown ones', async () => {
      const leader = await createUser({ name: 'Lead Person', email: 'lead@acme.test' });
      const team = await createDepartment({ name: 'Led Team', leaderUserIds: [leader.id] });
      expect(team.leaders).toEqual([{ id: leader.id, name: 'Lead Person' }]);
      const changed = await admin.patch<DepartmentView>(`/api/contact/departments/${team.id}`, { leaderUserIds: [adminId, leader.id] });
      expect(changed.body.leaders).toEqual([
        { id: adminId, name: 'Admin' },
        { id: leader.id, name: 'Lead Person' },
      ]);
      const unknown = await admin.patch<ErrorBody>(`/api/contact/departments/${team.id}`, { leaderUserIds: ['no-such-user'] });
      expect(unknown.status).toBe(404);
      expect((await departments()).find((d) => d.id === team.id)?.leaders).toHaveLength(2);
      const cleared = await admin.patch<DepartmentView>(`/api/contact/departments/${team.id}`, { leaderUserIds: [] });
      expect(cleared.body.leaders).toEqual([]);
    });

    it('deletes a department only when it is empty (409 department_not_empty)', async () => {
      const parent = await createDepartment({ name: 'Delete Parent' });
      const child = await createDepartment({ name: 'Delete Child', parentId: parent.id });
      const withChild = await admin.delete<ErrorBody>(`/api/contact/departments/${parent.id}`);
      expect(withChild.status).toBe(409);
      expect(withChild.body.error.code).toBe('department_not_empty');

      const person = await createUser({ name: 'Child Member', email: 'child-member@acme.test', departmentIds: [child.id] });
      const withMember = await admin.delete<ErrorBody>(`/api/contact/departments/${child.id}`);
      expect(withMember.status).toBe(409);
      expect(withMember.body.error.code).toBe('department_not_empty');
      // A deactivated member still belongs to the department.
      expect((await admin.post(`/api/contact/users/${person.id}/deactivate`)).status).toBe(200);
      expect((await admin.delete<ErrorBody>(`/api/contact/departments/${child.id}`)).status).toBe(409);

      expect((await admin.patch(`/api/contact/users/${person.id}`, { departmentIds: [] })).status).toBe(200);
      expect((await admin.delete(`/api/contact/departments/${child.id}`)).status).toBe(200);
      expect((await admin.delete(`/api/contact/departments/${parent.id}`)).status).toBe(200);
      const ids = (await departments()).map((d) => d.id);
      expect(ids).not.toContain(parent.id);
      expect(ids).not.toContain(child.id);
      expect((await admin.delete<ErrorBody>(`/api/contact/departments/${parent.id}`)).status).toBe(404);
    });

    it('validates department input', async () => {
      const before = (await departments()).length;
      expect((await admin.post<ErrorBody>('/api/contact/departments', { name: '   ' })).status).toBe(400);
      expect((await admin.post<ErrorBody>('/api/contact/departments', { name: 'x'.repeat(101) })).status).toBe(400);
      expect((await admin.post<ErrorBody>('/api/contact/departments', { name: 'Orphan', parentId: 'no-such-parent' })).status).toBe(404);
      await createDepartment({ name: 'Unique Id', departmentId: 'DUP-1' });
      const duplicate = await admin.post<ErrorBody>('/api/contact/departments', { name: 'Copy', departmentId: 'DUP-1' });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.error.code).toBe('department_id_taken');
      expect((await departments()).length).toBe(before + 1);
    });
  });

  describe('users', () => {
    it('creates a user with a temporary password that signs in', async () => {
      const response = await admin.post<{ user: UserView; temporaryPassword: string }>('/api/contact/users', {
        name: 'Temp Person',
        email: 'Temp.Person@Acme.test',
        mobile: '+86 138 0000 0001',
        title: 'Engineer',
        employeeId: 'E-001',
      });
      expect(response.status).toBe(200);
      const { user, temporaryPassword } = response.body;
      expect(user).toMatchObject({
        name: 'Temp Person',
        email: 'temp.person@acme.test',
        mobile: '+86 138 0000 0001',
        title: 'Engineer',
        employeeId: 'E-001',
        userId: 'E-001',
        status: 'active',
        isAdmin: false,
        departments: [],
        manager: null,
      });
      expect(user.openId).toMatch(/^ou_/);
      expect(user.unionId).toMatch(/^on_/);
      expect(temporaryPassword).toEqual(expect.any(String));
      const session = await new WebClient(server.url).post<{ user: UserView }>('/api/auth/login', {
        email: 'temp.person@acme.test',
        password: temporaryPassword,
      });
      expect(session.status).toBe(200);
      expect(session.body.user.id).toBe(user.id);

      const withPassword = await admin.post<{ user: UserView; temporaryPassword?: string }>('/api/contact/users', {
        name: 'Own Password',
        email: 'own@acme.test',
        password: 'chosen-password',
      });
      expect(withPassword.body.temporaryPassword).toBeUndefined();
    });

    it('refuses duplicate e-mail, mobile and employee id with a 409 and creates nothing', async () => {
      await createUser({ name: 'Original', email: 'original@acme.test', mobile: '13900000001', employeeId: 'ORIG-1' });
      const before = (await allUsers()).length;
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ name: 'Dup', email: 'ORIGINAL@acme.test' }, 'email_taken'],
        [{ name: 'Dup', email: 'dup1@acme.test', mobile: '13900000001' }, 'mobile_taken'],
        [{ name: 'Dup', email: 'dup2@acme.test', employeeId: 'ORIG-1' }, 'employee_id_taken'],
      ];
      for (const [input, code] of cases) {
        const response = await admin.post<ErrorBody>('/api/contact/users', input);
        expect(response.status).toBe(409);
        expect(response.body.error.code).toBe(code);
      }
      expect((await allUsers()).length).toBe(before);
    });

    it('answers a double submit with one user and 409s, never a 500', async () => {
      const before = (await allUsers()).length;
      const submits = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          admin.post<ErrorBody>('/api/contact/users', { name: `Double ${i}`, email: 'double@acme.test', employeeId: `DBL-${i}` }),
        ),
      );
      expect(submits.map((submit) => submit.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
      for (const lost of submits.filter((submit) => submit.status === 409)) expect(lost.body.error.code).toBe('email_taken');
      expect((await allUsers()).length).toBe(before + 1);

      const departments = await Promise.all(
        Array.from({ length: 4 }, () => admin.post<ErrorBody>('/api/contact/departments', { name: 'Twin', departmentId: 'TWIN-1' })),
      );
      expect(departments.map((response) => response.status).sort()).toEqual([200, 409, 409, 409]);
      for (const lost of departments.filter((response) => response.status === 409))
        expect(lost.body.error.code).toBe('department_id_taken');
    });

    it('edits a user and moves them between departments', async () => {
      const red = await createDepartment({ name: 'Red Team' });
      const blue = await createDepartment({ name: 'Blue Team' });
      const user = await createUser({ name: 'Mover', email: 'mover@acme.test', departmentIds: [red.id] });
      expect(user.departments).toEqual([{ id: red.id, name: 'Red Team' }]);

      const edited = await admin.patch<UserView>(`/api/contact/users/${user.id}`, {
        name: 'Mover Renamed',
        title: 'Lead',
        mobile: '13700000002',
        enName: 'Mover EN',
        departmentIds: [red.id, blue.id],
      });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ name: 'Mover Renamed', title: 'Lead', mobile: '13700000002', enName: 'Mover EN' });
      expect(edited.body.departments.map((d) => d.name).sort()).toEqual(['Blue Team', 'Red Team']);

      const fetched = await admin.get<UserView>(`/api/contact/users/${user.id}`);
      expect({ ...fetched.body, departments: [] }).toEqual({ ...edited.body, departments: [] });
      expect(fetched.body.departments.map((d) => d.name).sort()).toEqual(['Blue Team', 'Red Team']);
      const counts = await departments();
      expect(counts.find((d) => d.id === blue.id)?.memberCount).toBe(1);

      const moved = await admin.patch<UserView>(`/api/contact/users/${user.id}`, { departmentIds: [blue.id] });
      expect(moved.body.departments).toEqual([{ id: blue.id, name: 'Blue Team' }]);
      const inRed = await admin.get<{ items: UserView[] }>(`/api/contact/users?departmentId=${red.id}`);
      expect(inRed.body.items).toEqual([]);

      const unknown = await admin.patch<ErrorBody>(`/api/contact/users/${user.id}`, { departmentIds: [blue.id, 'no-such-department'] });
      expect(unknown.status).toBe(404);
      expect((await admin.get<UserView>(`/api/contact/users/${user.id}`)).body.departments).toEqual([{ id: blue.id, name: 'Blue Team' }]);
      expect((await admin.get<ErrorBody>('/api/contact/users/no-such-user')).status).toBe(404);
    });

    it('sets a manager and refuses reporting cycles', async () => {
      const ceo = await createUser({ name: 'Chief', email: 'chief@acme.test' });
      const vp = await createUser({ name: 'Vice', email: 'vice@acme.test', managerId: ceo.id });
      const engineer = await createUser({ name: 'Engineer', email: 'engineer@acme.test' });
      expect(vp.manager).toEqual({ id: ceo.id, name: 'Chief' });
      const managed = await admin.patch<UserView>(`/api/contact/users/${engineer.id}`, { managerId: vp.id });
      expect(managed.body.manager).toEqual({ id: vp.id, name: 'Vice' });

      for (const [userId, managerId] of [
        [ceo.id, ceo.id],
        [ceo.id, vp.id],
        [ceo.id, engineer.id],
      ] as const) {
        const response = await admin.patch<ErrorBody>(`/api/contact/users/${userId}`, { managerId });
        expect(response.status).toBe(409);
        expect(response.body.error.code).toBe('manager_cycle');
      }
      expect((await admin.get<UserView>(`/api/contact/users/${ceo.id}`)).body.manager).toBeNull();
      expect((await admin.patch<ErrorBody>(`/api/contact/users/${engineer.id}`, { managerId: 'no-such-user' })).status).toBe(404);
      const cleared = await admin.patch<UserView>(`/api/contact/users/${engineer.id}`, { managerId: null });
      expect(cleared.body.manager).toBeNull();
    });

    it('deactivates and reactivates a user; lists filter by status', async () => {
      const user = await createUser({ name: 'Status Person', email: 'status@acme.test' });
      const deactivated = await admin.post<UserView>(`/api/contact/users/${user.id}/deactivate`);
      expect(deactivated.body.status).toBe('deactivated');
      const active = await admin.get<{ items: UserView[] }>('/api/contact/users?limit=200');
      expect(active.body.items.map((u) => u.id)).not.toContain(user.id);
      const inactive = await admin.get<{ items: UserView[] }>('/api/contact/users?status=deactivated&limit=200');
      expect(inactive.body.items.map((u) => u.id)).toContain(user.id);
      expect(inactive.body.items.every((u) => u.status === 'deactivated')).toBe(true);
      expect((await allUsers()).map((u) => u.id)).toContain(user.id);

      const again = await admin.post<UserView>(`/api/contact/users/${user.id}/reactivate`);
      expect(again.body.status).toBe('active');
      expect((await admin.get<{ items: UserView[] }>('/api/contact/users?limit=200')).body.items.map((u) => u.id)).toContain(user.id);

      const self = await admin.post<ErrorBody>(`/api/contact/users/${adminId}/deactivate`);
      expect(self.status).toBe(409);
      expect(self.body.error.code).toBe('cannot_deactivate_self');
      expect((await admin.post<ErrorBody>('/api/contact/users/no-such-user/deactivate')).status).toBe(404);
    });

    it('keeps at least one active administrator', async () => {
      const demoteSelf = await admin.patch<ErrorBody>(`/api/contact/users/${adminId}`, { isAdmin: false });
      expect(demoteSelf.status).toBe(409);
      expect(demoteSelf.body.error.code).toBe('last_admin');
      expect((await admin.get<UserView>(`/api/contact/users/${adminId}`)).body.isAdmin).toBe(true);

      // With a second administrator, one of them may step down.
      const second = await createUser({
        name: 'Second Admin',
        email: 'second-admin@acme.test',
        password: 'second-admin-pw',
        isAdmin: true,
      });
      const secondClient = new WebClient(server.url);
      await secondClient.login('second-admin@acme.test', 'second-admin-pw');
      const stepDown = await secondClient.patch<UserView>(`/api/contact/users/${second.id}`, { isAdmin: false });
      expect(stepDown.status).toBe(200);
      expect(stepDown.body.isAdmin).toBe(false);
      // Now not an administrator any more: the same session may no longer write.
      expect((await secondClient.patch<ErrorBody>(`/api/contact/users/${second.id}`, { isAdmin: true })).status).toBe(403);
      expect((await admin.patch<ErrorBody>(`/api/contact/users/${adminId}`, { isAdmin: false })).body.error.code).toBe('last_admin');

      // A deactivated administrator does not count.
      const third = await createUser({ name: 'Third Admin', email: 'third-admin@acme.test', isAdmin: true });
      expect((await admin.post(`/api/contact/users/${third.id}/deactivate`)).status).toBe(200);
      expect((await admin.patch<ErrorBody>(`/api/contact/users/${adminId}`, { isAdmin: false })).body.error.code).toBe('last_admin');
    });
  });

  describe('groups', () => {
    it('creates, renames, fills, empties and deletes a group', async () => {
      const one = await createUser({ name: 'Group One', email: 'group-one@acme.test' });
      const two = await createUser({ name: 'Group Two', email: 'group-two@acme.test' });
      const created = await admin.post<GroupView>('/api/contact/groups', { name: 'On-call', description: 'Pager rota' });
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({ name: 'On-call', description: 'Pager rota', memberCount: 0 });
      const groupId = created.body.id;

      const renamed = await admin.patch<GroupView>(`/api/contact/groups/${groupId}`, { name: 'On-call rota' });
      expect(renamed.body.name).toBe('On-call rota');

      const added = await admin.post<GroupView>(`/api/contact/groups/${groupId}/members`, { userIds: [one.id, two.id, one.id] });
      expect(added.body.memberCount).toBe(2);
      const addedAgain = await admin.post<GroupView>(`/api/contact/groups/${groupId}/members`, { userIds: [two.id] });
      expect(addedAgain.body.memberCount).toBe(2);
      const members = await member.get<{ items: UserView[] }>(`/api/contact/groups/${groupId}/members`);
      expect(members.status).toBe(200);
      expect(members.body.items.map((u) => u.name)).toEqual(['Group One', 'Group Two']);

      const unknown = await admin.post<ErrorBody>(`/api/contact/groups/${groupId}/members`, { userIds: [one.id, 'no-such-user'] });
      expect(unknown.status).toBe(404);
      expect((await admin.post<ErrorBody>(`/api/contact/groups/${groupId}/members`, { userIds: [] })).status).toBe(400);

      const removed = await admin.delete<GroupView>(`/api/contact/groups/${groupId}/members`, { userIds: [one.id] });
      expect(removed.body.memberCount).toBe(1);
      const listed = await admin.get<{ items: GroupView[] }>('/api/contact/groups');
      expect(listed.body.items.find((g) => g.id === groupId)).toMatchObject({ name: 'On-call rota', memberCount: 1 });

      expect((await admin.delete(`/api/contact/groups/${groupId}`)).status).toBe(200);
      expect((await admin.get<ErrorBody>(`/api/contact/groups/${groupId}/members`)).status).toBe(404);
      expect((await admin.delete<ErrorBody>(`/api/contact/groups/${groupId}`)).status).toBe(404);
      expect((await admin.patch<ErrorBody>(`/api/contact/groups/${groupId}`, { name: 'Ghost' })).status).toBe(404);
    });
  });

  describe('people search', () => {
    beforeAll(async () => {
      await createUser({ name: '张三', email: 'zhangsan@acme.test' });
      await createUser({ name: '李四', email: 'lisi@acme.test' });
      await createUser({ name: 'Alice Wang', email: 'alice.wang@acme.test', mobile: '13912345678' });
      await createUser({ name: 'Percent 100%', email: 'percent@acme.test' });
    });

    it('finds people by name, pinyin, initials, e-mail and mobile', async () => {
      expect(await search('张三')).toEqual(['张三']);
      expect(await search('张')).toEqual(['张三']);
      expect(await search('zhangsan')).toEqual(['张三']);
      expect(await search('Zhang San')).toEqual(['张三']);
      expect(await search('zs')).toEqual(['张三']);
      expect(await search('ls')).toEqual(['李四']);
      expect(await search('lisi')).toEqual(['李四']);
      expect(await search('alice')).toEqual(['Alice Wang']);
      expect(await search('ALICE WANG')).toEqual(['Alice Wang']);
      expect(await search('aw')).toEqual(['Alice Wang']);
      expect(await search('alice.wang@')).toEqual(['Alice Wang']);
      expect(await search('1391234')).toEqual(['Alice Wang']);
      expect(await search('nobody-is-called-this')).toEqual([]);
    });

    it('treats LIKE wildcards in the query as plain characters', async () => {
      expect(await search('100%')).toEqual(['Percent 100%']);
      expect(await search('%')).toEqual(['Percent 100%']);
      expect(await search('_')).toEqual([]);
    });
  });

  describe('keyset pagination', () => {
    it('pages through everyone with a cursor, with no duplicates and no gaps, also across inserts', async () => {
      const rows = Array.from({ length: 23 }, (_, i) => `Page Person ${String(i).padStart(2, '0')},page${i}@pages.test,,,,,,`);
      // Equal names: the cursor must break ties by id.
      for (let i = 0; i < 6; i++) rows.push(`Same Name,same${i}@pages.test,,,,,,`);
      const imported = await importCsv([CSV_HEADER, ...rows].join('\n'));
      expect(imported.body.ok).toBe(true);

      const everyone = (await admin.get<{ items: UserView[] }>('/api/contact/users?limit=200')).body.items;
      const seen: UserView[] = [];
      let cursor: string | null = null;
      let pages = 0;
      let inserted = false;
      do {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page = await admin.get<{ items: UserView[]; nextCursor: string | null }>(`/api/contact/users?limit=4${query}`);
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(4);
        seen.push(...page.body.items);
        cursor = page.body.nextCursor;
        pages++;
        if (pages === 3 && !inserted) {
          // Someone who sorts before the cursor joins mid-way: they must not shift later pages.
          inserted = true;
          await createUser({ name: 'AAA Early Bird', email: 'early@pages.test' });
        }
      } while (cursor && pages < 100);

      expect(pages).toBeGreaterThan(5);
      const seenIds = seen.map((user) => user.id);
      expect(new Set(seenIds).size).toBe(seenIds.length);
      expect(seenIds).toEqual(everyone.map((user) => user.id));
      const names = seen.map((user) => user.name);
      expect(names.filter((name) => name === 'Same Name')).toHaveLength(6);
    });

    it('rejects a malformed cursor and limit with 400', async () => {
      for (const query of ['cursor=not-a-cursor', 'limit=0', 'limit=201', 'limit=ten', 'status=gone']) {
        const response = await admin.get<ErrorBody>(`/api/contact/users?${query}`);
        expect(response.status, query).toBe(400);
        expect(response.body.error.code).toBe('validation_failed');
      }
    });
  });

  describe('permissions', () => {
    it('lets every member read the directory', async () => {
      expect((await member.get('/api/contact/users')).status).toBe(200);
      expect((await member.get('/api/contact/departments')).status).toBe(200);
      expect((await member.get('/api/contact/groups')).status).toBe(200);
      expect((await member.get(`/api/contact/users/${adminId}`)).status).toBe(200);
    });

    it('answers 403 forbidden to a non-admin on every write, and nothing changes', async () => {
      const usersBefore = await allUsers();
      const departmentsBefore = await departments();
      const department = departmentsBefore[0]!;
      const group = (await admin.post<GroupView>('/api/contact/groups', { name: 'Protected Group' })).body;
      const writes: Array<[string, string, unknown]> = [
        ['POST', '/api/contact/departments', { name: 'Not Allowed' }],
        ['PATCH', `/api/contact/departments/${department.id}`, { name: 'Hijacked' }],
        ['DELETE', `/api/contact/departments/${department.id}`, undefined],
        ['POST', '/api/contact/users', { name: 'Not Allowed', email: 'not-allowed@acme.test' }],
        ['PATCH', `/api/contact/users/${adminId}`, { title: 'Hijacked' }],
        ['PATCH', `/api/contact/users/${memberId}`, { isAdmin: true }],
        ['POST', `/api/contact/users/${adminId}/deactivate`, {}],
        ['POST', `/api/contact/users/${adminId}/reset-password`, { password: 'hijacked-password' }],
        ['POST', '/api/contact/groups', { name: 'Not Allowed' }],
        ['PATCH', `/api/contact/groups/${group.id}`, { name: 'Hijacked' }],
        ['POST', `/api/contact/groups/${group.id}/members`, { userIds: [memberId] }],
        ['DELETE', `/api/contact/groups/${group.id}`, undefined],
        ['POST', '/api/contact/import', { csv: `${CSV_HEADER}\nSneaky,sneaky@acme.test,,,,,,` }],
      ];
      for (const [method, path, body] of writes) {
        const response = await member.request<ErrorBody>(method, path, body);
        expect(response.status, `${method} ${path}`).toBe(403);
        expect(response.body.error.code).toBe('forbidden');
      }
      expect(await allUsers()).toEqual(usersBefore);
      expect(await departments()).toEqual(departmentsBefore);
      expect((await admin.get<{ items: GroupView[] }>('/api/contact/groups')).body.items.find((g) => g.id === group.id)).toMatchObject({
        name: 'Protected Group',
        memberCount: 0,
      });
      expect(
        (await new WebClient(server.url).post('/api/auth/login', { email: 'admin@acme.test', password: 'correct-horse-battery' })).status,
      ).toBe(200);
    });
  });

  describe('CSV import', () => {
    it('imports people, creates departments from paths and resolves managers', async () => {
      const csv = [
        CSV_HEADER,
        'Import Boss,boss@import.test,13600000001,IMP-1,Director,Imported/Leadership,,yes',
        '"Worker, Jr.",worker@import.test,,IMP-2,"Builds ""things""",Imported/Builders,boss@import.test,',
        'Helper,helper@import.test,,,,Imported/Builders,worker@import.test,no',
      ].join('\r\n');
      const response = await importCsv(csv);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ ok: true, dryRun: false, created: { users: 3, departments: 3 }, errors: [] });

      const tree = await departments();
      const imported = tree.find((d) => d.name === 'Imported' && d.parentId === null);
      expect(imported).toBeDefined();
      const builders = tree.find((d) => d.name === 'Builders');
      expect(builders?.parentId).toBe(imported!.id);
      expect(tree.find((d) => d.name === 'Leadership')?.parentId).toBe(imported!.id);

      const users = await allUsers();
      const boss = users.find((u) => u.email === 'boss@import.test')!;
      const worker = users.find((u) => u.email === 'worker@import.test')!;
      const helper = users.find((u) => u.email === 'helper@import.test')!;
      expect(boss).toMatchObject({ name: 'Import Boss', mobile: '13600000001', employeeId: 'IMP-1', title: 'Director', isAdmin: true });
      expect(worker).toMatchObject({
        name: 'Worker, Jr.',
        title: 'Builds "things"',
        isAdmin: false,
        manager: { id: boss.id, name: 'Import Boss' },
      });
      expect(worker.departments).toEqual([{ id: builders!.id, name: 'Builders' }]);
      expect(helper.manager).toEqual({ id: worker.id, name: 'Worker, Jr.' });

      // Existing departments are reused, not duplicated.
      const second = await importCsv(`${CSV_HEADER}\nLate Builder,late@import.test,,,,Imported/Builders,,`);
      expect(second.body).toMatchObject({ ok: true, created: { users: 1, departments: 0 } });
      expect((await departments()).filter((d) => d.name === 'Builders')).toHaveLength(1);
    });

    it('writes nothing on a dry run, but reports what it would create', async () => {
      const usersBefore = await allUsers();
      const departmentsBefore = await departments();
      const response = await importCsv(`${CSV_HEADER}\nDry Person,dry@import.test,,,,Dry/Run,,`, true);
      expect(response.body).toEqual({ ok: true, dryRun: true, created: { users: 1, departments: 2 }, errors: [] });
      expect(await allUsers()).toEqual(usersBefore);
      expect(await departments()).toEqual(departmentsBefore);
    });

    it('reports row-level errors and imports nothing when one row is bad', async () => {
      const usersBefore = await allUsers();
      const departmentsBefore = await departments();
      const csv = [
        CSV_HEADER,
        'Good One,good1@bad-file.test,,,,Bad File Dept/Team,,',
        'Bad Email,not-an-email,,,,,,',
        'Good Two,good2@bad-file.test,,,,,,',
        'Duplicate,good1@bad-file.test,,,,,,',
        'No Manager,nomanager@bad-file.test,,,,,ghost@bad-file.test,',
        'Existing,admin@acme.test,,,,,,',
      ].join('\n');
      const response = await importCsv(csv);
      expect(response.status).toBe(200);
      expect(response.body.ok).toBe(false);
      expect(response.body.created).toEqual({ users: 0, departments: 0 });
      const errors = response.body.errors;
      expect(errors.find((e) => e.row === 3)).toMatchObject({ column: 'email' });
      expect(errors.find((e) => e.row === 5)?.message).toMatch(/e-?mail/i);
      expect(errors.find((e) => e.row === 6)).toMatchObject({ column: 'manager_email' });
      expect(errors.find((e) => e.row === 7)?.message).toMatch(/e-?mail/i);
      expect(errors.map((e) => e.row).sort()).toEqual([3, 5, 6, 7]);

      expect(await allUsers()).toEqual(usersBefore);
      expect(await departments()).toEqual(departmentsBefore);
    });

    it('tolerates a byte-order mark, quoted headers and blank lines', async () => {
      const csv = `\uFEFF"name","email","department"\r\nBom Person,bom@import.test,Bom Dept\r\n\r\n`;
      const response = await importCsv(csv);
      expect(response.body).toEqual({ ok: true, dryRun: false, created: { users: 1, departments: 1 }, errors: [] });
      const bom = (await allUsers()).find((u) => u.email === 'bom@import.test');
      expect(bom?.name).toBe('Bom Person');
      expect(bom?.departments.map((d) => d.name)).toEqual(['Bom Dept']);
    });

    it('reports unknown and missing columns and imports nothing', async () => {
      const usersBefore = await allUsers();
      const unknown = await importCsv('name,email,nickname,shoe_size\nNick,nick@import.test,nicky,42');
      expect(unknown.body.ok).toBe(false);
      expect(unknown.body.errors).toEqual([expect.objectContaining({ row: 1, message: expect.stringMatching(/nickname, shoe_size/) })]);

      const missing = await importCsv('name,mobile,manager_email\nNo Email,13500000009,');
      expect(missing.body.ok).toBe(false);
      expect(missing.body.errors).toEqual([expect.objectContaining({ row: 1, message: expect.stringMatching(/name and email/) })]);

      const empty = await importCsv(CSV_HEADER);
      expect(empty.body.ok).toBe(false);
      expect(empty.body.errors[0]?.message).toMatch(/no data rows/);

      const broken = await importCsv('name,email\n"unterminated,quote@import.test');
      expect(broken.body.ok).toBe(false);
      expect(broken.body.errors[0]?.message).toMatch(/not valid CSV/);

      expect(await allUsers()).toEqual(usersBefore);
      const invalid = await admin.post<ErrorBody>('/api/contact/import', { csv: '' });
      expect(invalid.status).toBe(400);
    });
  });

  describe('text round-trips', () => {
    it('keeps Chinese, emoji, right-to-left and combining text exactly', async () => {
      const names = ['中文名字', '🚀 Rocket 👩‍💻', 'שלום עולם', 'مرحبا بالعالم', 'Zoë Ünïcødé', 'Cafe\u0301 decomposed'];
      for (const [index, name] of names.entries()) {
        const user = await createUser({ name, email: `unicode${index}@acme.test`, title: `${name} title` });
        expect(user.name).toBe(name);
        const fetched = await admin.get<UserView>(`/api/contact/users/${user.id}`);
        expect(fetched.body.name).toBe(name);
        expect(fetched.body.title).toBe(`${name} title`);
      }
      const department = await createDepartment({ name: '研发部 🚀 שלום' });
      expect((await departments()).find((d) => d.id === department.id)?.name).toBe('研发部 🚀 שלום');
      const group = await admin.post<GroupView>('/api/contact/groups', { name: '🚀 小组', description: 'שלום 👋' });
      expect((await admin.get<{ items: GroupView[] }>('/api/contact/groups')).body.items.find((g) => g.id === group.body.id)).toMatchObject(
        {
          name: '🚀 小组',
          description: 'שלום 👋',
        },
      );
      expect(await search('🚀')).toEqual(['🚀 Rocket 👩‍💻']);
      expect(await search('שלום')).toEqual(['שלום עולם']);

      const imported = await importCsv(`${CSV_HEADER}\n王五 🚀,wangwu@acme.test,,,,研发部/后端 🚀,,`);
      expect(imported.body.ok).toBe(true);
      const wang = (await allUsers()).find((u) => u.email === 'wangwu@acme.test');
      expect(wang?.name).toBe('王五 🚀');
      expect(wang?.departments.map((d) => d.name)).toEqual(['后端 🚀']);
      expect(await search('wangwu')).toEqual(['王五 🚀']);
    });

    it('stores SQL and HTML injection strings verbatim and harmlessly', async () => {
      const payloads = [
        "Robert'); DROP TABLE contact_user;--",
        '" OR 1=1 --',
        "' OR ''='",
        '<script>alert(1)</script>',
        '<img src=x onerror=alert(1)>',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally
        '${7*7} {{7*7}} %s %n',
        '\\\\ \\" \\u0000-not-a-nul',
      ];
      for (const [index, payload] of payloads.entries()) {
        const response = await admin.post<{ user: UserView }>('/api/contact/users', {
          name: payload,
          email: `inject${index}@acme.test`,
          title: payload,
        });
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        const fetched = await admin.get<UserView>(`/api/contact/users/${response.body.user.id}`);
        expect(fetched.body.name).toBe(payload);
        expect(fetched.body.title).toBe(payload);
        expect(await search(payload)).toContain(payload);
      }
      const department = await createDepartment({ name: "'; DELETE FROM contact_department; --" });
      expect(department.name).toBe("'; DELETE FROM contact_department; --");
      // The tables are all still there and answer.
      expect((await allUsers()).length).toBeGreaterThan(payloads.length);
      expect((await departments()).length).toBeGreaterThan(1);
      expect((await admin.get<{ items: GroupView[] }>('/api/contact/groups')).status).toBe(200);
    });
  });

  describe('realtime', () => {
    it('pushes contact.user.created to a signed-in WebSocket client', async () => {
      const client = new GatewayClient(server.url, admin.cookieHeader());
      try {
        await client.until((frames) => frames.some((f) => f.t === 'hello'), 'hello');
        const hello = client.frames[0] as Extract<GatewayFrame, { t: 'hello' }>;
        expect(hello.t).toBe('hello');
        const user = await createUser({ name: 'Live Event', email: 'live@acme.test' });
        await client.until(() => client.events('contact.user.created').length > 0, 'contact.user.created');
        const [event] = client.events('contact.user.created');
        expect(event!.payload).toMatchObject({ id: user.id, openId: user.openId });
        expect(event!.seq).toBeGreaterThan(hello.seq);
        // Only directory events reach the client; sign-ins and the like do not.
        expect(client.events().every((frame) => frame.type.startsWith('contact.'))).toBe(true);
      } finally {
        client.close();
      }
    });

    it('replays missed events in order, exactly once, after reconnecting with ?after=', async () => {
      const first = new GatewayClient(server.url, member.cookieHeader());
      await first.until((frames) => frames.some((f) => f.t === 'hello'), 'hello');
      await createUser({ name: 'Before Disconnect', email: 'before@acme.test' });
      await first.until(() => first.events('contact.user.created').length === 1, 'first event');
      const lastSeq = first.events().at(-1)!.seq;
      first.close();
      await first.closed();

      // Missed while offline: three creations and an update.
      const missed = [];
      for (const name of ['Missed One', 'Missed Two', 'Missed Three']) {
        missed.push(await createUser({ name, email: `${name.toLowerCase().replace(' ', '.')}@acme.test` }));
      }
      await admin.patch(`/api/contact/users/${missed[0]!.id}`, { title: 'Updated offline' });
      // Not a directory event: must not be replayed to the client.
      await new WebClient(server.url).login('member@acme.test', 'member-password-1');

      const second = new GatewayClient(server.url, member.cookieHeader(), lastSeq);
      try {
        await second.until((frames) => frames.some((f) => f.t === 'hello'), 'hello after replay');
        const expected = [
          ['contact.user.created', missed[0]!.id],
          ['contact.user.created', missed[1]!.id],
          ['contact.user.created', missed[2]!.id],
          ['contact.user.updated', missed[0]!.id],
        ];
        const replayed = second.events().map((frame) => [frame.type, (frame.payload as { id: string }).id]);
        expect(replayed).toEqual(expected);
        const seqs = second.events().map((frame) => frame.seq);
        expect(seqs.every((seq, i) => seq > lastSeq && (i === 0 || seq > seqs[i - 1]!))).toBe(true);
        const hello = second.frames.find((f) => f.t === 'hello') as Extract<GatewayFrame, { t: 'hello' }>;
        expect(second.frames.at(-1)).toBe(hello);
        expect(hello.seq).toBeGreaterThanOrEqual(seqs.at(-1)!);

        // Live events continue after the replay, once each.
        const live = await createUser({ name: 'After Reconnect', email: 'after@acme.test' });
        await second.until(() => second.events().some((f) => (f.payload as { id: string }).id === live.id), 'live event');
        await createUser({ name: 'After Reconnect Two', email: 'after2@acme.test' });
        await second.until(() => second.events('contact.user.created').length === 5, 'second live event');
        const ids = second.events().map((frame) => `${frame.type}:${(frame.payload as { id: string }).id}`);
        expect(new Set(ids).size).toBe(ids.length);
        expect(second.events().map((f) => f.seq)).toEqual([...second.events().map((f) => f.seq)].sort((a, b) => a - b));
      } finally {
        second.close();
      }
    });

    it('refuses a WebSocket without a valid session', async () => {
      const anonymous = new GatewayClient(server.url, '');
      expect(await anonymous.closed()).toBe(4001);
      const forged = new GatewayClient(server.url, 'kite_session=forged');
      expect(await forged.closed()).toBe(4001);
      expect(anonymous.events()).toEqual([]);
    });
  });
});
