import type { ColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;

export interface ContactTables {
  contact_user: {
    id: string;
    tenant_id: string;
    open_id: string;
    union_id: string;
    user_id: string;
    name: string;
    en_name: string;
    email: string | null;
    mobile: string | null;
    title: string;
    employee_no: string;
    manager_id: string | null;
    status: 'active' | 'deactivated';
    is_admin: boolean;
    locale: 'zh-CN' | 'en-US';
    avatar_color: string;
    search_pinyin: string;
    search_initials: string;
    created_at: CreatedAt;
    updated_at: UpdatedAt;
  };
  contact_department: {
    id: string;
    tenant_id: string;
    department_id: string;
    open_department_id: string;
    name: string;
    parent_id: string | null;
    leader_user_ids: string[];
    sort_order: number;
    created_at: CreatedAt;
    updated_at: UpdatedAt;
  };
  contact_user_department: {
    tenant_id: string;
    user_id: string;
    department_id: string;
  };
  contact_group: {
    id: string;
    tenant_id: string;
    group_id: string;
    name: string;
    description: string;
    created_at: CreatedAt;
  };
  contact_group_member: {
    tenant_id: string;
    group_id: string;
    user_id: string;
  };
}
