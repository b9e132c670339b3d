import type { ColumnType } from 'kysely';

export interface AuthTables {
  auth_credential: {
    user_id: string;
    tenant_id: string;
    password_hash: string;
    updated_at: Date;
  };
  auth_session: {
    token_hash: string;
    user_id: string;
    tenant_id: string;
    csrf_token: string;
    ip: string | null;
    user_agent: string | null;
    created_at: ColumnType<Date, Date | undefined, never>;
    last_seen_at: Date;
    expires_at: Date;
  };
  auth_login_attempt: {
    key: string;
    failures: number;
    locked_until: Date | null;
    updated_at: Date;
  };
  auth_invitation: {
    id: string;
    tenant_id: string;
    token: string;
    department_id: string | null;
    max_uses: number;
    uses: number;
    created_by: string;
    created_at: ColumnType<Date, Date | undefined, never>;
    expires_at: Date;
    revoked_at: Date | null;
  };
}
