import type { UserView } from '@kite/contact/contract';

/** What `/api/auth/session`, `/api/auth/login`, `/api/setup` and `PATCH /api/me` answer. */
export interface Session {
  user: UserView;
  tenant: { id: string; tenantKey: string; name: string };
  csrfToken: string;
  isAdmin: boolean;
}

/** One organisation an e-mail belongs to, offered when sign-in needs the person to pick. */
export interface TenantChoice {
  tenantKey: string;
  name: string;
}

export interface Invitation {
  id: string;
  url: string;
  token: string;
  expiresAt: string;
  maxUses: number;
  uses: number;
  department: { id: string; name: string } | null;
  createdBy: { id: string; name: string };
  createdAt: string;
}

export interface InvitationPreview {
  tenantName: string;
  expiresAt: string;
}
