import { type Kysely, sql } from 'kysely';

/**
 * Per-person views of non-shared cards (Feishu's 独享卡片): `im_card_view` holds, per card and
 * person, the card a click's update made for that person alone. The primary key serves the history
 * read's lookup (a page's cards, one viewer); deleting a message (retention) takes its views along.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table im_card_view (
      message_id text not null references im_message(id) on delete cascade,
      user_id text not null,
      content text not null,
      updated_at timestamptz not null,
      primary key (message_id, user_id)
    );
  `.execute(db);
}
