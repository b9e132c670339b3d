import { z } from 'zod';

/** Scopes an app may hold. The admin CLI grants all by default; `--scopes` narrows. */
export const SCOPES = [
  'contact:contact',
  'contact:contact:readonly',
  'contact:user.email:readonly',
  'contact:user.phone:readonly',
  'im:message',
  'im:message.group_msg',
  'im:chat',
  'im:resource',
  'docx:document',
  'bitable:app',
  'calendar:calendar',
  'approval:approval',
  'task:task',
] as const;
export type Scope = (typeof SCOPES)[number];

/** What the rest of the server may know about an app (never its secret). */
export interface AppRecord {
  /** Internal id. */
  id: string;
  appId: string;
  tenantId: string;
  tenantKey: string;
  name: string;
  description: string;
  scopes: readonly string[];
  /** Webhook event subscription; null when the app only uses the long connection. */
  eventUrl: string | null;
  encryptKey: string | null;
  verificationToken: string | null;
  /**
   * Card request URL: legacy (v1) card callbacks are POSTed here, signed with the verification token.
   * Null: card clicks reach the app as `card.action.trigger` through its event subscription.
   */
  cardUrl: string | null;
  /** Where OIDC sign-in may send the browser back (`authorize` refuses any other `redirect_uri`). */
  redirectUrls: readonly string[];
  /** The app's bot identity (`ou_…`). */
  botOpenId: string;
  createdAt: Date;
}

/** Lookups other server modules get by injection (wired in apps/server). */
export interface AppDirectory {
  /** Checks an app id + secret pair; null when either is wrong. */
  verifySecret(appId: string, appSecret: string): Promise<AppRecord | null>;
  getApp(appId: string): Promise<AppRecord | null>;
  /** Every app of the tenant, for event fan-out. */
  listTenantApps(tenantId: string): Promise<AppRecord[]>;
}

/** Most redirect URLs an app may register. */
export const MAX_REDIRECT_URLS = 20;

/**
 * A registered OIDC redirect URL: absolute http(s), no fragment (RFC 6749 §3.1.2). `authorize` matches
 * scheme, host, port and path; the query string of a `redirect_uri` may differ.
 */
export const RedirectUrl = z
  .string()
  .trim()
  .max(2000)
  .url()
  .refine((value) => /^https?:\/\//i.test(value), 'Must start with http:// or https://')
  .refine((value) => !value.includes('#'), 'Must not contain a fragment (#)');

export const AppInput = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(500).optional(),
  scopes: z.array(z.enum(SCOPES)).max(SCOPES.length).optional(),
  eventUrl: z.string().trim().url().max(2000).nullable().optional(),
  encryptKey: z.string().trim().max(200).nullable().optional(),
  verificationToken: z.string().trim().max(200).nullable().optional(),
  /** Card request URL (legacy v1 card callbacks); checked with a url_verification challenge when set. */
  cardUrl: z.string().trim().url().max(2000).nullable().optional(),
  /** OIDC redirect URLs; duplicates are dropped. */
  redirectUrls: z.array(RedirectUrl).max(MAX_REDIRECT_URLS).optional(),
});
export type AppInput = z.infer<typeof AppInput>;

export const AppPatch = AppInput.partial();
export type AppPatch = z.infer<typeof AppPatch>;

/** DTO shown to admins in the console. */
export interface AppView {
  appId: string;
  name: string;
  description: string;
  scopes: string[];
  eventUrl: string | null;
  hasEncryptKey: boolean;
  verificationToken: string | null;
  cardUrl: string | null;
  redirectUrls: string[];
  botOpenId: string;
  createdAt: string;
}

export const openPlatformEvents = {
  appCreated: 'openplatform.app.created',
  appUpdated: 'openplatform.app.updated',
  appSecretRotated: 'openplatform.app.secret_rotated',
  appDeleted: 'openplatform.app.deleted',
  tokenRevoked: 'openplatform.token.revoked',
  cardTemplateCreated: 'openplatform.card_template.created',
  cardTemplatePublished: 'openplatform.card_template.published',
  cardTemplateUpdated: 'openplatform.card_template.updated',
  cardTemplateDeleted: 'openplatform.card_template.deleted',
} as const;

export * from './card-templates.ts';
