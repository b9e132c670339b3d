import { type Kysely, sql } from 'kysely';

/**
 * The app's card request URL: where legacy (v1) card callbacks go when someone clicks a button of a
 * card the app's bot sent. Null for every existing app, which then gets `card.action.trigger` through
 * its event subscription instead, if it has one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table op_app add column card_url text`.execute(db);
}
