import { type Kysely, sql } from 'kysely';

/** A department group follows one department of the org tree; one live group per department. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table im_chat add column department_id text;
    create unique index im_chat_department on im_chat (tenant_id, department_id)
      where department_id is not null and not dissolved;
  `.execute(db);
}
