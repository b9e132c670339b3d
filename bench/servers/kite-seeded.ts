/**
 * A Kite server for benchmarks, seeded in-process: N users with sessions (no password hashing, no
 * sign-in round trips) and group chats of size G; writes what the load generator needs to a JSON
 * file, then serves like `npm start`. Bench-only: nothing here runs in the product.
 */
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../../apps/server/src/config.ts';
import { createKite } from '../../apps/server/src/kite.ts';

const users = Number(process.env.BENCH_USERS ?? 1000);
const groupSize = Number(process.env.BENCH_GROUP_SIZE ?? 100);
const out = process.env.BENCH_SEED_FILE ?? '/tmp/kite-bench-seed.json';

const kite = await createKite({ ...loadConfig(), logLevel: 'error' });
const url = await kite.listen();
const { tenant, user: admin } = await kite.auth.setup(
  { tenantName: 'Bench', adminName: 'Admin', adminEmail: 'admin@bench.test', adminPassword: 'bench-password-1' },
  {},
);
const adminSession = await kite.auth.startSession(admin, {}, 'bench');
const ids: string[] = [];
const system = { tenantId: tenant.id, actor: { type: 'system' as const, name: 'bench' } };
await kite.commands.run(system, async (trx, emit) => {
  for (let i = 0; i < users; i++) {
    const created = await kite.contacts.createUserUnchecked({ trx, emit }, tenant.id, { name: `用户${i}`, email: `u${i}@bench.test` });
    ids.push(created.id);
  }
});
const sessions: Array<{ cookie: string; csrf: string }> = [];
for (const id of ids) {
  const user = await kite.contacts.findDirectoryUser(tenant.id, id);
  const session = await kite.auth.startSession(user!, {}, 'bench');
  sessions.push({ cookie: `kite_session=${session.token}`, csrf: session.csrfToken });
}
const chats: Array<{ chatId: string; members: number[] }> = [];
for (let start = 0; start + groupSize <= users; start += groupSize) {
  const members = Array.from({ length: groupSize }, (_, k) => start + k);
  const response = await fetch(`${url}/api/im/chats`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `kite_session=${adminSession.token}`, 'x-csrf-token': adminSession.csrfToken },
    body: JSON.stringify({ chatType: 'group', name: `Group ${start / groupSize}`, userIds: members.map((m) => ids[m]) }),
  });
  if (!response.ok) throw new Error(`chat create failed: ${response.status} ${await response.text()}`);
  const chat = (await response.json()) as { id: string };
  chats.push({ chatId: chat.id, members });
}
writeFileSync(out, JSON.stringify({ url, sessions, chats }));
process.stdout.write('seeded\n');
