import type { ColumnType, Selectable } from 'kysely';
import type { ImDb } from './im-repository.ts';

/**
 * Custom (incoming-webhook) bots of group chats. The bot is also a chat member
 * (`member_kind = 'webhook'`, `member_id = id`), so its messages take the send path of everyone else.
 */
export interface WebhookTables {
  im_webhook_bot: {
    /** Public id, app-id shaped (`cli_…`): Feishu names a custom bot's messages by an app id too. */
    id: string;
    tenant_id: string;
    /** The chat's internal id. */
    chat_id: string;
    name: string;
    description: string;
    /** sha256 (hex) of the URL's token: a leaked row does not give the URL. */
    token_hash: string;
    /** The token's first characters, so people can tell which URL they hold. */
    token_hint: string;
    /** Signing secret (kept as is: checking a signature needs it); null when requests are not signed. */
    secret: string | null;
    /** A message must contain one of these (none: no filter). */
    keywords: string[];
    /** Addresses and CIDR ranges requests may come from (none: any). */
    ip_allowlist: string[];
    /** The user who added the bot. */
    created_by: string;
    created_at: ColumnType<Date, Date | undefined, never>;
    updated_at: ColumnType<Date, Date | undefined, Date>;
    /** Set when removed: the row stays so its messages keep their sender's name. */
    removed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  };
}

export type WebhookDb = ImDb & WebhookTables;
export type WebhookBotRow = Selectable<WebhookTables['im_webhook_bot']>;
