import type { ColumnType } from 'kysely';

export interface OpenPlatformTables {
  op_app: {
    id: string;
    tenant_id: string;
    app_id: string;
    name: string;
    description: string;
    secret_hash: string;
    scopes: string[];
    event_url: string | null;
    encrypt_key: string | null;
    verification_token: string | null;
    /** OIDC redirect allow-list (migration 202611221100). */
    redirect_urls: ColumnType<string[], string[] | undefined, string[]>;
    /** Legacy (v1) card callbacks go here (migration 202611231250). */
    card_url: ColumnType<string | null, string | null | undefined, string | null>;
    bot_open_id: string;
    created_at: ColumnType<Date, Date | undefined, never>;
    updated_at: Date;
    deleted_at: Date | null;
  };
  /** Every token the open platform issues, stored as a sha256 hash. */
  op_token: {
    id: string;
    token_hash: string;
    kind: 'tenant' | 'app' | 'user' | 'refresh' | 'pat';
    tenant_id: string;
    app_id: string | null;
    user_id: string | null;
    name: string;
    created_at: ColumnType<Date, Date | undefined, never>;
    expires_at: Date;
    revoked_at: Date | null;
    last_used_at: Date | null;
  };
  op_auth_code: {
    code_hash: string;
    tenant_id: string;
    app_id: string;
    user_id: string;
    redirect_uri: string;
    expires_at: Date;
    used_at: Date | null;
  };
  /** Card templates (migration 202611241310): the template; its content lives in its versions. */
  op_card_template: {
    id: string;
    tenant_id: string;
    /** The owning app's `cli_…` id. */
    app_id: string;
    /** Public id (`AA…`), what `template_id` names when sending. */
    template_id: string;
    name: string;
    created_at: ColumnType<Date, Date | undefined, never>;
    updated_at: Date;
    deleted_at: Date | null;
  };
  /** One published version of a template; never changed once written. */
  op_card_template_version: {
    /** `op_card_template.id`. */
    template_id: string;
    version_name: string;
    /** The card JSON, placeholders and all. */
    card: string;
    /** JSON object: default values of its variables. */
    defaults: string;
    /** Who published it (contact user id). */
    created_by: string | null;
    created_at: Date;
  };
}
