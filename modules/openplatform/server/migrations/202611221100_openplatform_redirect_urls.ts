import { type Kysely, sql } from 'kysely';

/**
 * OIDC redirect allow-list: `authorize` sends the browser only to one of these. Existing apps start
 * with none, so their sign-in is refused until an administrator registers the app's callback URL.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table op_app add column redirect_urls text[] not null default '{}'`.execute(db);
}
