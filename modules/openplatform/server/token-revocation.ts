import type { DomainEvent, DurableHandler } from '@kite/platform/outbox';
import type { OpenPlatformService } from './open-platform-service.ts';

/** Name of the durable outbox consumer (its cursor row in `outbox_consumer`). */
export const TOKEN_REVOCATION_CONSUMER = 'openplatform.token-revocation';

/**
 * A durable outbox consumer that revokes a person's OIDC user/refresh tokens, personal access tokens
 * and unused authorization codes when an event ends their credentials. Which events do is the
 * composition root's decision (`endsCredentialsOf`: password reset and deactivation), so this module
 * needs neither auth's nor contact's server code. Durable, so a revocation survives a crash between
 * the reset's commit and this consumer's turn: it runs in the transaction that moves its cursor.
 */
export function createTokenRevocationHandler(
  openPlatform: OpenPlatformService,
  endsCredentialsOf: (event: DomainEvent) => string | null,
): DurableHandler {
  return async (events, trx) => {
    const users = new Map<string, { tenantId: string; userId: string }>();
    for (const event of events) {
      const userId = endsCredentialsOf(event);
      if (userId) users.set(`${event.tenantId}|${userId}`, { tenantId: event.tenantId, userId });
    }
    if (users.size > 0) await openPlatform.revokeUserCredentials(trx, [...users.values()]);
  };
}
