import type { ColumnType, Generated } from 'kysely';

/** Tables the platform itself owns. Modules add theirs with `db.withTables<ModuleTables>()`. */
export interface PlatformTables {
  tenant: {
    id: string;
    tenant_key: string;
    name: string;
    created_at: ColumnType<Date, Date | undefined, never>;
  };
  outbox: {
    seq: Generated<number>;
    id: string;
    tenant_id: string;
    type: string;
    subject_type: string;
    subject_id: string;
    payload: ColumnType<unknown, string, string>;
    actor: ColumnType<unknown, string | null, string | null>;
    context: ColumnType<unknown, string | null, string | null>;
    created_at: ColumnType<Date, Date | undefined, never>;
  };
  outbox_consumer: {
    name: string;
    last_seq: number;
    updated_at: Date;
  };
  audit_log: {
    seq: number;
    tenant_id: string;
    action: string;
    subject_type: string;
    subject_id: string;
    actor_type: string | null;
    actor_id: string | null;
    actor_name: string | null;
    ip: string | null;
    user_agent: string | null;
    detail: ColumnType<unknown, string, string>;
    created_at: Date;
  };
}
