import { AppError, errors } from '@kite/kernel/errors';
import { MAX_REDIRECT_URLS, RedirectUrl, SCOPES } from '@kite/openplatform/contract';
import { z } from 'zod';
import type { Kite } from './kite-instance.ts';

/** A CLI command as it travels to a running server (or runs in-process when none runs). */
export const CliRequest = z.discriminatedUnion('command', [
  z.object({
    command: z.literal('setup'),
    tenantName: z.string().trim().min(1).max(100),
    adminEmail: z.string().trim().toLowerCase().email(),
    adminPassword: z.string().min(8).max(200),
    adminName: z.string().trim().min(1).max(100).optional(),
  }),
  z.object({
    command: z.literal('app-create'),
    name: z.string().trim().min(1).max(100),
    tenant: z.string().max(64).optional(),
    scopes: z.array(z.enum(SCOPES)).optional(),
    eventUrl: z.string().url().optional(),
    encryptKey: z.string().max(200).optional(),
    verificationToken: z.string().max(200).optional(),
    /** OIDC redirect URLs (`--redirect-url`, repeatable or comma-separated). */
    redirectUrls: z.array(RedirectUrl).max(MAX_REDIRECT_URLS).optional(),
  }),
  z.object({
    command: z.literal('token'),
    app: z.string().min(1).max(64),
    user: z.string().trim().toLowerCase().email(),
    name: z.string().max(100).optional(),
    days: z.number().int().min(1).max(3650).optional(),
  }),
]);
export type CliRequest = z.infer<typeof CliRequest>;

const system = (tenantId: string) => ({ tenantId, actor: { type: 'system' as const, name: 'cli' } });

/** Runs one CLI command against a Kite instance; returns what `--json` prints. */
export async function runCliCommand(kite: Kite, request: CliRequest): Promise<Record<string, unknown>> {
  switch (request.command) {
    case 'setup': {
      const { tenant, user } = await kite.auth.setup(
        {
          tenantName: request.tenantName,
          adminName: request.adminName ?? request.adminEmail.split('@')[0]!,
          adminEmail: request.adminEmail,
          adminPassword: request.adminPassword,
        },
        {},
      );
      return { tenant_key: tenant.tenantKey, tenant_name: tenant.name, admin_open_id: user.openId, admin_email: user.email };
    }
    case 'app-create': {
      const tenant = request.tenant ? await kite.auth.findTenantByKey(request.tenant) : await kite.auth.firstTenant();
      if (!tenant) {
        throw request.tenant
          ? errors.notFound(`Tenant ${request.tenant}`)
          : new AppError('not_set_up', 'Kite is not set up yet: run `kite setup` first', { status: 409 });
      }
      const { app, appSecret } = await kite.openPlatform.createApp(system(tenant.id), {
        name: request.name,
        scopes: request.scopes,
        eventUrl: request.eventUrl,
        encryptKey: request.encryptKey,
        verificationToken: request.verificationToken,
        redirectUrls: request.redirectUrls,
      });
      return {
        app_id: app.appId,
        app_secret: appSecret,
        tenant_key: tenant.tenantKey,
        bot_open_id: app.botOpenId,
        ...(app.redirectUrls.length ? { redirect_urls: app.redirectUrls } : {}),
      };
    }
    case 'token': {
      const app = await kite.openPlatform.getApp(request.app);
      if (!app) throw errors.notFound(`App ${request.app}`);
      const users = (await kite.contacts.findActiveUsersByEmail(request.user)).filter((user) => user.tenantId === app.tenantId);
      if (users.length === 0) throw errors.notFound(`Active user ${request.user} in the app's tenant`);
      const days = request.days ?? 365;
      const { token, expiresIn } = await kite.openPlatform.issuePersonalToken(system(app.tenantId), {
        app,
        userId: users[0]!.id,
        name: request.name ?? 'kite token (CLI)',
        days,
      });
      return { user_access_token: token, token_type: 'Bearer', expires_in: expiresIn, open_id: users[0]!.openId };
    }
  }
}
