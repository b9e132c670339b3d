import type { SharedTransaction } from '@kite/platform/outbox';
import { z } from 'zod';

const email = z.string().trim().toLowerCase().email().max(254);
const password = z.string().min(8, 'At least 8 characters').max(200);

export const SetupInput = z.object({
  tenantName: z.string().trim().min(1).max(100),
  adminName: z.string().trim().min(1).max(100),
  adminEmail: email,
  adminPassword: password,
});
export type SetupInput = z.infer<typeof SetupInput>;

export const LoginInput = z.object({
  email,
  password: z.string().min(1).max(200),
  tenantKey: z.string().max(64).optional(),
});

export const InvitationInput = z.object({
  expiresInDays: z.number().int().min(1).max(30).default(7),
  maxUses: z.number().int().min(1).max(1000).default(50),
  departmentId: z.string().max(64).nullable().optional(),
});

export const AcceptInvitationInput = z.object({
  name: z.string().trim().min(1).max(100),
  email,
  password,
});

export const PatchMeInput = z.object({ locale: z.enum(['zh-CN', 'en-US']).optional() });

/** Password storage other modules use by injection (contact sets and resets passwords). */
export interface CredentialStore {
  setPassword(trx: SharedTransaction, tenantId: string, userId: string, password: string): Promise<void>;
  /** Ends every session of a user (deactivation, password reset). */
  revokeSessions(trx: SharedTransaction, userId: string): Promise<void>;
  /** The user's rights changed (admin flag): sessions stay, but are read afresh. */
  invalidateSessions(userId: string): void;
}

export const authEvents = {
  tenantCreated: 'auth.tenant.created',
  loginSucceeded: 'auth.login.succeeded',
  loginFailed: 'auth.login.failed',
  loggedOut: 'auth.logout',
  invitationCreated: 'auth.invitation.created',
  invitationRevoked: 'auth.invitation.revoked',
  invitationAccepted: 'auth.invitation.accepted',
  passwordChanged: 'auth.password.changed',
  /** An administrator set a new password: the person's sessions and app tokens end (emitted by contact). */
  passwordReset: 'auth.password.reset',
} as const;

/** Payload of `auth.logout`: who signed out, and which session (sha256 of its token, never the token). */
export interface LogoutEventPayload {
  id: string;
  sessionId: string;
}
