import { imEvents, UpdateUserSettingsInput, type UserSettingsEventPayload, type UserSettingsView } from '@kite/im/contract';
import type { Clock } from '@kite/kernel/clock';
import { errors } from '@kite/kernel/errors';
import type { Authenticators } from '@kite/platform/http';
import type { CommandRunner } from '@kite/platform/outbox';
import { parseInput } from '@kite/platform/validation';
import type { FastifyInstance } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import type { ImDb } from './im-repository.ts';
import type { Ctx } from './im-service.ts';
import { userSettingsRepository as repo, type UserSettingsRow } from './user-settings-repository.ts';

/** Everything on until a person turns it off (the browser still asks before showing notifications). */
const DEFAULT_USER_SETTINGS: UserSettingsView = { desktopNotifications: true, sound: true };

function presentUserSettings(row: UserSettingsRow | undefined): UserSettingsView {
  return row ? { desktopNotifications: row.desktop_notifications, sound: row.sound } : { ...DEFAULT_USER_SETTINGS };
}

function userIdOf(ctx: Ctx): string {
  if (ctx.actor.type !== 'user') throw errors.forbidden('Only people have messenger settings');
  return ctx.actor.userId;
}

/**
 * A person's own messenger settings: whether the browser shows desktop notifications for new
 * messages and buzzes, and whether buzzes chime. Kept on the server so every browser and device
 * of theirs follows one choice; a change reaches their other tabs as `im.user_settings.updated`.
 */
export class ImUserSettings {
  constructor(private readonly deps: { db: Kysely<ImDb>; commands: CommandRunner; clock: Clock }) {}

  async get(ctx: Ctx): Promise<UserSettingsView> {
    return presentUserSettings(await repo.find(this.deps.db, ctx.tenantId, userIdOf(ctx)));
  }

  /** Changes what `input` names; an unchanged value writes nothing and announces nothing. */
  async update(ctx: Ctx, input: UpdateUserSettingsInput): Promise<UserSettingsView> {
    const userId = userIdOf(ctx);
    return this.deps.commands.run(ctx, async (transaction, emit) => {
      const trx = transaction as unknown as Transaction<ImDb>;
      const before = presentUserSettings(await repo.find(trx, ctx.tenantId, userId));
      const settings: UserSettingsView = {
        desktopNotifications: input.desktopNotifications ?? before.desktopNotifications,
        sound: input.sound ?? before.sound,
      };
      if (settings.desktopNotifications === before.desktopNotifications && settings.sound === before.sound) return before;
      await repo.save(
        trx,
        { tenant_id: ctx.tenantId, user_id: userId, desktop_notifications: settings.desktopNotifications, sound: settings.sound },
        this.deps.clock.now(),
      );
      const payload: UserSettingsEventPayload = { userId, settings, before };
      await emit({ type: imEvents.userSettingsUpdated, subjectType: 'user', subjectId: userId, payload });
      return settings;
    });
  }
}

/** `GET` / `PATCH /api/im/user-settings`: the caller's own settings, nobody else's. */
export function registerImUserSettingsRoutes(app: FastifyInstance, deps: { settings: ImUserSettings; authenticate: Authenticators }): void {
  app.get('/api/im/user-settings', async (request) => deps.settings.get(await deps.authenticate.user(request)));
  app.patch('/api/im/user-settings', async (request) => {
    const ctx = await deps.authenticate.user(request);
    return deps.settings.update(ctx, parseInput(UpdateUserSettingsInput, request.body));
  });
}
