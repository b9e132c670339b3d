/**
 * A Kite server for benchmarks, seeded in-process: N users with sessions (no password hashing, no
 * sign-in round trips) and group chats of size G; writes what the load generator needs to a JSON
 * file, then serves like `npm start`. Bench-only: nothing here runs in the product.
 *
 * Env: BENCH_USERS, BENCH_GROUP_SIZE (chats of consecutive users; a list `10,100` seeds chats of
 * each size, so everyone is in one chat per size), BENCH_CHATS (instead: that many chats of the first
 * G users), BENCH_MESSAGES (bulk-load that many messages, spread evenly over the chats, with raw SQL),
 * BENCH_CORPUS=chat (instead: chats of G users spread over everyone, the first user in every tenth,
 * and messages of chat-like text with their search terms — bench/chat-corpus.ts), BENCH_STATS_PORT
 * (a control port: `GET /stats` → SQL statements sent so far, in all and by text; `POST /gc` → collect garbage (needs
 * --expose-gc), answers the RSS; `POST /profile/start`, `POST /profile/stop?file=F` → a CPU profile of
 * the time between, written to F), BENCH_SEED_FILE. SIGTERM closes the server cleanly.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { Session } from 'node:inspector/promises';
import { sql } from 'kysely';
import { loadConfig } from '../../apps/server/src/config.ts';
import { createKite } from '../../apps/server/src/kite.ts';
import { searchTermsOf } from '../../modules/im/server/search-terms.ts';
import { onEveryStatement } from '../../packages/testing/src/sql-statements.ts';
import { chatLine, seededRandom } from './chat-corpus.ts';

const users = Number(process.env.BENCH_USERS ?? 1000);
const groupSizes = (process.env.BENCH_GROUP_SIZE ?? '100').split(',').map(Number);
const groupSize = groupSizes[0]!;
const chatCount = process.env.BENCH_CHATS ? Number(process.env.BENCH_CHATS) : undefined;
const messageCount = Number(process.env.BENCH_MESSAGES ?? 0);
const out = process.env.BENCH_SEED_FILE ?? '/tmp/kite-bench-seed.json';
const chatCorpus = process.env.BENCH_CORPUS === 'chat';

// Counts every statement sent to either engine (the request's and the outbox dispatcher's alike),
// in all and by its text (the first 120 characters), so a benchmark can say which statements a send costs.
let statements = 0;
const statementsByText = new Map<string, number>();
if (process.env.BENCH_STATS_PORT) {
  onEveryStatement((text) => {
    statements++;
    // A slice, not a normalised copy: this runs on every statement of the server being measured.
    const key = text.slice(0, 120);
    statementsByText.set(key, (statementsByText.get(key) ?? 0) + 1);
  });
  createServer((request, response) => {
    void control(request).then((answer) => response.end(JSON.stringify(answer)));
  }).listen(Number(process.env.BENCH_STATS_PORT), '127.0.0.1');
}

let profiler: Session | undefined;
let seedingSince = performance.now();

/** Says on stderr how long a seeding step took (seeding 5,000 people takes minutes on PGlite). */
function seeding(step: string): void {
  process.stderr.write(`seeded ${step} in ${((performance.now() - seedingSince) / 1000).toFixed(1)} s\n`);
  seedingSince = performance.now();
}

/** The control port's answers (see the header); anything else answers the statement count. */
async function control(request: IncomingMessage): Promise<unknown> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (request.method === 'POST' && url.pathname === '/gc') {
    const collect = (globalThis as { gc?: () => void }).gc;
    collect?.();
    collect?.();
    return { rss: process.memoryUsage().rss, collected: Boolean(collect) };
  }
  if (request.method === 'POST' && url.pathname === '/profile/start') {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.setSamplingInterval', { interval: 500 });
    await profiler.post('Profiler.start');
    return { profiling: true };
  }
  if (request.method === 'POST' && url.pathname === '/profile/stop' && profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    profiler.disconnect();
    profiler = undefined;
    writeFileSync(url.searchParams.get('file') ?? '/tmp/kite-bench.cpuprofile', JSON.stringify(profile));
    return { profiling: false };
  }
  const byText: Record<string, number> = {};
  for (const [text, count] of statementsByText) {
    const key = text.replace(/\s+/g, ' ');
    byText[key] = (byText[key] ?? 0) + count;
  }
  return { statements, byText };
}

const kite = await createKite({ ...loadConfig(), logLevel: 'error' });
const url = await kite.listen();
process.on('SIGTERM', () => {
  void kite.close().finally(() => process.exit(0));
});
const { tenant, user: admin } = await kite.auth.setup(
  { tenantName: 'Bench', adminName: 'Admin', adminEmail: 'admin@bench.test', adminPassword: 'bench-password-1' },
  {},
);
const adminSession = await kite.auth.startSession(admin, {}, 'bench');
// People through the directory's CSV import (set-based, no passwords to hash: creating them one by
// one hashes a temporary password each, minutes for 5,000), then a session each.
const adminHeaders = {
  'content-type': 'application/json',
  cookie: `kite_session=${adminSession.token}`,
  'x-csrf-token': adminSession.csrfToken,
};
const csv = ['name,email', ...Array.from({ length: users }, (_, i) => `用户${i},u${i}@bench.test`)].join('\n');
const imported = await fetch(`${url}/api/contact/import`, { method: 'POST', headers: adminHeaders, body: JSON.stringify({ csv }) });
if (!imported.ok) throw new Error(`people import failed: ${imported.status} ${await imported.text()}`);
const emails = Array.from({ length: users }, (_, i) => `u${i}@bench.test`);
const byEmail = new Map((await kite.contacts.usersByPublicIds(tenant.id, 'email', emails)).map((user) => [user.email, user]));
const people = emails.map((email) => byEmail.get(email)!);
const ids = people.map((person) => person.id);
seeding('people');
const sessions: Array<{ cookie: string; csrf: string }> = [];
for (const person of people) {
  const session = await kite.auth.startSession(person, {}, 'bench');
  sessions.push({ cookie: `kite_session=${session.token}`, csrf: session.csrfToken });
}
const memberLists: number[][] = [];
if (chatCorpus) {
  // Everyone is in a few chats; the first user (who searches) in every tenth, so sees a tenth of the messages.
  for (let k = 0; k < (chatCount ?? 100); k++) {
    const members = Array.from({ length: groupSize }, (_, m) => 1 + ((k * groupSize + m) % (users - 1)));
    memberLists.push(k % 10 === 0 ? [0, ...members] : members);
  }
} else if (chatCount !== undefined) {
  for (let k = 0; k < chatCount; k++) memberLists.push(Array.from({ length: groupSize }, (_, m) => m));
} else {
  for (const size of groupSizes) {
    for (let start = 0; start + size <= users; start += size) memberLists.push(Array.from({ length: size }, (_, k) => start + k));
  }
}
seeding('sessions');
const chats: Array<{ chatId: string; members: number[] }> = [];
for (const [index, members] of memberLists.entries()) {
  const response = await fetch(`${url}/api/im/chats`, {
    method: 'POST',
    headers: adminHeaders,
    body: JSON.stringify({ chatType: 'group', name: `Group ${index}`, userIds: members.map((m) => ids[m]) }),
  });
  if (!response.ok) throw new Error(`chat create failed: ${response.status} ${await response.text()}`);
  const chat = (await response.json()) as { id: string };
  chats.push({ chatId: chat.id, members });
}

// History: N messages straight into the tables, one `insert … select generate_series` per chat,
// each sent by the chat's members in turn, a second apart, ~120-byte texts.
seeding('chats');
const perChat = chats.length > 0 ? Math.floor(messageCount / chats.length) : 0;
const loadStarted = performance.now();
// Creating a group writes its "created the group" line at seq 1: dropped, so the loaded messages take
// seq 1 to N and every page is N text messages.
if (perChat > 0) await sql`delete from im_message where tenant_id = ${tenant.id}`.execute(kite.database.db);
if (perChat > 0 && chatCorpus) {
  await loadChatCorpus(perChat);
} else if (perChat > 0) {
  const { db } = kite.database;
  for (const chat of chats) {
    await sql`
      insert into im_message (id, tenant_id, chat_id, message_id, seq, sender_kind, sender_id, msg_type, content, search_text, created_at, updated_at)
      select gen_random_uuid()::text, c.tenant_id, c.id, 'om_' || md5(c.id || ':' || g), g, 'user',
             members.ids[1 + g % array_length(members.ids, 1)], 'text',
             json_build_object('text', 'message ' || g || ' of the bench history, long enough to look like a chat line.')::text,
             'message ' || g || ' of the bench history, long enough to look like a chat line.',
             now() - make_interval(secs => ${perChat} - g), now() - make_interval(secs => ${perChat} - g)
      from im_chat c
      cross join lateral (select array_agg(member_id order by member_id) as ids from im_member where chat_id = c.id and member_kind = 'user') members
      cross join generate_series(1, ${perChat}::int) g
      where c.id = ${chat.chatId}`.execute(db);
    await sql`update im_chat set last_seq = ${perChat}, last_message_at = now() where id = ${chat.chatId}`.execute(db);
    await sql`update im_member set last_read_seq = ${perChat} where chat_id = ${chat.chatId}`.execute(db);
  }
  await sql`analyze im_message`.execute(db);
}
const loadSeconds = Number(((performance.now() - loadStarted) / 1000).toFixed(1));

/**
 * Chat-like messages with their search terms, round robin over the chats, a second apart, sent by the
 * chat's members in turn; 5,000 rows per statement. The search index is built once at the end, as
 * CREATE INDEX does it far faster than row by row.
 */
async function loadChatCorpus(perChat: number) {
  const { db } = kite.database;
  const { rows } = await sql<{ definition: string }>`select pg_get_indexdef('im_message_search'::regclass) as definition`.execute(db);
  await sql`drop index im_message_search`.execute(db);
  const random = seededRandom(42);
  const total = perChat * chats.length;
  const start = Date.now() - total * 1000;
  for (let first = 0; first < total; first += 5000) {
    const batch = {
      chat: [] as string[],
      seq: [] as number[],
      sender: [] as string[],
      text: [] as string[],
      terms: [] as string[],
      at: [] as string[],
    };
    for (let k = first; k < Math.min(total, first + 5000); k++) {
      const chat = chats[k % chats.length]!;
      const line = chatLine(random);
      batch.chat.push(chat.chatId);
      batch.seq.push(Math.floor(k / chats.length) + 1);
      batch.sender.push(ids[chat.members[k % chat.members.length]!]!);
      batch.text.push(line);
      batch.terms.push(searchTermsOf(line));
      batch.at.push(new Date(start + k * 1000).toISOString());
    }
    await sql`
      insert into im_message (id, tenant_id, chat_id, message_id, seq, sender_kind, sender_id, msg_type, content, search_text, search_terms, created_at, updated_at)
      select gen_random_uuid()::text, ${tenant.id}, chat, 'om_' || replace(gen_random_uuid()::text, '-', ''), seq, 'user', sender, 'text',
             json_build_object('text', body)::text, body, terms, at::timestamptz, at::timestamptz
      from unnest(${batch.chat}::text[], ${batch.seq}::int[], ${batch.sender}::text[], ${batch.text}::text[], ${batch.terms}::text[], ${batch.at}::text[])
        as given(chat, seq, sender, body, terms, at)`.execute(db);
  }
  await sql`update im_chat set last_seq = ${perChat}, last_message_at = now() where tenant_id = ${tenant.id}`.execute(db);
  await sql`update im_member set last_read_seq = ${perChat} where tenant_id = ${tenant.id}`.execute(db);
  await db.connection().execute(async (connection) => {
    await sql`set maintenance_work_mem = '512MB'`.execute(connection);
    await sql.raw(rows[0]!.definition).execute(connection);
  });
  await sql`analyze im_message`.execute(db);
}

writeFileSync(
  out,
  JSON.stringify({
    url,
    admin: { cookie: `kite_session=${adminSession.token}`, csrf: adminSession.csrfToken },
    sessions,
    userIds: ids,
    chats,
    perChat,
    loadSeconds,
  }),
);
process.stdout.write('seeded\n');
